import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBinRuns, BIN, tempDir } from '../helpers/cli.js';

/* A few runs of the real bin (built by `npm test` before vitest starts). */
let tmp: ReturnType<typeof tempDir>;
beforeAll(assertBinRuns);
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function bin(args: string[], options: { input?: string } = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, encoding: 'buffer', input: options.input ?? '', maxBuffer: 1 << 30 });
}

describe('the init-weights bin', () => {
  it('prints help with examples and exits 0', () => {
    const r = bin(['gen', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/Examples:[\s\S]*init-weights gen --mean 0 --stddev 0\.05 --seed 42/);
  });

  it('rejects a bad spec with one line, exit 2, and no stack trace', () => {
    writeFileSync(`${tmp.dir}/s.json`, JSON.stringify({ tensors: [{ name: 'w', shape: [3, -2], initializer: 'zeros' }] }));
    const r = bin(['gen', '--spec', 's.json', '-o', 'w.npy']);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toBe('init-weights: spec tensors[0].shape[1]: must be a non-negative integer, got -2\n');
    expect(readdirSync(tmp.dir)).toEqual(['s.json']);
  });

  it('writes the same bytes with 1, 2 or 3 generation threads, for several tensors and odd sizes', () => {
    const spec = JSON.stringify({ seed: 'threads', dtype: 'float16', tensors: [
      { name: 'a', shape: [3, 1234567], initializer: 'normal' },
      { name: 'b', shape: [70001], initializer: { type: 'normal', mean: 1, stddev: 2 }, dtype: 'float64' },
      { name: 'c', shape: [10], initializer: 'ones' },
    ] });
    writeFileSync(`${tmp.dir}/s.json`, spec);
    const outs = [1, 2, 3].map((t) => {
      // As if on 8 cores: 3 threads are the main thread and 2 workers on any machine.
      const r = spawnSync(process.execPath, [BIN, 'gen', '--spec', 's.json', '--threads', String(t), '-q', '-o', '-'], { cwd: tmp.dir, maxBuffer: 1 << 28, env: { ...process.env, INIT_WEIGHTS_CORES: '8' } });
      expect(r.status).toBe(0);
      return r.stdout;
    });
    expect(outs[0]!.length).toBeGreaterThan(3 * 1234567 * 2);
    expect(outs[1]!.equals(outs[0]!)).toBe(true);
    expect(outs[2]!.equals(outs[0]!)).toBe(true);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGQUIT', 131]] as const) {
    it(`leaves neither the file nor a temp file when stopped by ${signal} midway`, async () => {
      const child = spawn(process.execPath, [BIN, 'gen', '--shape', '2000000000', '--seed', '1', '-o', 'big.npy'], { cwd: tmp.dir, stdio: ['ignore', 'ignore', 'pipe'] });
      // Wait until the temp file exists and has data, then interrupt.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (readdirSync(tmp.dir).some((f) => f.endsWith('.tmp'))) {
            clearInterval(poll);
            setTimeout(resolve, 200);
          }
        }, 20);
      });
      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(exit).toBe(code);
      expect(readdirSync(tmp.dir)).toEqual([]);
    });
  }

  it('removes, on the next run into the same place, the temp file a SIGKILLed run left behind', async () => {
    const child = spawn(process.execPath, [BIN, 'gen', '--shape', '2000000000', '--seed', '1', '-o', 'big.npy'], { cwd: tmp.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (readdirSync(tmp.dir).some((f) => f.endsWith('.tmp'))) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    const left = readdirSync(tmp.dir);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(readdirSync(tmp.dir)).toEqual(left);
    const r = bin(['gen', '--shape', '3', '--seed', '1', '-o', 'big.npy']);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toContain(`init-weights: warning: removed ${left[0]}, left by an interrupted run`);
    expect(readdirSync(tmp.dir)).toEqual(['big.npy']);
  });

  it('prints no MaxListenersExceededWarning with 8 threads writing to a pipe', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" gen --shape 3000000 --seed 1 --threads 8 -q -o - | cat > /dev/null`], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, INIT_WEIGHTS_CORES: '8' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('leaves no partial file when a write fails midway (file size limit standing in for a full disk)', () => {
    const r = spawnSync('bash', ['-c', `ulimit -f 2048; exec "${process.execPath}" "${BIN}" gen --shape 5000000 --seed 1 -o w.npy`], { cwd: tmp.dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^init-weights: cannot write w\.npy: file too large \(past the file size limit\)\n$/);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('leaves no partial directory when a write fails midway', () => {
    const r = spawnSync('bash', ['-c', `ulimit -f 2048; exec "${process.execPath}" "${BIN}" gen --init normal --seed 1 --spec - -o out/`], {
      cwd: tmp.dir,
      encoding: 'utf8',
      input: '',
    });
    // --init with --spec is a usage error: exit 2 before anything is written.
    expect(r.status).toBe(2);
    const big = JSON.stringify({ seed: 1, tensors: [{ name: 'a', shape: [1000], initializer: 'normal' }, { name: 'b', shape: [5000000], initializer: 'normal' }] });
    const r2 = spawnSync('bash', ['-c', `ulimit -f 2048; exec "${process.execPath}" "${BIN}" gen --spec - -o out/`], { cwd: tmp.dir, encoding: 'utf8', input: big });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toBe('init-weights: cannot write out/b.npy: file too large (past the file size limit)\n');
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});
