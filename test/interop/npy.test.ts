/*
 * .npy files written by the library, read back by numpy (and ml_dtypes for bfloat16): the dtype,
 * the shape, every value, and the bytes, which must be what np.save writes for the same array.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DTYPE_NAMES } from '../../src/dtype/table.js';
import { DTYPES, generate, resolveSpec, tensorValues, type Dtype } from '../../src/index.js';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';
import { PY_DIR, tempDir, writeFloat64LE } from './support.js';

/**
 * Scalars, empty tensors, odd sizes, a real layer, one spanning several blocks, and an empty one
 * whose long shape makes numpy's header padding (room for the first dimension to grow) cross a
 * 64-byte boundary.
 */
const SHAPES: readonly (readonly number[])[] = [[], [0], [5], [3, 0, 2], [784, 128], [3, 70001], [2, 3, 5, 7, 11, 13, 17, 19, 23, 0, 29, 31, 2, 2, 2]];

interface Case {
  readonly id: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
}

interface NpyReport {
  header: { version: number[]; shape: number[]; fortran_order: boolean; descr: string; keys: string[]; ends_with_newline: boolean; data_offset: number };
  loaded_dtype: string;
  loaded_shape: number[];
  c_contiguous: boolean;
  dtype_name: string;
  count: number;
  values_equal: boolean;
  bits_equal: boolean;
  first_mismatch?: unknown;
  same_as_np_save: boolean;
  np_save_diff?: unknown;
}

// The float dtypes, which a random initializer fills (integer dtypes: test/interop/formats-integers.test.ts).
const CASES: Case[] = DTYPE_NAMES.filter((d) => DTYPES[d].kind === 'float').flatMap((dtype) =>
  SHAPES.map((shape) => ({ id: `${dtype}-(${shape.join(',')})`, dtype, shape })),
);

it('includes a shape larger than one block', () => {
  expect(Math.max(...SHAPES.map((s) => s.reduce((a, b) => a * b, 1)))).toBeGreaterThan(BLOCK_SIZE);
});

describeInterop('.npy files, read by numpy', (python) => {
  let remove: () => Promise<void> = async () => undefined;
  let reports: Record<string, NpyReport> = {};

  beforeAll(async () => {
    const tmp = await tempDir('npy');
    remove = tmp.remove;
    const jobs = await Promise.all(CASES.map(async (c, i) => {
      const spec = resolveSpec({
        seed: 20240611,
        dtype: c.dtype,
        // A mean and spread away from the defaults, so that values fill the mantissas.
        tensors: [{ name: 'layer_1/kernel', shape: [...c.shape], initializer: { type: 'normal', mean: 0.25, stddev: 1.5 } }],
      });
      const npy = join(tmp.dir, `case-${i}.npy`);
      const expected = join(tmp.dir, `case-${i}.f64`);
      await generate({ spec, output: npy });
      await writeFloat64LE(expected, tensorValues(spec.tensors[0]!));
      return { id: c.id, npy, expected, dtype: c.dtype, shape: c.shape };
    }));
    const casesFile = join(tmp.dir, 'cases.json');
    await writeFile(casesFile, JSON.stringify(jobs));
    reports = await runPythonJson<Record<string, NpyReport>>(python, { script: join(PY_DIR, 'check_npy.py') }, [casesFile]);
  });

  afterAll(async () => {
    await remove();
  });

  it.each(CASES)('$id: np.load gives the dtype, the shape and exactly the values the library reports', (c) => {
    const r = reports[c.id]!;
    expect(r, 'report from Python').toBeDefined();
    const size = c.shape.reduce((a, b) => a * b, 1);
    expect(r.loaded_shape, 'shape').toEqual([...c.shape]);
    expect(r.count, 'element count').toBe(size);
    expect(r.dtype_name, 'dtype (bfloat16 viewed through ml_dtypes)').toBe(c.dtype);
    expect(r.loaded_dtype, 'dtype np.load reports').toBe(c.dtype === 'bfloat16' ? '|V2' : DTYPES[c.dtype].npy);
    expect(r.c_contiguous, 'C order').toBe(true);
    expect(r.first_mismatch, 'first differing element').toBeUndefined();
    expect(r.values_equal, 'np.array_equal(loaded, tensorValues)').toBe(true);
    expect(r.bits_equal, 'same float64 bits, sign of zero included').toBe(true);
  });

  it.each(CASES)('$id: the header is version 1.0, C order, and the data starts at a multiple of 64', (c) => {
    const h = reports[c.id]!.header;
    expect(h.version).toEqual([1, 0]);
    expect(h.keys).toEqual(['descr', 'fortran_order', 'shape']);
    expect(h.descr).toBe(DTYPES[c.dtype].npy);
    expect(h.ends_with_newline).toBe(true);
    expect(h.fortran_order).toBe(false);
    expect(h.shape).toEqual([...c.shape]);
    expect(h.data_offset % 64).toBe(0);
  });

  // np.save of a bfloat16 array (ml_dtypes) writes descr '<V2' too, so all four dtypes compare.
  it.each(CASES)('$id: the file is byte-identical to np.save of the loaded array', (c) => {
    const r = reports[c.id]!;
    expect(r.np_save_diff, 'where np.save differs').toBeUndefined();
    expect(r.same_as_np_save).toBe(true);
  });
});
