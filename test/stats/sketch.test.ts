import { describe, expect, it } from 'vitest';
import { float16BitsToNumber } from '../../src/dtype/round.js';
import { ksStatistic } from '../helpers/stats/ks.js';
import { normalCdf } from '../../src/stats/normal.js';
import { bucketEdges, bucketFloor, bucketMid, keyOfBits, SketchBuilder, SKETCH_RELATIVE_ERROR } from '../../src/stats/sketch.js';
import { binnedKs, sketchHistogram } from '../../src/stats/sketch-fit.js';
import { mulberry32 as rng } from '../helpers/rng.js';

function normals(n: number, seed: number): Float32Array {
  const u = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    out[i] = 0.05 * r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = 0.05 * r * Math.sin(t);
  }
  return out;
}

function sketchOf(values: Float32Array) {
  const b = new SketchBuilder();
  b.addBits(new Uint32Array(values.buffer, values.byteOffset, values.length));
  return b.finish();
}

/** numpy's default (linear) percentile of sorted data. */
function exactQuantile(sorted: Float64Array, p: number): number {
  const r = p * (sorted.length - 1);
  const lo = Math.floor(r);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (r - lo) * (sorted[hi]! - sorted[lo]!);
}

describe('the float sketch', () => {
  it('orders keys as the values they stand for, across signs and zero', () => {
    const xs = [-Infinity, -3e38, -1, -1e-30, -0, 0, 1e-45, 1e-30, 0.5, 1, 3e38];
    const f = new Float32Array(xs);
    const u = new Uint32Array(f.buffer);
    for (let i = 1; i < xs.length; i++) expect(keyOfBits(u[i]!)).toBeGreaterThanOrEqual(keyOfBits(u[i - 1]!));
  });

  it("keeps every value of a bucket within its edges, and the midpoint within 2^-14 relative", () => {
    const xs = normals(10_000, 1);
    const u = new Uint32Array(xs.buffer);
    for (let i = 0; i < xs.length; i++) {
      const k = keyOfBits(u[i]!);
      const [lo, hi] = bucketEdges(k);
      expect(xs[i]).toBeGreaterThanOrEqual(lo);
      expect(xs[i]).toBeLessThanOrEqual(hi);
      expect(Math.abs(bucketMid(k) - xs[i]!)).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR * Math.abs(xs[i]!));
    }
  });

  it('gives quantiles within the stated relative error of numpy-style linear percentiles', () => {
    const xs = normals(200_001, 2);
    const sorted = Float64Array.from(xs).sort();
    const s = sketchOf(xs);
    for (const p of [0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999]) {
      const exact = exactQuantile(sorted, p);
      // The two order statistics around the rank are each within the bound; so is their blend.
      const bound = SKETCH_RELATIVE_ERROR * Math.max(Math.abs(sorted[Math.floor(p * 200_000)]!), Math.abs(sorted[Math.ceil(p * 200_000)]!));
      expect(Math.abs(s.quantile(p, bucketMid) - exact), `p=${p}`).toBeLessThanOrEqual(bound + 1e-12);
    }
  });

  it('is exact for float16 data: one value per bucket, found by the bucket floor', () => {
    const vals: number[] = [];
    for (let h = 0; h < 0x7c00; h += 37) vals.push(float16BitsToNumber(h), -float16BitsToNumber(h));
    const xs = new Float32Array(vals);
    const s = sketchOf(xs);
    const sorted = Float64Array.from(xs).sort();
    for (const p of [0, 0.001, 0.3, 0.5, 0.999, 1]) expect(s.quantile(p, bucketFloor)).toBe(exactQuantile(sorted, p));
  });

  it('counts the same whether the data come in one piece or many', () => {
    const xs = normals(50_000, 3);
    const whole = sketchOf(xs);
    const b = new SketchBuilder();
    const u = new Uint32Array(xs.buffer);
    for (let i = 0; i < xs.length; i += 777) b.addBits(u, i, Math.min(xs.length, i + 777));
    const parts = b.finish();
    expect(Array.from(parts.keys)).toEqual(Array.from(whole.keys));
    expect(Array.from(parts.counts)).toEqual(Array.from(whole.counts));
  });

  it('reports NaN and infinities as skipped rather than counting them', () => {
    const b = new SketchBuilder();
    const f = new Float32Array([1, NaN, Infinity, -Infinity, 2]);
    expect(b.addBits(new Uint32Array(f.buffer))).toBe(3);
    expect(b.finish().total).toBe(2);
  });

  it('gives a KS distance within its resolution of the exact one', () => {
    const xs = normals(100_000, 4);
    const s = sketchOf(xs);
    const cdf = (x: number): number => normalCdf(x, 0, 0.05);
    const exact = ksStatistic(xs, cdf).d;
    const binned = binnedKs(s, bucketEdges, cdf);
    expect(binned.d).toBeLessThanOrEqual(exact + 1e-12);
    expect(exact).toBeLessThanOrEqual(binned.d + binned.resolution + 1e-12);
    expect(binned.resolution).toBeLessThan(1e-4);
  });

  it('bins a histogram like numpy.histogram for exactly representable data', () => {
    const xs = new Float32Array([0, 0.25, 0.5, 0.5, 0.75, 1, 1, -1, 2]);
    const h = sketchHistogram(sketchOf(xs), bucketFloor, 0, 1, 4);
    expect(h.counts).toEqual([1, 1, 2, 3]); // the last bin includes hi
    expect(h.underflow).toBe(1);
    expect(h.overflow).toBe(1);
  });
});
