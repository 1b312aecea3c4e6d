/*
 * numpy's SeedSequence (numpy/random/bit_generator.pyx) for one non-negative integer seed, pool size
 * 4, in 32-bit arithmetic (Math.imul). This is what np.random.default_rng(seed) feeds to PCG64.
 */

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** A non-negative safe integer as numpy's entropy words: uint32, least significant first (0 is [0]). */
export function seedWords(seed: number): number[] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`internal: numpy seed must be a non-negative safe integer, got ${seed}`);
  const words = [seed % 0x1_0000_0000];
  for (let rest = Math.floor(seed / 0x1_0000_0000); rest > 0; rest = Math.floor(rest / 0x1_0000_0000)) words.push(rest % 0x1_0000_0000);
  return words;
}

const xorShift = (v: number): number => (v ^ (v >>> 16)) >>> 0;

/** The mixed entropy pool (SeedSequence.pool) of a seed's words. */
export function seedPool(words: readonly number[]): Uint32Array {
  let hc = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hc) >>> 0;
    hc = Math.imul(hc, MULT_A) >>> 0;
    v = Math.imul(v, hc) >>> 0;
    return xorShift(v);
  };
  const mix = (x: number, y: number): number => xorShift((Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0);
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(words[i] ?? 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
    }
  }
  for (let src = POOL_SIZE; src < words.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst]!, hashmix(words[src]!));
  }
  return pool;
}

/** SeedSequence.generate_state(n, uint32): n words from the pool. */
export function generateState(pool: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(n);
  let hc = INIT_B;
  for (let i = 0; i < n; i++) {
    let v = (pool[i % POOL_SIZE]! ^ hc) >>> 0;
    hc = Math.imul(hc, MULT_B) >>> 0;
    v = Math.imul(v, hc) >>> 0;
    out[i] = xorShift(v);
  }
  return out;
}
