import { bfloat16BitsToNumber, float16BitsToNumber } from '../dtype/round.js';
import { FloatSketch, keyOfBits } from '../stats/sketch.js';

/*
 * The 16-bit kernel of `inspect` (float16 and bfloat16). A 16-bit tensor has at most 65536
 * distinct bit patterns, so instead of feeding every value to the sketch (a key computation and a
 * scattered increment in a table of ~1 MiB per value) it counts each pattern in one 256 KiB table
 * that stays in cache, and makes the sketch from those counts at the end: the same counts per
 * bucket, since each pattern widens exactly to one float32 and no two share a bucket. Values are
 * widened through a float64 lookup table (no per-value function call) in one loop with the
 * moments' first, in-order pass, so a batch costs two light loops here and one in
 * Moments.pushSummed, with results bit for bit those of the per-value path (tested).
 */

export type HalfDtype = 'float16' | 'bfloat16';

interface Tables {
  /** Each pattern's value as float32 (its bits are the sketch's key). */
  readonly f32: Float32Array;
  /** The same values as float64: the moments read them without a float32 → float64 conversion. */
  readonly f64: Float64Array;
  /** Exponent field mask: a pattern is NaN or infinite when all its bits are set. */
  readonly expMask: number;
}

const tables = new Map<HalfDtype, Tables>();

/** The widening tables of a 16-bit type (built once: exact, since both widen to float32 exactly). */
export function halfTables(dtype: HalfDtype): Tables {
  let t = tables.get(dtype);
  if (t === undefined) {
    const widen = dtype === 'float16' ? float16BitsToNumber : bfloat16BitsToNumber;
    const f32 = Float32Array.from({ length: 65536 }, (_, h) => widen(h));
    t = { f32, f64: Float64Array.from(f32), expMask: dtype === 'float16' ? 0x7c00 : 0x7f80 };
    tables.set(dtype, t);
  }
  return t;
}

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

/** The pattern of a value a 16-bit type holds exactly, from its float32 bits (no rounding to do). */
function patternOf(dtype: HalfDtype, v: number): number {
  F[0] = v;
  const b = U[0]!;
  if (dtype === 'bfloat16') return b >>> 16;
  const s = (b >>> 16) & 0x8000;
  const e = ((b >>> 23) & 0xff) - 127 + 15;
  if (e >= 1) return s | (e << 10) | ((b & 0x7fffff) >>> 13);
  // A float16 subnormal (or zero): its value is M·2^-24, M the float32 significand shifted down.
  return e < -10 ? s : s | ((0x800000 | (b & 0x7fffff)) >>> (14 - e));
}

/**
 * The rounding interval of a value stored in a 16-bit float (half-way to each neighbour), for
 * the KS fit of binned data: a function of the value, which must be one the dtype holds exactly.
 */
export function halfInterval(dtype: HalfDtype): (v: number) => readonly [number, number] {
  const { f32 } = halfTables(dtype);
  return (v) => {
    const b = patternOf(dtype, v);
    const neg = (b & 0x8000) !== 0;
    const mag = b & 0x7fff;
    const up = neg ? (mag === 0 ? 1 : b - 1) : b + 1;
    const down = neg ? b + 1 : mag === 0 ? 0x8001 : b - 1;
    const u = f32[up & 0xffff]!;
    const d = f32[down & 0xffff]!;
    return [Number.isFinite(d) ? (v + d) / 2 : -Infinity, Number.isFinite(u) ? (v + u) / 2 : Infinity];
  };
}

/** NaN and infinities counted from patterns. */
export interface NonFinite {
  nan: number;
  posInf: number;
  negInf: number;
}

/** Pattern counts of one 16-bit tensor, with the first moments pass of the latest batch. */
export class HalfCounts {
  private readonly t: Tables;
  private readonly codes = new Uint32Array(65536);
  /** Counts moved out of `codes` before a 32-bit counter could overflow (past 4G values). */
  private wide: Float64Array | undefined;
  private sinceFlush = 0;

  constructor(dtype: HalfDtype) {
    this.t = halfTables(dtype);
  }

  /** Bytes held. */
  get bytes(): number {
    return this.codes.byteLength + (this.wide?.byteLength ?? 0);
  }

  /** Smallest and largest of the latest `widen` (as `if (x < lo) lo = x` finds them, for -0). */
  lo = Infinity;
  hi = -Infinity;

  /**
   * Count `bits`, write their values to `out` (as long as `bits`) and return their in-order sum
   * (not finite exactly when one of the values is not). Two loops: counting in its own is faster
   * than fused with the widening, whose sum is a chain of dependent adds.
   */
  widen(bits: Uint16Array, out: Float64Array): number {
    if (this.sinceFlush + bits.length > 0xffffffff) this.flush();
    this.sinceFlush += bits.length;
    const codes = this.codes;
    for (let i = 0; i < bits.length; i++) codes[bits[i]!]!++;
    const table = this.t.f64;
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < bits.length; i++) {
      const x = table[bits[i]!]!;
      out[i] = x;
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    this.lo = lo;
    this.hi = hi;
    return sum;
  }

  private flush(): void {
    const wide = (this.wide ??= new Float64Array(65536));
    for (let h = 0; h < 65536; h++) wide[h]! += this.codes[h]!;
    this.codes.fill(0);
    this.sinceFlush = 0;
  }

  /** The count of each pattern so far. */
  private countOf(h: number): number {
    return this.codes[h]! + (this.wide === undefined ? 0 : this.wide[h]!);
  }

  /**
   * The sketch of the finite values (what SketchBuilder makes of the same data), and their NaN and
   * infinities added to `nonFinite`. Patterns are walked in ascending order of value: negative ones
   * from the largest magnitude down, then positive ones up; each is one bucket of its own.
   */
  finish(nonFinite: NonFinite): FloatSketch {
    const { f32, expMask } = this.t;
    const u32 = new Uint32Array(f32.buffer);
    const keys: number[] = [];
    const counts: number[] = [];
    for (let j = 0; j < 65536; j++) {
      const h = j < 0x8000 ? 0xffff - j : j - 0x8000;
      const c = this.countOf(h);
      if (c === 0) continue;
      const x = f32[h]!;
      if ((h & expMask) !== expMask) {
        keys.push(keyOfBits(u32[h]!));
        counts.push(c);
      } else if (x !== x) nonFinite.nan += c;
      else if (x > 0) nonFinite.posInf += c;
      else nonFinite.negInf += c;
    }
    return new FloatSketch(Uint32Array.from(keys), Float64Array.from(counts));
  }
}
