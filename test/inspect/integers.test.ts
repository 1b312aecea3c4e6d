/*
 * inspect on integer and bool tensors: moments over the integers (exact for these small sets),
 * quantiles exact for uint8 and bool, no normal fit, the declared constant checked, and the
 * 16-bit integers (which gen does not write) still reported as skipped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.js';
import { inspect } from '../../src/inspect/inspect.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { npyBytes, safetensorsBytes } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iw-inspect-ints-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Population moments and numpy's linear-interpolation quantiles, computed plainly. */
function plain(values: number[]): { mean: number; std: number; q: (p: number) => number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, n - 1)] ?? 0) - s[lo]!);
  };
  return { mean, std, q };
}

async function reportOf(file: string, bytes: Buffer) {
  const path = join(dir, file);
  writeFileSync(path, bytes);
  return inspect({ input: path });
}

describe('inspect on integer tensors', () => {
  // 0..255 three times, then 7 once: a skewed set whose quantiles fall on and between integers.
  const u8 = [...Array.from({ length: 768 }, (_, i) => i % 256), 7];
  const i64 = [-(2 ** 60), -3, 0, 5, 2 ** 53 + 2, 2 ** 60];
  const flags = Array.from({ length: 1001 }, (_, i) => (i % 3 === 0 ? 1 : 0));

  for (const [dtype, descr, values, bytes] of [
    ['uint8', '|u1', u8, Buffer.from(u8)],
    ['bool', '|b1', flags, Buffer.from(flags)],
    ['int64', '<i8', i64, Buffer.from(new BigInt64Array(i64.map(BigInt)).buffer)],
  ] as const) {
    it(`${dtype}: count, range and moments over the integers; no normal fit`, async () => {
      const r = await reportOf(`${dtype}.npy`, npyBytes(`{'descr': '${descr}', 'fortran_order': False, 'shape': (${values.length},), }`, bytes));
      const t = r.tensors[0]!;
      const want = plain([...values]);
      expect({ dtype: t.dtype, count: t.count, bytes: t.bytes, min: t.min, max: t.max }).toEqual({
        dtype, count: values.length, bytes: bytes.length, min: Math.min(...values), max: Math.max(...values),
      });
      expect(Math.abs(t.mean! - want.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.mean), want.std));
      expect(Math.abs(t.std! - want.std)).toBeLessThanOrEqual(1e-12 * Math.max(1, want.std));
      expect(t.fit.normal).toBeNull();
      if (dtype !== 'int64') {
        expect(t.quantileRelativeError).toBe(0);
        // Exact to the rounding of the interpolation (1e-12), as the report states.
        for (const q of t.quantiles) expect(Math.abs(q.value! - want.q(q.p)), `p=${q.p}`).toBeLessThanOrEqual(1e-12 * Math.max(1, want.q(q.p)));
      }
    });
  }

  it('big-endian int32 (>i4) reads as the same values', async () => {
    const vals = [1, -2, 300000, -(2 ** 31)];
    const be = Buffer.alloc(16);
    vals.forEach((v, i) => be.writeInt32BE(v, i * 4));
    const t = (await reportOf('be.npy', npyBytes("{'descr': '>i4', 'fortran_order': False, 'shape': (4,), }", be))).tensors[0]!;
    expect({ dtype: t.dtype, min: t.min, max: t.max, mean: t.mean }).toEqual({ dtype: 'int32', min: -(2 ** 31), max: 300000, mean: (1 - 2 + 300000 - 2 ** 31) / 4 });
  });

  it('a file gen wrote: the declared constant matches, with D = 0', async () => {
    const spec = resolveSpec({ seed: 1, tensors: [
      { name: 'num_batches_tracked', shape: [], initializer: 'zeros', dtype: 'int64' },
      { name: 'mask', shape: [4, 5], initializer: 'ones', dtype: 'bool' },
      { name: 'fill', shape: [7], initializer: { type: 'constant', value: 200 }, dtype: 'uint8' },
    ] });
    const path = join(dir, 'gen.safetensors');
    await generate({ spec, output: path, threads: 1 });
    const r = await inspect({ input: path });
    expect(r.tensors.map((t) => [t.name, t.dtype, t.fit.declared?.matches, t.fit.declared?.d])).toEqual([
      ['num_batches_tracked', 'int64', true, 0],
      ['mask', 'bool', true, 0],
      ['fill', 'uint8', true, 0],
    ]);
  });

  it('16-bit integers, which gen does not write, are still skipped with a reason', async () => {
    const r = await reportOf('i16.safetensors', safetensorsBytes({ x: { dtype: 'I16', shape: [2], data_offsets: [0, 4] } }, Buffer.alloc(4)));
    expect(r.tensors).toEqual([]);
    expect(r.skipped).toEqual([{ name: 'x', dtype: 'I16', shape: [2], reason: 'inspect does not summarise I16' }]);
  });
});
