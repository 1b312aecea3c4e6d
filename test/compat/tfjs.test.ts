/*
 * `tfjs` compat mode against @tensorflow/tfjs-layers 4.22 itself, in this process: every value
 * bit-identical, every supported initializer, sizes below and above 16, > 10^6 values in all.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { compatError, compatValues } from '../../src/compat/stream.js';
import type { CompatTensor } from '../../src/compat/types.js';
import { tensor } from './cases.js';

type Case = readonly [CompatTensor, () => { apply(shape: number[], dtype?: 'float32'): tf.Tensor }];

const CASES: readonly Case[] = [
  [tensor('normal', 'normal', { mean: 0, stddev: 1 }, [1024, 560], 'float32', 42), () => tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: 42 })],
  [tensor('normal_small', 'normal', { mean: 0.1, stddev: 0.05 }, [15], 'float32', -3), () => tfl.initializers.randomNormal({ mean: 0.1, stddev: 0.05, seed: -3 })],
  [tensor('trunc', 'truncated_normal', { mean: 0.5, stddev: 0.5 }, [200_001], 'float32', 7), () => tfl.initializers.truncatedNormal({ mean: 0.5, stddev: 0.5, seed: 7 })],
  [tensor('trunc_17', 'truncated_normal', { mean: 0, stddev: 2 }, [17], 'float32', 2 ** 40), () => tfl.initializers.truncatedNormal({ mean: 0, stddev: 2, seed: 2 ** 40 })],
  [tensor('uniform', 'uniform', { minval: -0.3, maxval: 0.7 }, [100_003], 'float32', 3), () => tfl.initializers.randomUniform({ minval: -0.3, maxval: 0.7, seed: 3 })],
  [tensor('uniform_seed0', 'uniform', { minval: -1, maxval: 1 }, [33], 'float32', 0), () => tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 0 })],
  [tensor('glorot_normal', 'glorot_normal', {}, [784, 128], 'float32', 42), () => tfl.initializers.glorotNormal({ seed: 42 })],
  [tensor('glorot_uniform', 'glorot_uniform', {}, [128, 64], 'float32', 42), () => tfl.initializers.glorotUniform({ seed: 42 })],
  [tensor('he_normal', 'he_normal', {}, [3, 3, 64, 65], 'float32', 5), () => tfl.initializers.heNormal({ seed: 5 })],
  [tensor('he_uniform', 'he_uniform', {}, [1, 9], 'float32', 6), () => tfl.initializers.heUniform({ seed: 6 })],
  [tensor('lecun_normal', 'lecun_normal', {}, [64, 10], 'float32', 8), () => tfl.initializers.leCunNormal({ seed: 8 })],
  [tensor('lecun_uniform', 'lecun_uniform', {}, [10, 10], 'float32', 9), () => tfl.initializers.leCunUniform({ seed: 9 })],
  [tensor('vs_fan_out', 'variance_scaling', { scale: 0.5, mode: 'fan_out', distribution: 'truncated_normal' }, [31, 47], 'float32', 11),
    () => tfl.initializers.varianceScaling({ scale: 0.5, mode: 'fanOut', distribution: 'normal', seed: 11 })],
  [tensor('vs_uniform', 'variance_scaling', { scale: 2, mode: 'fan_avg', distribution: 'uniform' }, [5, 4, 3], 'float32', 12),
    () => tfl.initializers.varianceScaling({ scale: 2, mode: 'fanAvg', distribution: 'uniform', seed: 12 })],
  [tensor('identity', 'identity', { gain: 0.5 }, [4, 4], 'float32', 1), () => tfl.initializers.identity({ gain: 0.5 })],
  [tensor('constant', 'constant', { value: 0.25 }, [3, 5], 'float32', 1), () => tfl.initializers.constant({ value: 0.25 })],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tfjs compat mode, bit for bit against tfjs-layers 4.22', () => {
  it('draws more than 10^6 values in all', () => {
    expect(CASES.reduce((n, [t]) => n + t.shape.reduce((p, d) => p * d, 1), 0)).toBeGreaterThan(1_000_000);
  });

  const ours = (): Float64Array[] => compatValues('tfjs', CASES.map(([t]) => t));
  let values: Float64Array[] | undefined;
  for (const [i, [t, make]] of CASES.entries()) {
    it(`${t.name}: ${t.initializer.type} (${t.shape.join('x')}) seed ${t.seed}`, () => {
      values ??= ours();
      const theirs = tf.tidy(() => make().apply([...t.shape], 'float32').dataSync() as Float32Array);
      const mine = Float32Array.from(values[i]!);
      expect(mine.length).toBe(theirs.length);
      let bad = 0;
      for (let k = 0; k < mine.length; k++) if (!Object.is(mine[k], theirs[k])) bad++;
      expect(bad).toBe(0);
    });
  }

  it('first values of tf.randomNormal(seed 42) are the known ones', () => {
    const [v] = compatValues('tfjs', [tensor('n', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', 42)]);
    expect([...v!]).toEqual([1.9053093194961548, 0.4774465560913086, 0.4454464018344879, -0.38785839080810547]);
  });
});

describe('tfjs compat mode refuses what tfjs would draw differently', () => {
  const refusals: Array<[string, CompatTensor, string, RegExp]> = [
    ['seed 0 for a normal (unseeded in tfjs)', tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', 0), 'tensors[0].seed', /seed 0 as no seed/],
    ['seed 0 for glorot_normal', tensor('k', 'glorot_normal', {}, [4, 4], 'float32', 0), 'tensors[0].seed', /Math\.random/],
    ['stddev 0', tensor('k', 'normal', { mean: 0, stddev: 0 }, [4], 'float32', 1), 'tensors[0].initializer.params.stddev', /0\.05/],
    ['minval 0', tensor('k', 'uniform', { minval: 0, maxval: 1 }, [4], 'float32', 1), 'tensors[0].initializer.params.minval', /-0\.05/],
    ['float64', tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float64', 1), 'tensors[0].dtype', /float32/],
    ['a string seed', tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', 'abc'), 'tensors[0].seed', /integer seed/],
    ['kaiming_uniform', tensor('k', 'kaiming_uniform', { a: 0, mode: 'fan_in', nonlinearity: 'relu' }, [4, 4], 'float32', 1), 'tensors[0].initializer.type', /supports the initializers normal, truncated_normal/],
    ['an untruncated variance_scaling', tensor('k', 'variance_scaling', { scale: 1, mode: 'fan_in', distribution: 'untruncated_normal' }, [4, 4], 'float32', 1), 'tensors[0].initializer.params.distribution', /no untruncated/],
    ['a rectangular identity', tensor('k', 'identity', { gain: 1 }, [4, 5], 'float32', 1), 'tensors[0].shape', /square/],
  ];
  for (const [what, t, field, rule] of refusals) {
    it(`refuses ${what}`, () => {
      const e = compatError('tfjs', [t]);
      expect(e?.detail.field).toBe(field);
      expect(e?.exitCode).toBe(2);
      expect(e?.message).toMatch(rule);
    });
  }

  it('accepts seed 0 for a uniform (tfjs seeds UniformRandom when seed != null)', () => {
    expect(compatError('tfjs', [tensor('k', 'uniform', { minval: -1, maxval: 1 }, [4], 'float32', 0)])).toBeUndefined();
  });
});
