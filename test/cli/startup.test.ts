import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBinRuns, BIN, runCli, tempDir } from '../helpers/cli.js';

/*
 * What `--help` and `--version` load and print. The bin runs the bundled CLI (dist/bundle/, made by
 * scripts/bundle-cli.mjs); what each command loads is checked on the same program as plain modules
 * (dist/cli/run.js), where module names are file names.
 */
const PLAIN_RUN = new URL('../../dist/cli/run.js', import.meta.url).href;
let tmp: ReturnType<typeof tempDir>;
let hook: string;
let plainBin: string;
beforeAll(() => {
  assertBinRuns();
  tmp = tempDir();
  plainBin = tmp.path('plain-bin.mjs');
  writeFileSync(plainBin, `import { main } from ${JSON.stringify(PLAIN_RUN)};\nawait main();\n`);
  // A module hook that names every module the process loads, on fd 2.
  hook = tmp.path('log-loads.mjs');
  writeFileSync(hook, `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { writeSync } from 'node:fs';
export async function load(url, context, next) { writeSync(2, 'LOADED ' + url + '\\\\n'); return next(url, context); }\`));
`);
});
afterAll(() => tmp.cleanup());

function bin(args: string[], nodeArgs: string[] = [], entry = BIN) {
  return spawnSync(process.execPath, [...nodeArgs, entry, ...args], { cwd: tmp.dir, encoding: 'utf8', input: '' });
}

/** Modules (and node builtins) loaded for `args`: by the plain modules, or by the bin itself. */
function loaded(args: string[], entry = plainBin): string[] {
  const r = bin(args, ['--import', hook], entry);
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

  it('the bin runs the bundle: a few files of dist/bundle/, none of the plain modules', () => {
    for (const args of [['--help'], ['gen', '--shape', '3', '--seed', '1', '-o', 'b.npy', '--quiet']]) {
      const ours = loaded(args, BIN).filter((u) => u.includes('/dist/'));
      expect(ours.filter((u) => !u.includes('/dist/bundle/'))).toEqual([]);
      expect(ours.length).toBeGreaterThan(0);
      // The plain modules of a gen run number ~170 (test below); bundled, a couple of dozen at most.
      expect(ours.length).toBeLessThan(30);
    }
  });

  it('the bin answers help and --version from quick.js alone: the parser is not loaded', () => {
    for (const args of [['--help'], ['-h'], ['help'], ['--version'], ['-V'], ['gen', '--help'], ['help', 'inspect'], ['verify', '-h']]) {
      const ours = loaded(args, BIN).filter((u) => u.includes('/dist/'));
      expect(ours.map((u) => u.replace(/^.*\/dist\//, ''))).toEqual(['bundle/quick.js']);
    }
    // Anything else runs the CLI.
    expect(loaded(['help', 'help'], BIN).some((u) => u.endsWith('/dist/bundle/run.js'))).toBe(true);
  });

  it('the bundled bin loads no child_process or dgram for help (commander requires it lazily)', () => {
    const builtins = tmp.path('log-builtins.mjs');
    writeFileSync(builtins, `process.on('exit', () => process.stderr.write(process.moduleLoadList.join('\\n') + '\\n'));\n`);
    // `help help` is not answered from quick.js's texts: the parser is loaded for it.
    for (const args of [['--help'], ['gen', '--help'], ['help', 'help']]) {
      const r = bin(args, ['--import', builtins]);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('NativeModule fs');
      expect(r.stderr.split('\n').filter((l) => /^NativeModule (child_process|dgram)$/.test(l))).toEqual([]);
    }
  });

  it('a gen run still loads what it needs (the hook sees the command and the writer)', () => {
    const urls = loaded(['gen', '--shape', '3', '--seed', '1', '-o', 'w.npy', '--quiet']);
    expect(urls.some((u) => u.endsWith('/dist/cli/commands/gen.js'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/dist/formats/npy/writer.js'))).toBe(true);
  });
});

describe('start-up: the bin prints what the program declares, byte for byte', () => {
  for (const args of [['--help'], ['-h'], ['help'], ['gen', '--help'], ['gen', '-h'], ['inspect', '--help'], ['verify', '--help'], ['--version'], ['-V'], ['help', 'gen'], ['help', 'help']]) {
    it(`\`${args.join(' ')}\` through the bin equals the in-process run`, async () => {
      const want = await runCli(args);
      const r = bin(args);
      expect(r.status).toBe(want.code);
      expect(r.stdout).toBe(want.stdout.toString());
      expect(r.stderr).toBe(want.stderr);
    });
  }

  it('help or version into a full disk (/dev/full) is one line and exit 1, as for the full path', () => {
    const full = openSync('/dev/full', 'w');
    try {
      // `gen --help --seed 1` is not answered from the build-time texts: the parser prints it.
      for (const args of [['--help'], ['gen', '--help'], ['--version'], ['gen', '--help', '--seed', '1']]) {
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
        expect(r.stderr, args.join(' ')).toBe('init-weights: cannot write to stdout: no space left on the device\n');
        expect(r.status).toBe(1);
      }
    } finally {
      closeSync(full);
    }
  });

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
