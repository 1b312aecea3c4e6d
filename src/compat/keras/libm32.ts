/*
 * glibc's float32 logf and sincosf (sysdeps/ieee754/flt-32/e_logf.c, s_sincosf.c, sincosf_poly.h:
 * ARM optimized-routines, in glibc since 2.28), the functions TF's CPU Box-Muller calls on Linux.
 * Both evaluate in double and round once to float32, so JS doubles repeat them exactly; the
 * constants are glibc's hex literals as the doubles they parse to. Only the domains TF's sampler
 * reaches are ported: logf of a normal positive float, sincosf of a float in [0, 120).
 */
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

const bitsOf = (x: number): number => {
  F32[0] = x;
  return U32[0]!;
};

const floatOf = (bits: number): number => {
  U32[0] = bits;
  return F32[0]!;
};

/** __logf_data (e_logf_data.c): 1/c and log(c) for 16 subintervals, ln 2, and log1p's polynomial. */
const INVC = [
  1.398907162146528, 1.3403141896637998, 1.286432210124115, 1.2367150214269895, 1.1906977166711752, 1.1479821020556429,
  1.1082251448272158, 1.0711297413057381, 1.036437278977283, 1.0, 0.9492859795739057, 0.8951049428609004,
  0.8476821620351103, 0.8050314851692001, 0.7664671008843108, 0.731428603316328,
];
const LOGC = [
  -0.33569133332882284, -0.2929040563774074, -0.2518726580937369, -0.21245868807117255, -0.17453945183745634,
  -0.1380057072319758, -0.10275976698545139, -0.06871392447020525, -0.0357891387398228, 0.0, 0.05204517742929496,
  0.11081431298787942, 0.1652495223695143, 0.21687389031699977, 0.2659635028121397, 0.3127556664073557,
];
const LN2 = 0.6931471805599453;
const A0 = -0.25089342214237154;
const A1 = 0.333456765744066;
const A2 = -0.4999997485802103;
/** 0x3f330000: z = x / 2^k lies in [OFF, 2 OFF), so log1p(z/c - 1) stays small. */
const OFF = 0x3f330000;

/** logf(x) for a normal positive float32 x, bit for bit as glibc computes it. */
export function logf(x: number): number {
  const ix = bitsOf(x);
  if (ix === 0x3f800000) return 0;
  const tmp = (ix - OFF) >>> 0;
  const i = (tmp >>> 19) & 15;
  const k = (tmp | 0) >> 23;
  const z = floatOf((ix - (tmp & (0x1ff << 23))) >>> 0);
  const r = z * INVC[i]! - 1;
  const y0 = LOGC[i]! + k * LN2;
  const r2 = r * r;
  let y = A1 * r + A2;
  y = A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return Math.fround(y);
}

/** __sincosf_table (s_sincosf_data.c): the second row computes -cos and -sin for quadrants 2, 3. */
interface SincosTable {
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
  readonly c4: number;
}
const S1 = -0.16666654943701084;
const S2 = 0.008332178146138854;
const S3 = -0.00019517298981385725;
const TABLE: readonly [SincosTable, SincosTable] = [
  { c0: 1.0, c1: -0.49999999725108224, c2: 0.041666623324344516, c3: -0.001388676379437604, c4: 2.4390450703564542e-5 },
  { c0: -1.0, c1: 0.49999999725108224, c2: -0.041666623324344516, c3: 0.001388676379437604, c4: -2.4390450703564542e-5 },
];
const SIGN = [1.0, -1.0, -1.0, 1.0];
/** 2/pi * 2^24 (the quadrant lands in bits 24..31) and pi/2, as glibc builds without TOINT_INTRINSICS (x86_64). */
const HPI_INV = 10680707.430881744;
const HPI = 1.5707963267948966;

/**
 * sincosf(y) for a float32 y in [0, 120), bit for bit as glibc computes it: sin into out[0], cos into
 * out[1] (an out-parameter: Box-Muller calls it for every pair).
 */
export function sincosf(y: number, out: Float64Array): void {
  const top12 = (bitsOf(y) >>> 20) & 0x7ff;
  if (top12 < 0x3f4) {
    // |y| < pi/4 (as a float); below 2^-12 sin y = y and cos y = 1 in float32
    if (top12 < 0x398) {
      out[0] = y;
      out[1] = 1;
      return;
    }
    poly(y, y * y, TABLE[0], 0, out);
    return;
  }
  if (top12 >= 0x42f) throw new Error(`internal: sincosf is ported for [0, 120) only, got ${y}`);
  const n = ((Math.trunc(y * HPI_INV) | 0) + 0x800000) >> 24;
  const x = y - n * HPI;
  const s = SIGN[n & 3]!;
  poly(x * s, x * x, TABLE[(n & 2) === 0 ? 0 : 1], n, out);
}

/** sincosf_poly: sin and cos polynomials of the reduced x; odd quadrants swap them. */
function poly(x: number, x2: number, p: SincosTable, n: number, out: Float64Array): void {
  const x4 = x2 * x2;
  const x3 = x2 * x;
  const c2 = p.c3 + x2 * p.c4;
  const s1 = S2 + x2 * S3;
  const c1 = p.c0 + x2 * p.c1;
  const x5 = x3 * x2;
  const x6 = x4 * x2;
  const s = x + x3 * S1;
  const c = c1 + x4 * p.c2;
  const sin = Math.fround(s + x5 * s1);
  const cos = Math.fround(c + x6 * c2);
  out[n & 1] = sin;
  out[1 - (n & 1)] = cos;
}
