/*
 * Rounding float64 values once, to nearest with ties to even, into 16-bit float formats. Going
 * through float32 first would round twice and can differ (for example 1 + 2^-11 + 2^-40 must round
 * up to float16, but float32 rounding lands on the tie 1 + 2^-11, which then rounds to even, down).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/** Unbiased binary exponent of a finite non-zero double (subnormals report -1023). */
function exponentOf(x: number): number {
  f64[0] = x;
  return ((u32[HI]! >>> 20) & 0x7ff) - 1023;
}

/** Round |x| (finite, positive) to `p` significant bits with minimum normal exponent `emin`; RNE. */
function roundMagnitude(ax: number, p: number, emin: number): number {
  const e = Math.max(exponentOf(ax), emin);
  const ulp = 2 ** (e - (p - 1));
  const q = ax / ulp; // exact: scaling by a power of two within range
  const f = Math.floor(q);
  const d = q - f;
  const n = d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
  return n * ulp;
}

function toHalfLike(x: number, p: number, emin: number, emax: number, expBits: number): number {
  const mantBits = p - 1;
  const signBit = 1 << (expBits + mantBits);
  const expMask = (1 << expBits) - 1;
  if (Number.isNaN(x)) return (expMask << mantBits) | (1 << (mantBits - 1)); // quiet NaN
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const ax = Math.abs(x);
  if (ax === Infinity) return sign | (expMask << mantBits);
  if (ax === 0) return sign;
  const r = roundMagnitude(ax, p, emin);
  if (r >= 2 ** (emax + 1)) return sign | (expMask << mantBits); // overflow to infinity
  if (r === 0) return sign;
  const e = exponentOf(r);
  if (e < emin) return sign | (r / 2 ** (emin - mantBits)); // subnormal: mantissa only
  const mant = (r / 2 ** e - 1) * 2 ** mantBits;
  return sign | ((e + (expMask >> 1)) << mantBits) | mant;
}

/** IEEE binary16 bits of x rounded once to nearest-even. */
export function float64ToFloat16Bits(x: number): number {
  return toHalfLike(x, 11, -14, 15, 5);
}

/** bfloat16 bits of x rounded once to nearest-even. */
export function float64ToBfloat16Bits(x: number): number {
  return toHalfLike(x, 8, -126, 127, 8);
}

/** The value of binary16 bits, exactly. */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** The value of bfloat16 bits, exactly. */
export function bfloat16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 7) & 0xff;
  const m = h & 0x7f;
  if (e === 0) return sign * m * 2 ** -133;
  if (e === 0xff) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 128) * 2 ** (e - 127);
}

/**
 * Round a run of float64 values into 16-bit words. The common case (a result in the format's normal
 * range) is done on the float64's bits: keep the top mantissa bits, look at the first dropped bit
 * and whether any bit below it is set (round half to even); a carry out of the mantissa moves into
 * the exponent, up to infinity, as it should. Subnormal results, zeros, infinities and NaN take the
 * general path. Equal to float64ToFloat16Bits / float64ToBfloat16Bits (tested), and ~10x faster.
 */
export function roundInto16(src: Float64Array, dst: Uint16Array, bfloat: boolean): void {
  const hiIndex = HI;
  const loIndex = 1 - HI;
  // float16: 10 mantissa bits, exponents -14..15; bfloat16: 7 bits, -126..127.
  const mant = bfloat ? 7 : 10;
  const emin = bfloat ? -126 : -14;
  const emax = bfloat ? 127 : 15;
  const bias = bfloat ? 127 : 15;
  const drop = 20 - mant; // mantissa bits dropped from the high word
  const half = 1 << (drop - 1);
  const restMask = (1 << drop) - 1;
  const mantMask = (1 << mant) - 1;
  const slow = bfloat ? float64ToBfloat16Bits : float64ToFloat16Bits;
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    f64[0] = x;
    const hi = u32[hiIndex]!;
    const e = ((hi >>> 20) & 0x7ff) - 1023;
    if (e >= emin && e <= emax) {
      let h = ((e + bias) << mant) | ((hi >>> drop) & mantMask);
      const rest = hi & restMask;
      if (rest > half || (rest === half && (u32[loIndex]! !== 0 || (h & 1) === 1))) h++;
      dst[i] = ((hi >>> 16) & 0x8000) | h;
    } else {
      dst[i] = slow(x);
    }
  }
}
