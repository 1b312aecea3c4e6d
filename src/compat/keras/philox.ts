/*
 * Philox4x32-10 as TF's CPU kernels run it (xla/tsl/lib/random/philox_random.h), and the key and
 * counter TF derives from a stateless seed pair (GenerateKey in stateless_random_ops.cc, the same
 * scramble StatelessRandomGetKeyCounter uses for alg auto_select on CPU).
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
/** The fixed key GenerateKey scrambles the seed pair with. */
const SCRAMBLE_KEY = [0x3ec8f720, 0x02461e29] as const;

/** High 32 bits of the 64-bit product of two uint32, from 16-bit halves (every sum stays exact). */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const a1b0 = a1 * b0;
  const cross = ((a0 * b0) >>> 16) + (a1b0 & 0xffff) + a0 * b1;
  return (a1 * b1 + (a1b0 >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/** A Philox4x32-10 generator: a 128-bit counter (4 words, least significant first) and a 64-bit key. */
export class Philox {
  private readonly counter: Uint32Array;
  private readonly key: Uint32Array;
  /** The last block, four uint32. */
  readonly out = new Uint32Array(4);

  constructor(counter: ArrayLike<number>, key: ArrayLike<number>) {
    this.counter = Uint32Array.from(counter);
    this.key = Uint32Array.from(key);
  }

  copy(): Philox {
    return new Philox(this.counter, this.key);
  }

  /** Stand where `base` would after skip(n), without allocating (truncated groups reseek per group). */
  seek(base: Philox, n: number): void {
    this.counter.set(base.counter);
    this.key.set(base.key);
    this.skip(n);
  }

  /** Advance the counter by `n` blocks (a 128-bit add, carrying from word to word). */
  skip(n: number): void {
    let carry = n;
    for (let w = 0; w < 4 && carry > 0; w++) {
      const sum = this.counter[w]! + (carry % 4294967296);
      this.counter[w] = sum >>> 0;
      carry = Math.floor(carry / 4294967296) + (sum >= 4294967296 ? 1 : 0);
    }
  }

  /** The next block of four uint32 in `out`, then the counter steps by one. */
  next(): Uint32Array {
    let c0 = this.counter[0]!;
    let c1 = this.counter[1]!;
    let c2 = this.counter[2]!;
    let c3 = this.counter[3]!;
    let k0 = this.key[0]!;
    let k1 = this.key[1]!;
    for (let round = 0; round < 10; round++) {
      const hi0 = mulhi(M0, c0);
      const lo0 = Math.imul(M0, c0) >>> 0;
      const hi1 = mulhi(M1, c2);
      const lo1 = Math.imul(M1, c2) >>> 0;
      c0 = (hi1 ^ c1 ^ k0) >>> 0;
      c1 = lo1;
      c2 = (hi0 ^ c3 ^ k1) >>> 0;
      c3 = lo0;
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const out = this.out;
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
    this.skip(1);
    return out;
  }
}

/**
 * The generator of TF's stateless ops for the int32 seed pair [seed0, seed1]: the pair (sign-extended
 * to 64 bits) is one Philox block's counter under the fixed key; that block's words 0-1 become the
 * key and words 2-3 the counter's upper half.
 */
export function statelessPhilox(seed0: number, seed1: number): Philox {
  const word = (s: number): [number, number] => [s >>> 0, s < 0 ? 0xffffffff : 0];
  const mix = new Philox([...word(seed0), ...word(seed1)], SCRAMBLE_KEY).next();
  return new Philox([0, 0, mix[2]!, mix[3]!], [mix[0]!, mix[1]!]);
}
