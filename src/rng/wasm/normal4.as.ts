// AssemblyScript source of the SIMD normal kernel (src/rng/normal4.ts loads it). Not TypeScript:
// `npm run build:wasm` compiles it (scripts/build-wasm.mjs) into normal4.wasm.ts, which is
// committed; test/rng/normal4.test.ts checks the two agree and that the kernel draws exactly the
// values of fillNormal (src/rng/ziggurat.ts), the stream's definition.
//
// Four blocks are drawn in lockstep, one block's Tyche-i generator per 32-bit SIMD lane: element i
// of all four blocks per iteration. Each lane follows its own block's stream exactly: the fast
// path (~98.5% of draws) is computed for four lanes at once, and a lane whose draw the fast path
// rejected finishes it on the scalar slow path below, on that lane's state, as ziggurat.ts does.
// The arithmetic is the same float64 operations in the same order (no fused multiply-add), so the
// values are bit for bit those of the JS kernel; float32 output is one rounding (demote).
//
// Memory (one instance per thread): tables at 0 (ki, wi, fi: 256 float64 each, copied in from
// ziggurat.ts; ki and wi again side by side at KW), the four lanes' state at 6144, constants at
// CK, output at OUT: block l's n values at OUT + l*n*width.
export const KI: usize = 0; // then WI and FI: the three tables, 256 float64 each
const WI: usize = 2048;
const FI: usize = 4096;
export const KW: usize = 10240; // ki[i], wi[i] side by side (16 bytes each): one load per lane
export const STATE: usize = 6144; // a, b, c, d: one v128 each, lane l = block l
const SCRATCH: usize = 6208; // r1 and r2 of the rejected iteration
// Constant vectors, stored by normal4 and loaded where used: V8 rebuilt each splat constant inside
// the loop (three instructions; the loop has more live vectors than x64 has registers), a load is
// one. With the sign shuffle below, ~14% fewer instructions per value (callgrind: 47.5 -> 41).
const CK: usize = 6272;
const K_BYTE: usize = CK;
const K_EXP: usize = CK + 16;
const K_P52: usize = CK + 32;
const K_SIGN: usize = CK + 48;
const K_ONE: usize = CK + 64;
const K_ABS: usize = CK + 80;
const K_SIGN16: usize = CK + 96;
const K_EXPMASK: usize = CK + 112;
export const OUT: usize = 16384;

@external("env", "log1p") declare function log1p(x: f64): f64;
@external("env", "exp") declare function exp(x: f64): f64;
// Exact rounding of one float64 to 16 bits (src/dtype/round.ts), for values above the format's
// range (which specs refuse; kept exact anyway): round16 below handles the rest.
@external("env", "toBfloat16") declare function toBfloat16(x: f64): i32;
@external("env", "toFloat16") declare function toFloat16(x: f64): i32;

const R: f64 = 3.6541528853610088;


// ---- the scalar slow path, on lane l's state in memory (l = lane * 4) ----
function next(l: usize): u32 {
  let a = load<i32>(STATE + l);
  let b = load<i32>(STATE + 16 + l);
  let c = load<i32>(STATE + 32 + l);
  let d = load<i32>(STATE + 48 + l);
  b = (b << 25) ^ (b >>> 7) ^ c;
  c = c - d;
  d = (d << 24) ^ (d >>> 8) ^ a;
  a = a - b;
  b = (b << 20) ^ (b >>> 12) ^ c;
  c = c - d;
  d = (d << 16) ^ (c >>> 16) ^ a;
  a = a - b;
  store<i32>(STATE + l, a);
  store<i32>(STATE + 16 + l, b);
  store<i32>(STATE + 32 + l, c);
  store<i32>(STATE + 48 + l, d);
  return <u32>a;
}

function nextDouble(l: usize): f64 {
  const hi = next(l) >>> 5;
  const lo = next(l) >>> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) * 1.1102230246251565e-16;
}

