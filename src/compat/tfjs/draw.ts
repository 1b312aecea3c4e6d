/*
 * tfjs-core 4.22's samplers (src/ops/rand_util.ts): MPRandGauss (Marsaglia polar pairs, the second
 * value cached, the whole pair redrawn when the first falls outside mean ± 2 stddev) and
 * UniformRandom, on seedrandom's Alea seeded with String(seed), all in float64 as tfjs computes them.
 */
import alea from 'seedrandom/lib/alea.js';
import type { TensorDrawer } from '../types.js';

/** tf.randomNormal / tf.truncatedNormal values (before the Float32Array store). */
export function polarDrawer(seed: number, mean: number, stdDev: number, truncated: boolean): TensorDrawer {
  const random = alea(seed.toString());
  const upper = mean + stdDev * 2;
  const lower = mean - stdDev * 2;
  const valid = (v: number): boolean => !truncated || (v <= upper && v >= lower);
  let nextVal = NaN;
  const nextValue = (): number => {
    if (!Number.isNaN(nextVal)) {
      const value = nextVal;
      nextVal = NaN;
      return value;
    }
    for (;;) {
      let v1: number, v2: number, s: number;
      do {
        v1 = 2 * random() - 1;
        v2 = 2 * random() - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s === 0);
      const mul = Math.sqrt((-2.0 * Math.log(s)) / s);
      const x = mean + stdDev * v1 * mul;
      const y = mean + stdDev * v2 * mul;
      if (!valid(x)) continue;
      if (valid(y)) nextVal = y;
      return x;
    }
  };
  return {
    fill(out, start, end) {
      for (let i = start; i < end; i++) out[i] = Math.fround(nextValue());
    },
  };
}

/** tf.randomUniform values: min + (max - min) * alea(). */
export function uniformDrawer(seed: number, min: number, max: number): TensorDrawer {
  const random = alea(seed.toString());
  const range = max - min;
  return {
    fill(out, start, end) {
      for (let i = start; i < end; i++) out[i] = Math.fround(min + range * random());
    },
  };
}
