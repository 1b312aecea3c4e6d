// Only seedrandom's Tyche-i module: importing the package index loads all its generators (~4 ms).
import tychei from 'seedrandom/lib/tychei.js';

/**
 * Tyche-i (Neves & Araujo, 2011), the 32-bit generator of seedrandom's `tychei`, with the state
 * held in fields so that the samplers' hot loops can call `next()` without a closure.
 *
 * Seeding is delegated to seedrandom itself (`seedrandom.tychei(seed, { state: true })`) and the
 * seeded state is copied out; a test checks that `next()` then matches seedrandom's `int32()`
 * value for value, so the stream is defined by seedrandom's published algorithm.
 */
export class Tychei {
  a: number;
  b: number;
  c: number;
  d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
  }

  /** Seed from a string through seedrandom's own tychei seeding. */
  static fromString(seed: string): Tychei {
    const s = tychei(seed, { state: true }).state();
    return new Tychei(s.a, s.b, s.c, s.d);
  }

  /** Next 32-bit output as a signed int32 (identical to seedrandom's `int32()`). */
  next(): number {
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    this.b = b = (b << 20) ^ (b >>> 12) ^ c;
    this.c = c = (c - d) | 0;
    this.d = (d << 16) ^ (c >>> 16) ^ a;
    return (this.a = (a - b) | 0);
  }

  /** Uniform double in [0, 1) with 53 random bits (two outputs). */
  nextDouble(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * 1.1102230246251565e-16; // 2^-53
  }
}
