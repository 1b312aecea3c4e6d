import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { generate } from '../../src/generate/generate.js';
import { sweepStaleTemps, tempPathFor } from '../../src/io/cleanup.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const one = (seed: number) => resolveSpec({ seed, tensors: [{ name: 'w', shape: [5], initializer: 'glorot_uniform' }] });
const two = (seed: number) => resolveSpec({ seed, tensors: [{ name: 'a', shape: [2], initializer: 'ones' }, { name: 'b', shape: [3], initializer: 'ones' }] });

async function failure(p: Promise<unknown>): Promise<InitWeightsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof InitWeightsError)) throw new Error(`expected an InitWeightsError, got ${String(err)}`);
  return err;
}

describe('without force the commit is exclusive, even against a run that got there after the checks', () => {
  it('a file that appears while generating is kept, and this run fails with "already exists"', async () => {
    const out = tmp.path('w.npy');
    // onReady runs after the target checks and before writing: another run's file lands now.
    const err = await failure(generate({ spec: one(1), output: out, onReady: () => writeFileSync(out, 'theirs') }));
    expect([err.code, err.exitCode, err.message]).toEqual(['E_TARGET', 2, `${out}: already exists; pass force to replace it`]);
    expect(readFileSync(out, 'utf8')).toBe('theirs');
    expect(readdirSync(tmp.dir)).toEqual(['w.npy']);
  });

  it('a directory that appears while generating is kept (empty or not)', async () => {
    for (const fill of [false, true]) {
      const out = tmp.path(`d${fill ? 1 : 0}`);
      const err = await failure(generate({
        spec: two(1),
        output: `${out}/`,
        onReady: () => {
          mkdirSync(out);
          if (fill) writeFileSync(join(out, 'theirs.txt'), 'x');
        },
      }));
      expect(err.message).toBe(`${out}: already exists; pass force to replace it`);
      expect(readdirSync(out)).toEqual(fill ? ['theirs.txt'] : []);
    }
    expect(readdirSync(tmp.dir).sort()).toEqual(['d0', 'd1']);
  });

  it('with force, the same race replaces the file', async () => {
    const out = tmp.path('w.npy');
    await generate({ spec: one(1), output: out, force: true, onReady: () => writeFileSync(out, 'theirs') });
    expect(readFileSync(out).subarray(1, 6).toString()).toBe('NUMPY');
  });
});

describe('every path is worked out before generating', () => {
  it('refuses tensor names that clash on disk (a file and a directory of the same name), writing nothing', async () => {
    const spec = resolveSpec({ seed: 1, tensors: [{ name: 'a', shape: [2], initializer: 'ones' }, { name: 'a.npy/b', shape: [2], initializer: 'ones' }] });
    let ready = false;
    const err = await failure(generate({ spec, output: tmp.path('out/'), onReady: () => (ready = true) }));
    expect([err.code, err.exitCode, ready]).toEqual(['E_SPEC', 2, false]);
    expect(err.message).toBe(`${tmp.path('out')}: the tensor names clash on disk: "a.npy/b.npy" needs "a.npy" to be a directory; rename a tensor, or write one file holding every tensor (like weights.safetensors)`);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('refuses a tensor file under manifest.json', async () => {
    const spec = resolveSpec({ seed: 1, tensors: [{ name: 'manifest.json/x', shape: [2], initializer: 'ones' }, { name: 'y', shape: [2], initializer: 'ones' }] });
    await expect(generate({ spec, output: tmp.path('out/') })).rejects.toThrow(/"manifest\.json\/x\.npy" needs "manifest\.json" to be a directory/);
  });
});

describe('temp names', () => {
  it('stay within 255 bytes, so a 251-byte output name (multi-byte characters too) can be written', async () => {
    for (const name of [`${'a'.repeat(247)}.npy`, `${'é'.repeat(123)}w.npy`]) {
      expect(Buffer.byteLength(basename(tempPathFor(tmp.path(name))))).toBeLessThanOrEqual(255);
      await generate({ spec: one(1), output: tmp.path(name) });
    }
    expect(readdirSync(tmp.dir)).toHaveLength(2);
  });

  it('left by a process that is gone are removed by the next run into the same place; a live run\'s are not', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = tmp.path(`.w.npy.${dead}.0123abcd.tmp`);
    const live = tmp.path(`.w.npy.${process.ppid}.0123abcd.tmp`);
    const other = tmp.path(`.x.npy.${dead}.0123abcd.tmp`);
    for (const p of [stale, live, other]) writeFileSync(p, 'partial');
    const warnings: string[] = [];
    await generate({ spec: one(1), output: tmp.path('w.npy'), onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([`removed ${stale}, left by an interrupted run`]);
    expect(readdirSync(tmp.dir).sort()).toEqual([basename(live), basename(other), 'w.npy'].sort());
    expect(await sweepStaleTemps(tmp.path('w.npy'))).toEqual([]);
  });
});

describe('force replaces only what init-weights wrote', () => {
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

  it('a forged manifest listing a file that is not a weights file does not get it deleted', async () => {
    const out = tmp.path('d');
    mkdirSync(out);
    writeFileSync(join(out, 'config.json'), '{}');
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ tool: 'init-weights', files: [{ path: 'config.json', bytes: 2, sha256: sha('{}') }] }));
    await generate({ spec: two(1), output: `${out}/`, force: true });
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe('{}');
    expect(readdirSync(out).sort()).toEqual(['a.npy', 'b.npy', 'config.json', 'manifest.json']);
  });

  it('an earlier file it no longer writes is removed, unless its bytes changed since (then a warning names it)', async () => {
    const three = (seed: number) => resolveSpec({ seed, tensors: ['a', 'b', 'c', 'e'].map((name) => ({ name, shape: [2], initializer: 'ones' })) });
    const out = tmp.path('d');
    await generate({ spec: three(1), output: `${out}/` });
    writeFileSync(join(out, 'e.npy'), 'my own edits');
    const warnings: string[] = [];
    await generate({ spec: two(2), output: `${out}/`, force: true, onWarning: (m) => warnings.push(m) });
    expect(readdirSync(out).sort()).toEqual(['a.npy', 'b.npy', 'e.npy', 'manifest.json']);
    expect(readFileSync(join(out, 'e.npy'), 'utf8')).toBe('my own edits');
    expect(warnings).toEqual([`left ${join(out, 'e.npy')} alone: an earlier run wrote it, but its bytes have changed since`]);
  });

  it('a FIFO manifest.json is refused at once, not read', async () => {
    const out = tmp.path('d');
    mkdirSync(out);
    expect(spawnSync('mkfifo', [join(out, 'manifest.json')]).status).toBe(0);
    const err = await failure(generate({ spec: two(1), output: `${out}/`, force: true }));
    expect([err.exitCode, err.message]).toEqual([2, `${join(out, 'manifest.json')}: exists and is not a regular file`]);
    expect(readdirSync(out)).toEqual(['manifest.json']);
  });

  it('a directory it wrote is replaced', async () => {
    const out = tmp.path('d');
    await generate({ spec: two(1), output: `${out}/` });
    await generate({ spec: two(2), output: `${out}/`, force: true });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe(2);
    expect(readdirSync(tmp.dir)).toEqual(['d']);
  });
});
