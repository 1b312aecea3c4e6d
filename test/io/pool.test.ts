import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { startWorker } from '../../src/io/pool.js';
import { assertBinRuns, BIN, tempDir } from '../helpers/cli.js';
import { runWithPeak } from '../helpers/peak.js';

/*
 * Worker threads write file chunks into shared slots used in turn (src/io/pool.ts), continuing
 * across tensors. The workers only run from dist/, so these tests spawn the built bin. A file
 * written by 2 or 3 threads must equal the same format streamed by one thread (fresh buffers),
 * with enough chunks (4 blocks each) for the slots to wrap many times, and tensors of several
 * dtypes and odd sizes one after the other (a reused slot must never hold a chunk still written).
 */
let tmp: ReturnType<typeof tempDir>;
beforeAll(assertBinRuns);
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** Runs as if on 8 cores, so that 3 threads are the main thread and 2 workers on any machine. */
function gen(args: string[]): Buffer {
  const r = spawnSync(process.execPath, [BIN, 'gen', '--spec', 's.json', '-q', ...args], { cwd: tmp.dir, encoding: 'buffer', maxBuffer: 1 << 30, env: { ...process.env, INIT_WEIGHTS_CORES: '8' } });
  expect(r.stderr.toString()).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('generation threads writing into shared slots', () => {
  const spec = {
    seed: 'slots',
    tensors: [
      { name: 'a', shape: [3, 4 * 65536 + 7], initializer: 'normal', dtype: 'float16' },
      { name: 'b', shape: [9 * 65536 + 1], initializer: { type: 'normal', mean: 1, stddev: 2 }, dtype: 'float64' },
      { name: 'c', shape: [7, 65536], initializer: 'glorot_uniform', dtype: 'float32' },
      { name: 'd', shape: [5 * 65536 - 3], initializer: 'truncated_normal', dtype: 'bfloat16' },
      { name: 'e', shape: [10], initializer: 'ones' },
    ],
  };

  for (const [format, file] of [['safetensors', 'w.safetensors'], ['npz', 'w.npz']] as const) {
    it(`give a ${format} file the bytes one thread streams`, () => {
      writeFileSync(`${tmp.dir}/s.json`, JSON.stringify(spec));
      const streamed = gen(['--threads', '1', '--format', format, '-o', '-']);
      expect(streamed.length).toBeGreaterThan(3 * 4 * 65536 * 2 + 9 * 65536 * 8);
      for (const threads of ['2', '3']) {
        gen(['--threads', threads, '-o', file, '--force']);
        expect(readFileSync(`${tmp.dir}/${file}`).equals(streamed), `${threads} threads`).toBe(true);
      }
    });
  }
});

describe('threads beyond the cores', () => {
  it('are not started: --threads 8 on 2 cores peaks like 2 threads (each worker costs ~10 MB)', () => {
    // Measured at 40M float32 values: 8 threads on 2 cores ~83 MB; with INIT_WEIGHTS_CORES=8 (7 workers) ~149 MB.
    const before = process.env.INIT_WEIGHTS_CORES;
    process.env.INIT_WEIGHTS_CORES = '2';
    try {
      const { peakMB } = runWithPeak(['gen', '--shape', '40000000', '--seed', '1', '--threads', '8', '-q', '-o', tmp.path('w.npy')]);
      console.log(`--threads 8 on 2 cores, 40M values: peak RSS ${peakMB.toFixed(0)} MB`);
      expect(peakMB).toBeLessThan(105);
    } finally {
      if (before === undefined) delete process.env.INIT_WEIGHTS_CORES;
      else process.env.INIT_WEIGHTS_CORES = before;
    }
  });
});

describe('node options of the parent', () => {
  it('a V8 option (`node --max-old-space-size=...`) does not stop the workers: same bytes as one thread', () => {
    const run = (nodeArgs: string[], threads: string, out: string) => {
      const r = spawnSync(process.execPath, [...nodeArgs, BIN, 'gen', '--shape', '1000000', '--seed', '1', '--threads', threads, '-q', '-o', out],
        { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, INIT_WEIGHTS_CORES: '8' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return readFileSync(tmp.path(out));
    };
    const one = run([], '1', 'one.npy');
    // Worker threads refuse V8 options in their execArgv (ERR_WORKER_INVALID_EXEC_ARGV); this was an internal error.
    for (const flag of ['--max-old-space-size=4096', '--stack-size=2000']) expect(run([flag], '3', 'three.npy').equals(one), flag).toBe(true);
  });

  it('only the refused options are dropped: an --import beside a V8 option still reaches the worker', async () => {
    const hook = tmp.path('hook.mjs');
    writeFileSync(hook, `globalThis.hooked = true;\n`);
    const script = tmp.path('w.mjs');
    writeFileSync(script, `import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ hooked: globalThis.hooked === true, execArgv: process.execArgv });\n`);
    const { worker, execArgv } = startWorker(pathToFileURL(script), ['--import', hook, '--max-old-space-size=4096', '--stack-size=2000']);
    const said = await new Promise<{ hooked: boolean; execArgv: string[] }>((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(execArgv).toEqual(['--import', hook]);
    expect(said).toEqual({ hooked: true, execArgv: ['--import', hook] });
  });
});
