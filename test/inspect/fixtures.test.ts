import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspect } from '../../src/inspect/inspect.js';
import type { InspectReport, TensorReport } from '../../src/inspect/report.js';
import { expected, fixture, pipeOf, type Expected } from './helpers.js';

/*
 * Every fixture made by the real libraries (numpy, safetensors, pyarrow, torch) reads back with
 * numpy's own statistics: counts and extremes exactly, moments to rounding, quantiles within the
 * error the report states.
 */

const FORMATS: Record<string, InspectReport['format']> = {
  'normal_f32.npy': 'npy',
  'special_f16.npy': 'npy',
  'bigendian_fortran_f8.npy': 'npy',
  'bf16.npy': 'npy',
  'scalar.npy': 'npy',
  'stored.npz': 'npz',
  'deflated.npz': 'npz',
  'descriptor_stored.npz': 'npz',
  'descriptor_deflated.npz': 'npz',
  'model.safetensors': 'safetensors',
  'bf16.safetensors': 'safetensors',
  'tensors.arrow': 'arrow-file',
  'tensors.arrows': 'arrow-stream',
};

function close(actual: number | null, want: number, rel: number, abs = 0): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - want)).toBeLessThanOrEqual(rel * Math.abs(want) + abs);
}

function agrees(t: TensorReport, e: Expected): void {
  expect(t.dtype).toBe(e.dtype);
  expect(t.shape).toEqual(e.shape);
  expect({ count: t.count, nan: t.nan, posInf: t.posInf, negInf: t.negInf }).toEqual({ count: e.count, nan: e.nan, posInf: e.posInf, negInf: e.negInf });
  expect(t.min).toBe(e.min);
  expect(t.max).toBe(e.max);
  close(t.mean, e.mean!, 1e-9, 1e-15);
  close(t.std, e.std!, 1e-9, 1e-15);
  if (e.skewness === null || e.skewness === undefined) expect(t.skewness).toBeNull();
  else close(t.skewness, e.skewness, 1e-7, 1e-9);
  if (e.excessKurtosis === null || e.excessKurtosis === undefined) expect(t.excessKurtosis).toBeNull();
  else close(t.excessKurtosis, e.excessKurtosis, 1e-7, 1e-9);
  t.quantiles.forEach((q, i) => {
    const want = e.quantiles![i]!;
    // Stated error per order statistic; 1e-12 covers numpy's and our different lerp formulas.
    close(q.value, want, t.quantileRelativeError * 1.001 + 1e-12, 1e-7 * (e.std ?? 0) + 1e-300);
  });
}

const EXPECTED = expected();

describe('inspect reads files made by the real libraries', () => {
  for (const [file, format] of Object.entries(FORMATS)) {
    const want = EXPECTED[file]!;
    it(`${file}: every tensor agrees with numpy, from the file`, async () => {
      const r = await inspect({ input: fixture(file) });
      expect(r.format).toBe(format);
      expect(r.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
      for (const t of r.tensors) agrees(t, want[t.name]!);
    });
    it(`${file}: every tensor agrees with numpy, from a pipe read once`, async () => {
      const r = await inspect({ input: '-', stdin: pipeOf(readFileSync(fixture(file))) });
      expect(r.format).toBe(format);
      const stem = file.replace(/\.npy$/, '');
      for (const t of r.tensors) agrees(t, want[t.name === 'stdin' ? stem : t.name]!);
      expect(r.tensors.length).toBe(Object.keys(want).length);
    });
  }

  it('summarises an integer safetensors buffer (I64) instead of skipping it, with no normal fit', async () => {
    const r = await inspect({ input: fixture('model.safetensors') });
    expect(r.skipped).toEqual([]);
    const ids = r.tensors.find((t) => t.name === 'position_ids')!;
    expect({ dtype: ids.dtype, min: ids.min, max: ids.max, mean: ids.mean, normal: ids.fit.normal }).toEqual({ dtype: 'int64', min: 0, max: 11, mean: 5.5, normal: null });
  });

  it('reads the shape of a fixed_shape_tensor column as (rows, ...shape) across record batches', async () => {
    const r = await inspect({ input: fixture('tensors.arrow'), tensors: ['kernel'] });
    expect(r.tensors.map((t) => [t.name, t.shape])).toEqual([['kernel', [40, 3, 5]]]);
  });

  it('calls the quantiles of float16 and bfloat16 data exact', async () => {
    const r = await inspect({ input: fixture('special_f16.npy') });
    expect(r.tensors[0]!.quantileRelativeError).toBe(0);
  });
});
