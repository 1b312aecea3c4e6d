/*
 * numpy's PCG64 (XSL-RR 128/64; numpy/random/src/pcg64/pcg64.h) seeded as np.random.default_rng(seed)
 * seeds it. The 128-bit state is eight 16-bit limbs in doubles: a 16 x 16-bit product and the sums
 * of a column stay far below 2^53, so the schoolbook multiply is exact without BigInt (BigInt was
 * about 20x slower here; see docs/compat/numpy.md).
 */
import { generateState, seedPool, seedWords } from './seed-sequence.js';

/** The LCG multiplier 0x2360ED051FC65DA44385DF649FCCF645 as 16-bit limbs, least significant first. */
const M0 = 0xf645, M1 = 0x9fcc, M2 = 0xdf64, M3 = 0x4385, M4 = 0x5da4, M5 = 0x1fc6, M6 = 0xed05, M7 = 0x2360;
const TWO_POW_M53 = 1 / 9007199254740992;

export class Pcg64 {
  // state and increment as 16-bit limbs, least significant first (fields: faster than an array)
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0; private s4 = 0; private s5 = 0; private s6 = 0; private s7 = 0;
  private i0 = 0; private i1 = 0; private i2 = 0; private i3 = 0; private i4 = 0; private i5 = 0; private i6 = 0; private i7 = 0;
  /** The last 64-bit output: high and low 32-bit halves (unsigned). */
  hi = 0;
  lo = 0;

  /** np.random.default_rng(seed)'s bit generator, for a non-negative safe integer seed. */
  constructor(seed: number) {
    const w = generateState(seedPool(seedWords(seed)), 8);
    // uint64 k = w[2k] | w[2k+1] << 32; initstate = u64[0] << 64 | u64[1]; initseq = u64[2] << 64 | u64[3]
    const initState = limbs(w[1]!, w[0]!, w[3]!, w[2]!);
    const initSeq = limbs(w[5]!, w[4]!, w[7]!, w[6]!);
    // inc = initseq << 1 | 1; state = 0; step; state += initstate; step
    this.setInc(add(shiftLeft1(initSeq), 1));
    this.step();
    this.setState(add(this.state().map((v, k) => v + initState[k]!), 0));
    this.step();
  }

  private state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7];
  }

  private setState(l: readonly number[]): void {
    [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7] = l as [number, number, number, number, number, number, number, number];
  }

  private setInc(l: readonly number[]): void {
    [this.i0, this.i1, this.i2, this.i3, this.i4, this.i5, this.i6, this.i7] = l as [number, number, number, number, number, number, number, number];
  }

  /** state = state * MUL + inc (mod 2^128); a column sum stays below 2^36, so `& 0xffff` and the division are exact. */
  private step(): void {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3, s4 = this.s4, s5 = this.s5, s6 = this.s6, s7 = this.s7;
    let t = s0 * M0 + this.i0;
    let low = t & 0xffff;
    this.s0 = low;
    t = (t - low) / 65536 + s0 * M1 + s1 * M0 + this.i1;
    low = t & 0xffff;
    this.s1 = low;
    t = (t - low) / 65536 + s0 * M2 + s1 * M1 + s2 * M0 + this.i2;
    low = t & 0xffff;
    this.s2 = low;
    t = (t - low) / 65536 + s0 * M3 + s1 * M2 + s2 * M1 + s3 * M0 + this.i3;
    low = t & 0xffff;
    this.s3 = low;
    t = (t - low) / 65536 + s0 * M4 + s1 * M3 + s2 * M2 + s3 * M1 + s4 * M0 + this.i4;
    low = t & 0xffff;
    this.s4 = low;
    t = (t - low) / 65536 + s0 * M5 + s1 * M4 + s2 * M3 + s3 * M2 + s4 * M1 + s5 * M0 + this.i5;
    low = t & 0xffff;
    this.s5 = low;
    t = (t - low) / 65536 + s0 * M6 + s1 * M5 + s2 * M4 + s3 * M3 + s4 * M2 + s5 * M1 + s6 * M0 + this.i6;
    low = t & 0xffff;
    this.s6 = low;
    t = (t - low) / 65536 + s0 * M7 + s1 * M6 + s2 * M5 + s3 * M4 + s4 * M3 + s5 * M2 + s6 * M1 + s7 * M0 + this.i7;
    this.s7 = t & 0xffff;
  }

  /** Step, then output rotr64(hi64 ^ lo64, hi64 >> 58) of the new state into this.hi / this.lo. */
  next64(): void {
    this.step();
    const xh = ((this.s7 << 16) | this.s6) ^ ((this.s3 << 16) | this.s2);
    const xl = ((this.s5 << 16) | this.s4) ^ ((this.s1 << 16) | this.s0);
    const rot = this.s7 >>> 10;
    if (rot === 0) {
      this.hi = xh >>> 0;
      this.lo = xl >>> 0;
    } else if (rot < 32) {
      this.hi = ((xh >>> rot) | (xl << (32 - rot))) >>> 0;
      this.lo = ((xl >>> rot) | (xh << (32 - rot))) >>> 0;
    } else if (rot === 32) {
      this.hi = xl >>> 0;
      this.lo = xh >>> 0;
    } else {
      const r = rot - 32;
      this.hi = ((xl >>> r) | (xh << (32 - r))) >>> 0;
      this.lo = ((xh >>> r) | (xl << (32 - r))) >>> 0;
    }
  }

  /** numpy's next_double: (next64 >> 11) * 2^-53, in [0, 1). */
  nextDouble(): number {
    this.next64();
    return (this.hi * 2097152 + (this.lo >>> 11)) * TWO_POW_M53;
  }
}

/** 16-bit limbs shifted left by one bit (mod 2^128). */
function shiftLeft1(l: readonly number[]): number[] {
  return l.map((v) => v * 2);
}

/** Normalise limbs (each may exceed 16 bits) after adding `carry` at the bottom, mod 2^128. */
function add(l: readonly number[], carry: number): number[] {
  let c = carry;
  return l.map((v) => {
    const t = v + c;
    c = Math.floor(t / 65536);
    return t % 65536;
  });
}

/** A 128-bit number from four uint32 words (most significant first) as 16-bit limbs, least first. */
function limbs(w3: number, w2: number, w1: number, w0: number): number[] {
  const out: number[] = [];
  for (const w of [w0, w1, w2, w3]) out.push(w & 0xffff, w >>> 16);
  return out;
}