function slowPath(l: usize, r1: u32, rabs: f64, idx: u32): f64 {
  for (;;) {
    const negative = (r1 & 0x100) != 0;
    if (idx == 0) {
      for (;;) {
        const xx = -(1.0 / R) * log1p(-nextDouble(l));
        const yy = -log1p(-nextDouble(l));
        if (yy + yy > xx * xx) return negative ? -(R + xx) : R + xx;
      }
    }
    const x = rabs * load<f64>(WI + (<usize>idx << 3));
    const fHere = load<f64>(FI + (<usize>idx << 3));
    if ((load<f64>(FI + (<usize>(idx - 1) << 3)) - fHere) * nextDouble(l) + fHere < exp(-0.5 * x * x)) return negative ? -x : x;
    // a fresh draw (standardNormal)
    r1 = next(l);
    const r2 = next(l);
    idx = r1 & 0xff;
    rabs = <f64>(r1 >>> 12) * 4294967296.0 + <f64>r2;
    if (rabs < load<f64>(KI + (<usize>idx << 3))) return <f64>(1 - <i32>((r1 >>> 7) & 2)) * (rabs * load<f64>(WI + (<usize>idx << 3)));
  }
  return 0; // not reached
}

/** One float64 rounded to 16 bits: roundRun's integer rounding in the normal range, else round.ts. */
function round16(v: f64, bfloat: bool): u16 {
  const bits = reinterpret<u64>(v);
  const hi = <u32>(bits >>> 32);
  const lo = <u32>bits;
  const drop: u32 = bfloat ? 13 : 10;
  const e = (hi >>> 20) & 0x7ff;
  if (e - <u32>(bfloat ? 1023 - 126 : 1023 - 14) <= <u32>(bfloat ? 253 : 29)) {
    const x = (hi & 0x7fffffff) | ((lo | (0 - lo)) >>> 31);
    return <u16>(((hi >>> 16) & 0x8000) | (((x + ((1 << (drop - 1)) - 1) + ((x >>> drop) & 1)) >>> drop) - <u32>(bfloat ? (1023 - 127) << 7 : (1023 - 15) << 10)));
  }
  if (e < <u32>(bfloat ? 1023 - 126 : 1023 - 14)) {
    // Zero and subnormals: a whole number of the smallest subnormal (2^-133, 2^-24), rounded to
    // nearest-even by f64.nearest; the scaling by a power of two is exact. 2^10 or 2^7 of them is
    // the smallest normal, whose bits are the same number.
    const unit: f64 = bfloat ? reinterpret<f64>(0x4840000000000000) : 16777216.0;
    return <u16>(((hi >>> 16) & 0x8000) | <u32>nearest(abs(v) * unit));
  }
  return <u16>(bfloat ? toBfloat16(v) : toFloat16(v)); // overflow: infinity or the largest value
}

// ---- the lockstep loop ----

/** Output element types (`mode`). */
const F64: i32 = 0;
const F32: i32 = 1;
const BF16: i32 = 2;
const F16: i32 = 3;

/**
 * Draw n values for each of the four lanes (the state at STATE, left after the last draw) as
 * mean + sd * z, into OUT as `mode`: float64, float32, bfloat16 or float16, each rounded once to
 * nearest-even from the float64 value (16-bit: the integer rounding of roundInto16, round.ts).
 */
export function normal4(n: i32, mean: f64, sd: f64, mode: i32): void {
  // float32 and float64 each get a copy of the loop with `mode` a constant, so the other modes'
  // code and branches are compiled out: fewer live values, fewer spills (callgrind, V8 TurboFan:
  // 41 -> 38 instructions per float32 value, 43 -> 38 per float64). The 16-bit modes share one
  // copy (a copy each measured within the noise of the shared one).
  if (mode == F32) loop(n, mean, sd, F32);
  else if (mode == F64) loop(n, mean, sd, F64);
  else loop16(n, mean, sd, mode);
}

function loop16(n: i32, mean: f64, sd: f64, mode: i32): void {
  loop(n, mean, sd, mode);
}

