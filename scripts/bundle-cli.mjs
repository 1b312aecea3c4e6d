#!/usr/bin/env node
// Bundle the CLI for start-up speed: after `tsc` has written dist/, this joins dist/cli/run.js and
// the generation worker (dist/io/worker.js) with the modules they import into a few files in
// dist/bundle/ (run.js, worker.js and shared chunks; commands and formats stay in chunks loaded on
// demand, as dynamic imports are), and dist/bundle/quick.js, which answers `--help` and `--version`
// (and each command's help) from the texts run.js prints, rendered here. bin/init-weights.js runs quick.js, then run.js.
//
// Why: Node 20 resolves, reads and links each ES module on its own; a plain `gen` run loaded ~170
// of them, ~0.1-0.2 s of CPU before the first value was drawn (cpu profile: resolution, file
// stats, module compilation). The same code bundled measured ~0.2 s less CPU for a 100M-value run
// and ~0.1 s less wall time for a 10M one (npm run bench has the figures). The library entry
// (dist/index.js) is not bundled: importers get the plain modules.
//
// commander is bundled too, with its `require('node:child_process')` made lazy: commander needs it
// only to run executable subcommands, which this CLI has none of, and loading it pulled in
// child_process, net and dgram internals on every run. apache-arrow and h5wasm stay outside: they
// are large and loaded only by the formats that need them.

import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'dist');
const OUT = join(DIST, 'bundle');
const { version } = JSON.parse(readFileSync(join(DIST, '..', 'package.json'), 'utf8'));

/** commander's child_process, required on first use instead of at start-up. */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  // Named entries land in OUT itself, beside the shared chunks, so the pool's
  // `new URL('./worker.js', import.meta.url)` finds the worker from whichever chunk holds the pool.
  entryPoints: { run: join(DIST, 'cli', 'run.js'), worker: join(DIST, 'io', 'worker.js') },
  entryNames: '[name]',
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['apache-arrow', 'h5wasm'],
  plugins: [lazyChildProcess],
  // version.ts takes it from here: no package.json to find and parse at start-up.
  define: { __INIT_WEIGHTS_VERSION__: JSON.stringify(version) },
  // CommonJS inside an ES module bundle (commander) requires node's builtins through this.
  banner: { js: "import { createRequire as __iwCreateRequire } from 'node:module'; const require = __iwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

/**
 * What the bundled CLI prints for each argument list, from one child process whose stdout is a
 * pipe: help is wrapped at HELP_WIDTH columns (src/cli/process-io.ts) there, as it is off a
 * terminal and on any terminal as wide, whatever this build's own stdout is.
 */
function printed(argvs) {
  const code = `const { run } = await import(${JSON.stringify(pathToFileURL(join(OUT, 'run.js')).href)});
const texts = [];
for (const argv of ${JSON.stringify(argvs)}) {
  let out = '';
  if (await run(argv, undefined, undefined, (s) => (out += s)) !== 0 || out === '') throw new Error('init-weights ' + argv.join(' ') + ': no text');
  texts.push(out);
}
process.stdout.write(JSON.stringify(texts));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || r.stderr !== '') throw new Error(`bundle-cli: rendering help failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Help and `--version` without the parser (src/cli/quick.ts): its own small file, with the
// program's texts written in: its own help and each command's.
const { buildProgram } = await import(pathToFileURL(join(DIST, 'cli', 'program.js')).href);
const commands = ['', ...buildProgram(async () => undefined, async () => undefined).commands.map((c) => c.name())];
const texts = printed([...commands.map((c) => (c === '' ? ['--help'] : [c, '--help'])), ['--version']]);
const quickTexts = { help: Object.fromEntries(commands.map((c, i) => [c, texts[i]])), version: texts[commands.length] };
await build({
  entryPoints: { quick: join(DIST, 'cli', 'quick.js') },
  entryNames: '[name]',
  outdir: OUT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { __INIT_WEIGHTS_QUICK__: JSON.stringify(quickTexts) },
  logLevel: 'warning',
});
