import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { kerasReader } from '../../src/formats/keras/reader.js';
import { CHUNK_BYTES, chunkShape, flatSlabs, kerasLayout } from '../../src/formats/keras/layout.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { Dtype } from '../../src/dtype/table.js';
import type { TensorSpec, WeightsSpec } from '../../src/weights-spec/types.js';
import { readKerasFile, writeKerasFile } from './keras-harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iw-keras-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function specOf(tensors: { name: string; shape: number[] }[], dtype: Dtype = 'float32', seed = 7): WeightsSpec {
  return resolveSpec({ seed, dtype, tensors: tensors.map((t) => ({ ...t, initializer: { type: 'normal', mean: 0, stddev: 0.05 } })) });
}
const paths = (names: string[]) => kerasLayout(specOf(names.map((name) => ({ name, shape: [2] }))).tensors).map((e) => [e.tensor.name, e.path]);
const dataOf = (t: TensorSpec) => Buffer.concat([...tensorChunks(t)]);

describe('tensor names map to the datasets Keras 3 reads', () => {
  it('kernel is vars/0 and bias vars/1 of layers/<layer>, whatever the spec order', () => {
    expect(paths(['dense/bias', 'dense/kernel', 'dense_1/kernel'])).toEqual([
      ['dense/bias', 'layers/dense/vars/1'], ['dense/kernel', 'layers/dense/vars/0'], ['dense_1/kernel', 'layers/dense_1/vars/0'],
    ]);
  });
  it('BatchNormalization counts only the variables it has (center=False: moving_mean is vars/1)', () => {
    expect(paths(['bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']).map((p) => p[1])).toEqual(['layers/bn/vars/0', 'layers/bn/vars/1', 'layers/bn/vars/2', 'layers/bn/vars/3']);
    expect(paths(['bn/gamma', 'bn/moving_mean', 'bn/moving_variance']).map((p) => p[1])).toEqual(['layers/bn/vars/0', 'layers/bn/vars/1', 'layers/bn/vars/2']);
  });
  it('a full dataset path passes through as is (an LSTM cell)', () => {
    expect(paths(['layers/lstm/cell/vars/2'])).toEqual([['layers/lstm/cell/vars/2', 'layers/lstm/cell/vars/2']]);
  });
  for (const [names, why] of [
    [['kernel'], 'no layer'],
    [['dense/weight'], 'a torch name'],
    [['a/b/kernel'], 'a nested name Keras would not find'],
    [['dense/kernel', 'layers/dense/vars/0'], 'two tensors on one dataset'],
  ] as const) {
    it(`refuses ${why} with a usage error naming the tensor (exit 2)`, () => {
      let err: unknown;
      try {
        paths([...names]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InitWeightsError);
      const e = err as InitWeightsError;
      expect(e.exitCode).toBe(2);
      expect(e.detail.field).toBe('format');
      expect(e.message).toContain(JSON.stringify(names.at(-1)));
      expect(e.message).not.toContain('\n');
    });
  }
});

/** Flat C-order indices a box covers, in order. */
function indicesOf(shape: number[], slab: { offset: number[]; count: number[] }): number[] {
  const out: number[] = [];
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const walk = (d: number, base: number) => {
    if (d === shape.length) return void out.push(base);
    for (let i = 0; i < slab.count[d]!; i++) walk(d + 1, base + (slab.offset[d]! + i) * strides[d]!);
  };
  walk(0, 0);
  return out;
}

describe('a chunk of the stream is written as a few boxes', () => {
  it('for every range of several shapes, the boxes cover exactly that range, in order, in at most 2*rank-1 boxes', () => {
    for (const shape of [[7], [3, 5], [2, 3, 4], [4, 1, 3, 2], [1, 1, 6]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      for (let s = 0; s <= size; s++) {
        for (let e = s; e <= size; e++) {
          const slabs = flatSlabs(shape, s, e);
          expect(slabs.flatMap((b) => indicesOf(shape, b)), `${JSON.stringify(shape)} [${s}, ${e})`).toEqual(Array.from({ length: e - s }, (_, i) => s + i));
          expect(slabs.length).toBeLessThanOrEqual(Math.max(0, 2 * shape.length - 1));
        }
      }
    }
  });
  it('a 0-d tensor is one empty box', () => {
    expect(flatSlabs([], 0, 1)).toEqual([{ offset: [], count: [] }]);
  });
  it('chunks are whole trailing rows within CHUNK_BYTES', () => {
    expect(chunkShape([784, 128], 4)).toEqual([784, 128]);
    expect(chunkShape([50000, 1024], 4)).toEqual([256, 1024]);
    expect(chunkShape([3, 70001], 8)).toEqual([1, 70001]);
    expect(chunkShape([2, 1 << 20], 4)).toEqual([1, 1 << 18]);
    for (const [shape, bytes] of [[[50000, 1024], 4], [[2, 1 << 20], 4], [[9, 9, 512, 512], 4]] as const) {
      expect(chunkShape(shape, bytes).reduce((a, b) => a * b, bytes)).toBeLessThanOrEqual(CHUNK_BYTES);
    }
  });
});

describe('writing and reading a .weights.h5', () => {
  const tensors = [
    { name: 'dense/kernel', shape: [784, 128] },
    { name: 'dense/bias', shape: [128] },
    // Over CHUNK_BYTES in float64, not a whole number of rows per stream chunk: the chunked path.
    { name: 'big/kernel', shape: [3, 70001] },
    { name: 'layers/odd/vars/0', shape: [] },
    { name: 'empty/kernel', shape: [0, 4] },
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: every dataset reads back as the stream's bytes, named as in the spec, with provenance`, async () => {
      const spec = specOf(tensors, dtype);
      const path = join(dir, 'w.weights.h5');
      const { progress } = await writeKerasFile(spec, path);
      expect(progress).toBe(spec.tensors.reduce((a, t) => a + t.size, 0));
      expect(kerasReader.detect(readFileSync(path).subarray(0, 512))).toBe(true);
      const back = await readKerasFile(path);
      expect(back.count).toBe(tensors.length);
      for (const t of spec.tensors) {
        const got = back.tensors.get(t.name);
        expect(got?.header, t.name).toEqual({ name: t.name, dtype, shape: t.shape });
        expect(got!.data.equals(dataOf(t)), t.name).toBe(true);
      }
      expect(JSON.parse(back.metadata[0] as string)).toMatchObject({ tool: 'init-weights', seed: 7 });
    });
  }

  it('the bytes do not depend on the clock or the chunk size (HDF5 timestamps are pinned)', async () => {
    const spec = specOf(tensors);
    await writeKerasFile(spec, join(dir, 'a.weights.h5'), 1);
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000);
    try {
      await writeKerasFile(spec, join(dir, 'b.weights.h5'), 3);
    } finally {
      now.mockRestore();
    }
    expect(readFileSync(join(dir, 'a.weights.h5')).equals(readFileSync(join(dir, 'b.weights.h5')))).toBe(true);
  });

  it('a name Keras cannot place fails before anything is written, leaving no file', async () => {
    const spec = specOf([{ name: 'dense/kernel', shape: [2, 2] }, { name: 'fc.weight', shape: [2, 2] }]);
    await expect(writeKerasFile(spec, join(dir, 'x.weights.h5'))).rejects.toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file with the HDF5 magic and nothing valid after it is one clear read error (exit 1)', async () => {
    const path = join(dir, 'bad.weights.h5');
    writeFileSync(path, Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]));
    const err = await readKerasFile(path).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_READ', exitCode: 1 });
    expect((err as Error).message).toMatch(/not a readable HDF5 file/);
  });

  it('other files are not taken for HDF5', () => {
    expect(kerasReader.detect(Buffer.from('\x93NUMPY\x01\x00'))).toBe(false);
    expect(kerasReader.detect(Buffer.alloc(0))).toBe(false);
  });
});
