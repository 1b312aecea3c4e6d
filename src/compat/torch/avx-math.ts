/*
 * torch's AVX2 float32 log and sincos (ATen/native/cpu/avx_mathfun.h, Julien Pommier's Cephes-style
 * polynomials), one lane at a time, with the fused multiply-adds GCC contracts the AVX2 build's
 * mul + add pairs into (each mul whose only use is an add, in source order): every Horner step, the
 * DP1/DP2/DP3 reduction, y*z + e*q1, y*z - z/2 and ys*x + x. Every other operation rounds to float32.
 */
import { fma32 } from './fma32.js';

const f = Math.fround;
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Constants as written in avx_mathfun.h, rounded to float32 (_PS256_CONST stores floats). */
const SQRTHF = f(0.7071067811865476); // 0.707106781186547524
const LOG_P = [7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f) as
  [number, number, number, number, number, number, number, number, number];
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);

/** log256_ps for one lane, x in (0, 1] (normal_fill's 1 - u). */
export function logf(x0: number): number {
  F32[0] = x0;
  const bits = U32[0]!;
  let e = f((bits >>> 23) - 127 + 1);
  U32[0] = (bits & ~0x7f800000) | 0x3f000000;
  let x = F32[0]!;
  const below = x < SQRTHF;
  const tmp = below ? x : 0;
  x = f(x - 1);
  if (below) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0];
  for (let k = 1; k < 9; k++) y = fma32(y, x, LOG_P[k as 1]);
  y = f(y * x);
  y = fma32(y, z, f(e * LOG_Q1));
  y = f(y - f(z * 0.5));
  return fma32(e, LOG_Q2, f(x + y));
}

const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.774894977445941e-8); // -3.77489497744594108e-8
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f) as [number, number, number];
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f) as [number, number, number];
const FOPI = f(1.27323954473516);

/** sincos256_ps for one lane, x >= 0 (normal_fill's 2 pi u): writes [sin, cos] into `out`. */
export function sincosf(x0: number, out: Float64Array): void {
  let x = Math.abs(x0);
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = j; // exact in float32 for the arguments normal_fill passes (< 2 pi)
  const sinSign = (j & 4) !== 0 ? -1 : 1;
  // bit 1 of j swaps the polynomials: sin takes the cosine one and cos the sine one
  const swap = (j & 2) !== 0;
  const cosSign = ((j - 2) & 4) === 0 ? -1 : 1;
  x = fma32(y, DP1, x);
  x = fma32(y, DP2, x);
  x = fma32(y, DP3, x);
  const z = f(x * x);
  let c = fma32(COS_P[0], z, COS_P[1]);
  c = fma32(c, z, COS_P[2]);
  c = f(c * z);
  c = fma32(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = fma32(SIN_P[0], z, SIN_P[1]);
  s = fma32(s, z, SIN_P[2]);
  s = f(s * z);
  s = fma32(s, x, x);
  const sinV = swap ? c : s;
  const cosV = swap ? s : c;
  out[0] = x0 < 0 ? -sinSign * sinV : sinSign * sinV;
  out[1] = cosSign * cosV;
}
