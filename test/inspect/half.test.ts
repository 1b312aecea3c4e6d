import { describe, expect, it } from 'vitest';
import { bfloat16BitsToNumber, float16BitsToNumber, float64ToBfloat16Bits, float64ToFloat16Bits } from '../../src/dtype/round.js';
import { Accumulator } from '../../src/inspect/accumulate.js';
import { HalfCounts, halfInterval, type HalfDtype } from '../../src/inspect/half.js';
import type { Moments } from '../../src/stats/moments.js';
import { SketchBuilder } from '../../src/stats/sketch.js';
import { Tychei } from '../../src/rng/tychei.js';

/*
 * The 16-bit path of inspect counts patterns and makes everything at the end. Its sketch and
 * non-finite counts must be exactly those of the per-value path (every finite value's float32 bits
 * sketched); its moments are checked against exact ones (BigInt sums over the distinct values), to
 * within bounds derived from the number of terms and the data's magnitudes.
 */

const BATCH = 1 << 16;
const DTYPES: readonly HalfDtype[] = ['float16', 'bfloat16'];
const toNum = (d: HalfDtype): ((h: number) => number) => (d === 'float16' ? float16BitsToNumber : bfloat16BitsToNumber);
const toBits = (d: HalfDtype): ((x: number) => number) => (d === 'float16' ? float64ToFloat16Bits : float64ToBfloat16Bits);

/** Seeded patterns: mostly normal values, plus zeros of both signs, subnormals, extremes, NaN and infinities. */
function patterns(dtype: HalfDtype, n: number, seed: number): Uint16Array {
  const rng = Tychei.fromString(`half-${seed}`);
  const bits = toBits(dtype);
  const out = new Uint16Array(n);
  const special = dtype === 'float16' ? [0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00] : [0x0000, 0x8000, 0x0001, 0x807f, 0x7f7f, 0xff7f, 0x7f80, 0xff80, 0x7fc0];
  for (let i = 0; i < n; i++) {
    const u = rng.nextDouble();
    out[i] = u < 0.001 ? special[Math.floor(rng.nextDouble() * special.length)]! : bits((u - 0.5) * 0.1 + (rng.nextDouble() - 0.5) * 0.01);
  }
  return out;
}

/** The per-value path's sketch (every finite value's float32 bits) and non-finite counts. */
function reference(dtype: HalfDtype, h: Uint16Array): { keys: number[]; counts: number[]; nan: number; posInf: number; negInf: number } {
  const f = Float32Array.from(h, toNum(dtype));
  const sketch = new SketchBuilder();
  for (let s = 0; s < f.length; s += BATCH) sketch.addBits(new Uint32Array(f.buffer, 4 * s, Math.min(BATCH, f.length - s)));
  const sk = sketch.finish();
  const count = (p: (x: number) => boolean): number => f.reduce((c, x) => c + (p(x) ? 1 : 0), 0);
  return { keys: Array.from(sk.keys), counts: Array.from(sk.counts), nan: count(Number.isNaN), posInf: count((x) => x === Infinity), negInf: count((x) => x === -Infinity) };
}

const U = 2 ** -53;

/** a / b to about 64 significant bits, then rounded to a double. */
function ratio(a: bigint, b: bigint): number {
  if (a === 0n) return 0;
  const neg = a < 0n !== b < 0n;
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const shift = 64 - (x.toString(2).length - y.toString(2).length);
  const q = shift >= 0 ? (x << BigInt(shift)) / y : x / (y << BigInt(-shift));
  return (neg ? -1 : 1) * Number(q) * 2 ** -shift;
}

/**
 * The exact moments of the finite values, and the bounds Moments.weighted promises against them.
 * Every finite value is X·2^-S with X an integer (S = 24 for float16, 133 for bfloat16), so with
 * N values and T = Σ X, the central sums are M_k = Σ (N·X - T)^k / (N^k·2^(S·k)): integers over
 * integers. Bounds (u = 2^-53, D_k = Σ |x - mean|^k): the mean is within 4u·(|mean| + D_1/N)
 * (compensated sum of exact terms, one division, the correction by Σ d); each M_k within
 * 2(k+4)u·D_k ((k+1) roundings per term, 2u for Neumaier's sum, one correction step; doubled),
 * plus k²·δ²·D_(k-2) for the mean's error δ, which the correction leaves at second order.
 */