@inline function loop(n: i32, mean: f64, sd: f64, mode: i32): void {
  let a = v128.load(STATE);
  let b = v128.load(STATE + 16);
  let c = v128.load(STATE + 32);
  let d = v128.load(STATE + 48);
  const M = f64x2.splat(mean);
  const S = f64x2.splat(sd);
  v128.store(K_BYTE, i32x4.splat(0xff));
  v128.store(K_EXP, i32x4.splat(0x43300000));
  v128.store(K_P52, f64x2.splat(4503599627370496.0));
  v128.store(K_SIGN, i32x4.splat(0x80000000));
  v128.store(K_ONE, i32x4.splat(1));
  v128.store(K_ABS, i32x4.splat(0x7fffffff));
  v128.store(K_SIGN16, i32x4.splat(0x8000));
  v128.store(K_EXPMASK, i32x4.splat(0x7ff));
  const ZERO = i32x4.splat(0);
  const width: usize = mode == F64 ? 8 : mode == F32 ? 4 : 2;
  // roundInto16's constants (round.ts): high-word mantissa bits dropped, the normal range of biased
  // float64 exponents (emin .. emin + span), the exponent rebias.
  const drop: i32 = mode == BF16 ? 13 : 10;
  const EMIN = i32x4.splat(mode == BF16 ? 1023 - 126 : 1023 - 14);
  const SPAN = i32x4.splat(mode == BF16 ? 253 : 29);
  const REBIAS = i32x4.splat(mode == BF16 ? (1023 - 127) << 7 : (1023 - 15) << 10);
  const HALF = i32x4.splat((1 << (drop - 1)) - 1);
  const stride: usize = <usize>n * width;
  // Each iteration: two Tyche-i steps written out (r1, then r2 = a), as fastRun in ziggurat.ts; a
  // helper cannot update the four state vectors in place, and they must stay in locals.
  for (let i = 0; i < n; i++) {
    b = v128.xor(v128.xor(i32x4.shl(b, 25), i32x4.shr_u(b, 7)), c);
    c = i32x4.sub(c, d);
    d = v128.xor(v128.xor(i32x4.shl(d, 24), i32x4.shr_u(d, 8)), a);
    a = i32x4.sub(a, b);
    b = v128.xor(v128.xor(i32x4.shl(b, 20), i32x4.shr_u(b, 12)), c);
    c = i32x4.sub(c, d);
    d = v128.xor(v128.xor(i32x4.shl(d, 16), i32x4.shr_u(c, 16)), a);
    a = i32x4.sub(a, b);
    const r1 = a;
    b = v128.xor(v128.xor(i32x4.shl(b, 25), i32x4.shr_u(b, 7)), c);
    c = i32x4.sub(c, d);
    d = v128.xor(v128.xor(i32x4.shl(d, 24), i32x4.shr_u(d, 8)), a);
    a = i32x4.sub(a, b);
    b = v128.xor(v128.xor(i32x4.shl(b, 20), i32x4.shr_u(b, 12)), c);
    c = i32x4.sub(c, d);
    d = v128.xor(v128.xor(i32x4.shl(d, 16), i32x4.shr_u(c, 16)), a);
    a = i32x4.sub(a, b);
    // rabs = (r1 >>> 12) * 2^32 + r2, exactly: the double whose bits are 0x433 << 52 | the 52-bit
    // integer is 2^52 + that integer, so subtracting 2^52 leaves it (no unsigned conversion).
    const hi = v128.or(i32x4.shr_u(r1, 12), v128.load(K_EXP));
    const rabs01 = f64x2.sub(i8x16.shuffle(a, hi, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23), v128.load(K_P52));
    const rabs23 = f64x2.sub(i8x16.shuffle(a, hi, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31), v128.load(K_P52));
    const idx = v128.and(r1, v128.load(K_BYTE));
    const i0 = <usize>i32x4.extract_lane(idx, 0) << 3;
    const i1 = <usize>i32x4.extract_lane(idx, 1) << 3;
    const i2 = <usize>i32x4.extract_lane(idx, 2) << 3;
    const i3 = <usize>i32x4.extract_lane(idx, 3) << 3;
    const p0 = v128.load(KW + (i0 << 1));
    const p1 = v128.load(KW + (i1 << 1));
    const p2 = v128.load(KW + (i2 << 1));
    const p3 = v128.load(KW + (i3 << 1));
    const k01 = i64x2.shuffle(p0, p1, 0, 2);
    const w01 = i64x2.shuffle(p0, p1, 1, 3);
    const k23 = i64x2.shuffle(p2, p3, 0, 2);
    const w23 = i64x2.shuffle(p2, p3, 1, 3);
    // Bit 8 of r1 is the sign: flipping a double's sign bit is multiplying it by -1, exactly.
    const sbit = v128.and(i32x4.shl(r1, 23), v128.load(K_SIGN));
    // Zero low words, sign high words: written as the interleave V8 emits in one instruction
    // (punpckl/hdq; the same shuffle with the operands swapped took three).
    const s01 = i8x16.shuffle(ZERO, sbit, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const s23 = i8x16.shuffle(ZERO, sbit, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
    const v01 = f64x2.add(M, f64x2.mul(S, v128.xor(f64x2.mul(rabs01, w01), s01)));
    const v23 = f64x2.add(M, f64x2.mul(S, v128.xor(f64x2.mul(rabs23, w23), s23)));
    const accepted = i64x2.bitmask(f64x2.lt(rabs01, k01)) | (i64x2.bitmask(f64x2.lt(rabs23, k23)) << 2);
    const at = OUT + <usize>i * width;
    if (mode == F32) {
      const f = i8x16.shuffle(f32x4.demote_f64x2_zero(v01), f32x4.demote_f64x2_zero(v23), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
      v128.store32_lane(at, f, 0);
      v128.store32_lane(at + stride, f, 1);
      v128.store32_lane(at + 2 * stride, f, 2);
      v128.store32_lane(at + 3 * stride, f, 3);
    } else if (mode == F64) {
      v128.store64_lane(at, v01, 0);
      v128.store64_lane(at + stride, v01, 1);
      v128.store64_lane(at + 2 * stride, v23, 0);
      v128.store64_lane(at + 3 * stride, v23, 1);
    } else {
      // The high and low words of the four doubles, then roundRun's integer rounding on all four.
      const hw = i8x16.shuffle(v01, v23, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
      const lw = i8x16.shuffle(v01, v23, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
      const sticky = i32x4.shr_u(v128.or(lw, i32x4.sub(ZERO, lw)), 31);
      const x = v128.or(v128.and(hw, v128.load(K_ABS)), sticky);
      const rounded = i32x4.sub(i32x4.shr_u(i32x4.add(i32x4.add(x, HALF), v128.and(i32x4.shr_u(x, drop), v128.load(K_ONE))), drop), REBIAS);
      const h = v128.or(v128.and(i32x4.shr_u(hw, 16), v128.load(K_SIGN16)), rounded);
      v128.store16_lane(at, h, 0);
      v128.store16_lane(at + stride, h, 2);
      v128.store16_lane(at + 2 * stride, h, 4);
      v128.store16_lane(at + 3 * stride, h, 6);
      // Lanes drawn on the fast path whose value is outside the normal range: rounded exactly by
      // round.ts (rejected lanes are finished below, and stored then).
      const odd = ~i32x4.bitmask(i32x4.le_u(i32x4.sub(v128.and(i32x4.shr_u(hw, 20), v128.load(K_EXPMASK)), EMIN), SPAN)) & accepted;
      if (odd != 0) {
        for (let l = 0; l < 4; l++) {
          if (((odd >> l) & 1) == 0) continue;
          const v = l == 0 ? f64x2.extract_lane(v01, 0) : l == 1 ? f64x2.extract_lane(v01, 1) : l == 2 ? f64x2.extract_lane(v23, 0) : f64x2.extract_lane(v23, 1);
          store<u16>(at + <usize>l * stride, round16(v, mode == BF16));
        }
      }
    }
    if (accepted != 15) {
      v128.store(STATE, a);
      v128.store(STATE + 16, b);
      v128.store(STATE + 32, c);
      v128.store(STATE + 48, d);
      v128.store(SCRATCH, r1);
      v128.store(SCRATCH + 16, a);
      for (let l: usize = 0; l < 4; l++) {
        if ((accepted >> <i32>l) & 1) continue;
        const q1 = load<u32>(SCRATCH + (l << 2));
        const q2 = load<u32>(SCRATCH + 16 + (l << 2));
        const rabs = <f64>(q1 >>> 12) * 4294967296.0 + <f64>q2;
        const v = mean + sd * slowPath(l << 2, q1, rabs, q1 & 0xff);
        if (mode == F32) store<f32>(at + l * stride, <f32>v);
        else if (mode == F64) store<f64>(at + l * stride, v);
        else store<u16>(at + l * stride, round16(v, mode == BF16));
      }
      a = v128.load(STATE);
      b = v128.load(STATE + 16);
      c = v128.load(STATE + 32);
      d = v128.load(STATE + 48);
    }
  }
  v128.store(STATE, a);
  v128.store(STATE + 16, b);
  v128.store(STATE + 32, c);
  v128.store(STATE + 48, d);
}
