import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBinRuns, BIN, runCli, tempDir } from '../helpers/cli.js';

/* What `--help` and `--version` load and print through the real bin (dist/, built before vitest). */
let tmp: ReturnType<typeof tempDir>;
let hook: string;
beforeAll(() => {
  assertBinRuns();
  tmp = tempDir();
  // A module hook that names every module the process loads, on fd 2.
  hook = tmp.path('log-loads.mjs');
  writeFileSync(hook, `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { writeSync } from 'node:fs';
export async function load(url, context, next) { writeSync(2, 'LOADED ' + url + '\\\\n'); return next(url, context); }\`));
`);
});
afterAll(() => tmp.cleanup());

function bin(args: string[], nodeArgs: string[] = []) {
  return spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: tmp.dir, encoding: 'utf8', input: '' });
}

/** Modules (and node builtins) loaded by the bin for `args`. */
function loaded(args: string[]): string[] {
  const r = bin(args, ['--import', hook]);
  expect(r.status).toBe(0);
  return r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
}

// A registry, a command, the I/O plumbing, a sampler or a heavy builtin: none is needed to print help.
const HEAVY = [
  /formats\/registry\.js$/, /formats\/[a-z-]+\/(writer|reader)\.js$/, /compat\/stream\.js$/, /compat\/[a-z]+\/mode\.js$/,
  /init\/table\.js$/, /generate\//, /cli\/commands\//, /\/io\//, /\/rng\//, /weights-spec\/(parse|load)\.js$/,
  /apache-arrow/, /h5wasm/, /seedrandom/, /picomatch/, /^node:(crypto|net|tty|stream|worker_threads|zlib)$/,
];

describe('start-up: help and version load only the declarations', () => {
  for (const args of [['--help'], ['gen', '--help'], ['--version'], ['help', 'gen']]) {
    it(`\`${args.join(' ')}\` loads no registry, command, sampler or I/O module`, () => {
      const urls = loaded(args);
      expect(urls.some((u) => u.endsWith('/dist/cli/program.js'))).toBe(true);
      expect(urls.filter((u) => HEAVY.some((re) => re.test(u)))).toEqual([]);
    });
  }

  it('a gen run still loads what it needs (the hook sees the command and the writer)', () => {
    const urls = loaded(['gen', '--shape', '3', '--seed', '1', '-o', 'w.npy', '--quiet']);
    expect(urls.some((u) => u.endsWith('/dist/cli/commands/gen.js'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/dist/formats/npy/writer.js'))).toBe(true);
  });
});

describe('start-up: the bin prints what the program declares, byte for byte', () => {
  for (const args of [['--help'], ['gen', '--help'], ['inspect', '--help'], ['--version'], ['help', 'gen']]) {
    it(`\`${args.join(' ')}\` through the bin equals the in-process run`, async () => {
      const want = await runCli(args);
      const r = bin(args);
      expect(r.status).toBe(want.code);
      expect(r.stdout).toBe(want.stdout.toString());
      expect(r.stderr).toBe(want.stderr);
    });
  }

  it('help for a reader that is already gone exits 0 and says nothing', async () => {
    const child = spawn(process.execPath, [BIN, 'gen', '--help'], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed long before node has started, so the child's writes meet EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
