/*
 * Rounding float64 values once, to nearest with ties to even, into 16-bit float formats. Going
 * through float32 first would round twice and can differ (for example 1 + 2^-11 + 2^-40 must round
 * up to float16, but float32 rounding lands on the tie 1 + 2^-11, which then rounds to even, down).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word
const LO = 1 - HI;

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
 * Round a run of float64 values into 16-bit words. Equal to float64ToFloat16Bits /
 * float64ToBfloat16Bits element by element (tested), and ~20x faster: the common case (a result in
 * the format's normal range) works on the float64's bits, read through a Uint32Array view of `src`
 * (bouncing each value through a one-element Float64Array stalls on store-to-load forwarding),
 * without a branch on the rounding (a 50/50 branch mispredicts): every bit below the 16-bit
 * format's last kept bit other than the high word's is folded into one sticky bit, then adding
 * half - 1 plus the kept part's lowest bit rounds half to even, and a carry out of the mantissa
 * moves into the exponent, up to infinity, as it should. Subnormal results, zeros, infinities and
 * NaN take the general path.
 */
export function roundInto16(src: Float64Array, dst: Uint16Array, bfloat: boolean): void {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length * 2);
  // Biased float64 exponents of the format's normal range: float16 -14..15, bfloat16 -126..127.
  if (bfloat) roundRun(bits, src, dst, 13, 1023 - 126, 253, (1023 - 127) << 7, float64ToBfloat16Bits);
  else roundRun(bits, src, dst, 10, 1023 - 14, 29, (1023 - 15) << 10, float64ToFloat16Bits);
}

/**
 * roundInto16's loop with the format's constants as arguments (int32 in registers, not tagged
 * locals): `drop` high-word mantissa bits are dropped, biased exponents emin..emin + span are the
 * normal range, `rebias` moves the exponent field from float64's bias to the format's.
 */
function roundRun(
  bits: Uint32Array,
  src: Float64Array,
  dst: Uint16Array,
  drop: number,
  emin: number,
  span: number,
  rebias: number,
  slow: (x: number) => number,
): void {
  const halfMinus1 = (1 << (drop - 1)) - 1;
  for (let i = 0; i < src.length; i++) {
    const lo = bits[2 * i + LO]! | 0;
    const hi = bits[2 * i + HI]! | 0;
    if ((((hi >>> 20) & 0x7ff) - emin) >>> 0 <= span) {
      const x = (hi & 0x7fffffff) | ((lo | -lo) >>> 31); // sticky: any bit of the low word set
      dst[i] = ((hi >>> 16) & 0x8000) | ((((x + halfMinus1 + ((x >>> drop) & 1)) | 0) >>> drop) - rebias);
    } else {
      dst[i] = slow(src[i]!);
    }
  }
}
