/*
 * TF's float32 samplers on Philox output (xla/tsl/lib/random/random_distributions*.h): uniforms from
 * 23-bit mantissas, Box-Muller with glibc's logf and sincosf, and how many Philox words each output
 * group consumes (the CPU kernel's FillPhiloxRandomTask in tensorflow/core/kernels/random_op_cpu.h).
 */
import { logf, sincosf } from './libm32.js';
import type { Philox } from './philox.js';

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Uint32ToFloat: the low 23 bits as the mantissa of a float in [1, 2), minus 1: [0, 1 - 2^-23]. */
export function uint32ToFloat(x: number): number {
  U32[0] = 0x3f800000 | (x & 0x7fffff);
  return F32[0]! - 1;
}

/** 1.0e-7f: BoxMullerFloat keeps log() away from 0. */
const EPSILON = Math.fround(1e-7);
/** 2.0f * M_PI is a double product, so v1 = (float)(2 pi * u) rounds once. */
const TWO_PI = 2 * Math.PI;

const SINCOS = new Float64Array(2);

/** BoxMullerFloat(x0, x1): two float32 normals into out[at], out[at + 1]. */
export function boxMuller(x0: number, x1: number, out: Float32Array, at: number): void {
  let u1 = uint32ToFloat(x0);
  if (u1 < EPSILON) u1 = EPSILON;
  const v1 = Math.fround(TWO_PI * uint32ToFloat(x1));
  const u2 = Math.fround(Math.sqrt(-2 * logf(u1)));
  sincosf(v1, SINCOS);
  out[at] = SINCOS[0]! * u2;
  out[at + 1] = SINCOS[1]! * u2;
}

/** Values per output group: one Philox block of four words. */
export const GROUP = 4;

/** NormalDistribution<PhiloxRandom, float>: group g is two Box-Muller pairs of block g. */
export function normalGroup(gen: Philox, out: Float32Array): void {
  const w = gen.next();
  boxMuller(w[0]!, w[1]!, out, 0);
  boxMuller(w[2]!, w[3]!, out, 2);
}

/** UniformDistribution<PhiloxRandom, float>: group g is block g's four words as [0, 1) floats. */
export function uniformGroup(gen: Philox, out: Float32Array): void {
  const w = gen.next();
  for (let k = 0; k < GROUP; k++) out[k] = uint32ToFloat(w[k]!);
}

/** kGroupSize * kReservedSamplesPerOutput / 4: each truncated group starts 256 blocks after the last. */
export const TRUNCATED_BLOCKS_PER_GROUP = 256;
const PAIR = new Float32Array(2);

/**
 * TruncatedNormalDistribution<SingleSampleAdapter<PhiloxRandom>, float>: Box-Muller pairs from the
 * group's own words, one at a time, keeping |z| < 2 (strict) until four are kept. `gen` must stand at
 * the group's first block (base + 256 g).
 */
export function truncatedGroup(gen: Philox, out: Float32Array): void {
  let words = gen.next();
  let used = 0;
  let kept = 0;
  for (;;) {
    // SingleSampleAdapter hands out the words one by one; a pair never straddles a block (4 is even)
    if (used === GROUP) {
      words = gen.next();
      used = 0;
    }
    boxMuller(words[used]!, words[used + 1]!, PAIR, 0);
    used += 2;
    for (let k = 0; k < 2; k++) {
      if (Math.abs(PAIR[k]!) < 2) {
        out[kept++] = PAIR[k]!;
        if (kept === GROUP) return;
      }
    }
  }
}
