import { describe, expect, it } from 'vitest';
import { bfloat16BitsToNumber, float16BitsToNumber, float64ToBfloat16Bits, float64ToFloat16Bits } from '../../src/dtype/round.js';
import { Accumulator } from '../../src/inspect/accumulate.js';
import { halfInterval, type HalfDtype } from '../../src/inspect/half.js';
import { Moments } from '../../src/stats/moments.js';
import { SketchBuilder } from '../../src/stats/sketch.js';
import { Tychei } from '../../src/rng/tychei.js';

/*
 * The 16-bit path of inspect (pattern counts, table widening, the fused first moments pass) must
 * give bit for bit what the per-value path gives: the moments of each batch of 65536 values with
 * NaN and infinities filtered out, in order, and the sketch of every finite value's float32 bits.
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

/** The per-value path: each batch's finite values pushed in order, every finite value's float32 bits sketched. */
function reference(dtype: HalfDtype, h: Uint16Array): { moments: Moments; keys: number[]; counts: number[]; nan: number; posInf: number; negInf: number } {
  const num = toNum(dtype);
  const moments = new Moments();
  const sketch = new SketchBuilder();
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let s = 0; s < h.length; s += BATCH) {
    const f = Float32Array.from(h.subarray(s, s + BATCH), num);
    sketch.addBits(new Uint32Array(f.buffer));
    const finite = Array.from(f).filter(Number.isFinite);
    for (const x of f) {
      if (Number.isNaN(x)) nan++;
      else if (x === Infinity) posInf++;
      else if (x === -Infinity) negInf++;
    }
    moments.push(finite);
  }
  const sk = sketch.finish();
  return { moments, keys: Array.from(sk.keys), counts: Array.from(sk.counts), nan, posInf, negInf };
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
  const n = 3 * BATCH + 12345;
  const h = patterns(dtype, n, 12);
  const bytes = new Uint8Array(h.buffer);
  const want = reference(dtype, h);

  it('gives the per-value path\'s moments, sketch and non-finite counts bit for bit', () => {
    const acc = new Accumulator(dtype);
    acc.push(bytes);
    const s = acc.finish();
    expect(want.nan + want.posInf + want.negInf).toBeGreaterThan(0);
    expect({ nan: s.nan, posInf: s.posInf, negInf: s.negInf, count: s.count }).toEqual({ nan: want.nan, posInf: want.posInf, negInf: want.negInf, count: n });
    const m = s.moments;
    const w = want.moments;
    expect([m.count, m.mean, m.sumSquaredDeviations, m.skewness, m.excessKurtosis, m.min, m.max]).toEqual([w.count, w.mean, w.sumSquaredDeviations, w.skewness, w.excessKurtosis, w.min, w.max]);
    expect(Array.from(s.sketch.keys)).toEqual(want.keys);
    expect(Array.from(s.sketch.counts)).toEqual(want.counts);
  });

  it('is the same whatever the chunking, odd offsets included', () => {
    const copy = new Uint8Array(bytes.length + 1).subarray(1);
    copy.set(bytes);
    const acc = new Accumulator(dtype);
    // Chunks of 2·BATCH + 1 bytes: elements split across pushes, batches cut elsewhere.
    for (let i = 0; i < copy.length; i += 2 * BATCH + 1) acc.push(copy.subarray(i, i + 2 * BATCH + 1));
    const s = acc.finish();
    expect([s.count, s.nan, s.moments.count, s.moments.min, s.moments.max]).toEqual([n, want.nan, want.moments.count, want.moments.min, want.moments.max]);
    // Other batch boundaries round differently: the sums agree to n ulps, relative.
    expect(Math.abs(s.moments.mean - want.moments.mean)).toBeLessThanOrEqual(n * 2 ** -52 * Math.abs(want.moments.mean));
    expect(Array.from(s.sketch.counts)).toEqual(want.counts);
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