function exact(dtype: HalfDtype, h: Uint16Array) {
  const num = toNum(dtype);
  const S = dtype === 'float16' ? 24 : 133;
  const counts = new Map<number, number>();
  for (const b of h) {
    const x = num(b);
    if (Number.isFinite(x)) counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  const xs = [...counts.keys()];
  const N = BigInt([...counts.values()].reduce((a, c) => a + c, 0));
  const big = (x: number): bigint => BigInt(x * 2 ** S);
  const T = xs.reduce((t, x) => t + BigInt(counts.get(x)!) * big(x), 0n);
  const central = (k: number): number => {
    const a = xs.reduce((t, x) => t + BigInt(counts.get(x)!) * (N * big(x) - T) ** BigInt(k), 0n);
    return ratio(a, N ** BigInt(k) * 2n ** BigInt(S * k));
  };
  const n = Number(N);
  const mean = ratio(T, N * 2n ** BigInt(S));
  const D = [0, 1, 2, 3, 4].map((k) => xs.reduce((t, x) => t + counts.get(x)! * Math.abs(x - mean) ** k, 0));
  const tolMean = 4 * U * (Math.abs(mean) + D[1]! / n);
  const M = [0, 0, central(2), central(3), central(4)];
  const tol = [0, 0, 2, 3, 4].map((k) => (k === 0 ? 0 : 2 * (k + 4) * U * D[k]! + k * k * tolMean ** 2 * D[k - 2]!));
  return { n, mean, tolMean, M, tol, min: Math.min(...xs), max: Math.max(...xs) };
}

/** Skewness and excess kurtosis from central sums, and how far their errors can move them. */
function shape(n: number, M: readonly number[], tol: readonly number[]) {
  const [m2, m3, m4] = [M[2]!, M[3]!, M[4]!];
  const [t2, t3, t4] = [tol[2]!, tol[3]!, tol[4]!];
  return {
    skewness: (Math.sqrt(n) * m3) / m2 ** 1.5,
    tolSkewness: (Math.sqrt(n) * (t3 + 1.5 * Math.abs(m3) * (t2 / m2) + 8 * U * Math.abs(m3))) / m2 ** 1.5,
    kurtosis: (n * m4) / (m2 * m2) - 3,
    tolKurtosis: (n * (t4 + 2 * m4 * (t2 / m2) + 8 * U * m4)) / (m2 * m2) + 8 * U,
  };
}

/** The moments of `h` through the Accumulator are within the derived bounds of the exact ones. */
function expectNearExact(dtype: HalfDtype, h: Uint16Array, m: Moments): void {
  const e = exact(dtype, h);
  const s = shape(e.n, e.M, e.tol);
  expect(m.count).toBe(e.n);
  expect(Math.abs(m.mean - e.mean), 'mean').toBeLessThanOrEqual(e.tolMean);
  expect(Math.abs(m.sumSquaredDeviations - e.M[2]!), 'M2').toBeLessThanOrEqual(e.tol[2]!);
  expect(Math.abs(m.skewness - s.skewness), 'skewness').toBeLessThanOrEqual(s.tolSkewness);
  expect(Math.abs(m.excessKurtosis - s.kurtosis), 'excess kurtosis').toBeLessThanOrEqual(s.tolKurtosis);
  expect([m.min, m.max]).toEqual([e.min, e.max]);
}

/** The pre-table rounding interval: the value re-rounded to find its pattern, then its neighbours. */
function referenceInterval(dtype: HalfDtype, v: number): [number, number] {
  const num = toNum(dtype);
  const b = toBits(dtype)(v);
  const neg = (b & 0x8000) !== 0;
  const mag = b & 0x7fff;
  const u = num((neg ? (mag === 0 ? 1 : b - 1) : b + 1) & 0xffff);
  const d = num((neg ? b + 1 : mag === 0 ? 0x8001 : b - 1) & 0xffff);
  return [Number.isFinite(d) ? (v + d) / 2 : -Infinity, Number.isFinite(u) ? (v + u) / 2 : Infinity];
}

describe.each(DTYPES)('inspect of %s data', (dtype) => {
  // Past 2^20 values (where counting spreads over lanes), and not a multiple of the batch or of 4.
  const n = 17 * BATCH + 12345;
  const h = patterns(dtype, n, 12);
  const bytes = new Uint8Array(h.buffer);
  const want = reference(dtype, h);

  it('gives the per-value path\'s sketch and non-finite counts exactly', () => {
    const acc = new Accumulator(dtype);
    acc.push(bytes);
    const s = acc.finish();
    expect(want.nan + want.posInf + want.negInf).toBeGreaterThan(0);
    expect({ nan: s.nan, posInf: s.posInf, negInf: s.negInf, count: s.count }).toEqual({ nan: want.nan, posInf: want.posInf, negInf: want.negInf, count: n });
    expect(Array.from(s.sketch.keys)).toEqual(want.keys);
    expect(Array.from(s.sketch.counts)).toEqual(want.counts);
  });

  it('gives the exact moments of the finite values, to within bounds derived from the data', () => {
    const acc = new Accumulator(dtype);
    acc.push(bytes);
    expectNearExact(dtype, h, acc.finish().moments);
  });

  it('keeps the moments of data far from zero (mean 3, spread ±0.05)', () => {
    const bits = toBits(dtype);
    const rng = Tychei.fromString(`offset-${dtype}`);
    const far = Uint16Array.from({ length: 2 * BATCH + 7 }, () => bits(3 + 0.05 * (rng.nextDouble() + rng.nextDouble() - 1)));
    const acc = new Accumulator(dtype);
    acc.push(new Uint8Array(far.buffer));
    expectNearExact(dtype, far, acc.finish().moments);
  });

  it('is the same bit for bit whatever the chunking, odd offsets included', () => {
    const whole = new Accumulator(dtype);
    whole.push(bytes);
    const w = whole.finish();
    const copy = new Uint8Array(bytes.length + 1).subarray(1);
    copy.set(bytes);
    const acc = new Accumulator(dtype);
    // Chunks of 2·BATCH + 1 bytes: elements split across pushes, batches cut elsewhere.
    for (let i = 0; i < copy.length; i += 2 * BATCH + 1) acc.push(copy.subarray(i, i + 2 * BATCH + 1));
    const s = acc.finish();
    const stats = (m: Moments): number[] => [m.count, m.mean, m.sumSquaredDeviations, m.skewness, m.excessKurtosis, m.min, m.max];
    expect([s.count, s.nan, ...stats(s.moments)]).toEqual([n, want.nan, ...stats(w.moments)]);
    expect(Array.from(s.sketch.counts)).toEqual(want.counts);
  });

  it('moves its counts to wide counters before a 32-bit counter could overflow, losing none', () => {
    // Flushed once 1.1M values are counted: after the lanes are made at 2^20, before the end.
    const small = new HalfCounts(dtype, 1_100_000);
    for (let i = 0; i < h.length; i += 7001) small.count(h.subarray(i, i + 7001));
    const big = new HalfCounts(dtype);
    big.count(h);
    const [a, b] = [{ nan: 0, posInf: 0, negInf: 0 }, { nan: 0, posInf: 0, negInf: 0 }];
    const [sa, sb] = [small.finish(a), big.finish(b)];
    expect(big.bytes, 'four lanes of 65536 counters').toBe(4 * 65536 * 4);
    expect(small.bytes, 'and the wide counters').toBe(big.bytes + 65536 * 8);
    expect(a).toEqual(b);
    expect(Array.from(sa.sketch.counts)).toEqual(Array.from(sb.sketch.counts));
    expect([sa.moments.mean, sa.moments.sumSquaredDeviations]).toEqual([sb.moments.mean, sb.moments.sumSquaredDeviations]);
  });

  it('orders -0 below +0 for min and max, whatever the order of the values', () => {
    const bits = toBits(dtype);
    const summary = (xs: number[]): Moments => {
      const acc = new Accumulator(dtype);
      acc.push(new Uint8Array(Uint16Array.from(xs, bits).buffer));
      return acc.finish().moments;
    };
    for (const xs of [[0, -0, 0], [-0, 0], [0, -0]]) {
      expect(Object.is(summary(xs).min, -0), `min of ${xs.map((x) => (Object.is(x, -0) ? '-0' : '0')).join(',')}`).toBe(true);
      expect(Object.is(summary(xs).max, 0), 'max').toBe(true);
    }
    expect(Object.is(summary([-0, -0]).max, -0)).toBe(true);
    expect(Object.is(summary([0, 0]).min, 0)).toBe(true);
    expect(Object.is(summary([1, -0, 0.5]).min, -0)).toBe(true);
  });

  it('gives every finite pattern the rounding interval the re-rounding path gave', () => {
    const interval = halfInterval(dtype);
    const num = toNum(dtype);
    let checked = 0;
    for (let b = 0; b < 65536; b++) {
      const v = num(b);
      if (!Number.isFinite(v)) continue;
      expect(interval(v)).toEqual(referenceInterval(dtype, v));
      checked++;
    }
    expect(checked).toBe(dtype === 'float16' ? 65536 - 2 * 1024 : 65536 - 2 * 128);
  });
});
