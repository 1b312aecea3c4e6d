import { describe, expect, it } from 'vitest';
import { fillInitializerBlock } from '../../src/init/fill.js';
import { spreadOf } from '../../src/init/table.js';
import { TRUNCATED_STD_2 } from '../../src/init/scaling.js';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { tensorValues } from '../../src/io/chunks.js';
import { truncatedNormalMoments } from '../../src/stats/truncnormal.js';
import { expectFit, normalLaw, tensorOf, truncatedLaw, uniformLaw, valuesOf } from './fit.js';

/* Fixed seeds, n = 200,000 (three blocks and a part): each initializer against its exact law. */
const N = 200_000;

describe('each random initializer draws from its exact distribution', () => {
  it('uniform(-0.05, 0.05) by default, Keras RandomUniform', () => {
    expectFit(valuesOf('uniform', [N], { seed: 1 }), uniformLaw(-0.05, 0.05));
  });

  it('uniform(minval, maxval) with any finite bounds', () => {
    expectFit(valuesOf({ type: 'uniform', minval: -3, maxval: 11 }, [N], { seed: 2 }), uniformLaw(-3, 11));
  });

  it('truncated_normal redraws beyond mean ± 2 stddev, and its stddev is the one before truncation', () => {
    expectFit(valuesOf({ type: 'truncated_normal', mean: 1, stddev: 3 }, [N], { seed: 3 }), truncatedLaw(1, 3, -5, 7));
  });

  it('truncated_normal with absolute bounds a, b keeps the values in [a, b] (torch trunc_normal_)', () => {
    expectFit(valuesOf({ type: 'truncated_normal', mean: 0, stddev: 1, a: -0.5, b: 3 }, [N], { seed: 4 }), truncatedLaw(0, 1, -0.5, 3));
  });

  it('truncated_normal with bounds far on one side (keeping 2% of the mass) still fits', () => {
    expectFit(valuesOf({ type: 'truncated_normal', mean: 0, stddev: 1, a: 2.054, b: 10 }, [50_000], { seed: 5 }), truncatedLaw(0, 1, 2.054, 10));
  });

  for (const [distribution, law] of [
    ['truncated_normal', truncatedLaw(0, Math.sqrt(2 / 400) / TRUNCATED_STD_2, -2 * (Math.sqrt(2 / 400) / TRUNCATED_STD_2), 2 * (Math.sqrt(2 / 400) / TRUNCATED_STD_2))],
    ['untruncated_normal', normalLaw(0, Math.sqrt(2 / 400))],
    ['uniform', uniformLaw(-Math.sqrt(6 / 400), Math.sqrt(6 / 400))],
  ] as const) {
    it(`variance_scaling(scale 2, fan_in, ${distribution}) on (400, 500) has variance 2 / 400`, () => {
      const values = valuesOf({ type: 'variance_scaling', scale: 2, mode: 'fan_in', distribution }, [400, 500], { seed: 6 });
      expectFit(values, law);
    });
  }

  it('the truncated variance_scaling has exactly the variance scale / fan (that is what 0.8796 is for)', () => {
    const { variance } = truncatedNormalMoments(-2, 2);
    expect(Math.sqrt(variance)).toBeCloseTo(TRUNCATED_STD_2, 15);
  });

  it('glorot_uniform on (784, 128) is uniform(±sqrt(6 / 912)); he_normal on (3, 3, 160, 32) is N(0, 2 / 1440) / 0.8796 truncated at 2 sd', () => {
    const limit = Math.sqrt(6 / 912);
    expectFit(valuesOf('glorot_uniform', [784, 128], { seed: 8 }), uniformLaw(-limit, limit));
    const sd = Math.sqrt(2 / 1440) / TRUNCATED_STD_2;
    expectFit(valuesOf('he_normal', [3, 3, 160, 32], { seed: 9 }), truncatedLaw(0, sd, -2 * sd, 2 * sd));
  });

  it('kaiming_normal(relu, fan_out) under the torch layout is N(0, 2 / fan_out), untruncated as in torch', () => {
    const values = valuesOf({ type: 'kaiming_normal', nonlinearity: 'relu', mode: 'fan_out' }, [64, 32, 10, 10], { seed: 10, layout: 'torch' });
    expectFit(values, normalLaw(0, Math.sqrt(2) / Math.sqrt(6400)));
  });

  it('xavier_uniform(gain) under the torch layout is uniform(±gain sqrt(6 / (fan_in + fan_out)))', () => {
    const values = valuesOf({ type: 'xavier_uniform', gain: 2 }, [300, 700], { seed: 11, layout: 'torch' });
    const limit = Math.sqrt(3) * 2 * Math.sqrt(2 / 1000);
    expectFit(values, uniformLaw(-limit, limit));
  });
});

describe('spreads: the stddev or limit each scaled initializer computes', () => {
  it('Keras presets follow VarianceScaling: glorot fan_avg, he scale 2 fan_in, lecun scale 1 fan_in', () => {
    expect(spreadOf(tensorOf('glorot_normal', [784, 128]))).toEqual({ distribution: 'truncated_normal', stddev: Math.sqrt(1 / 456) / 0.87962566103423978 });
    expect(spreadOf(tensorOf('he_uniform', [256, 512]))).toEqual({ distribution: 'uniform', limit: Math.sqrt(3 * (2 / 256)) });
    expect(spreadOf(tensorOf('lecun_normal', [1000, 100]))).toEqual({ distribution: 'truncated_normal', stddev: Math.sqrt(1 / 1000) / 0.87962566103423978 });
  });

  it('a fan of 0 (a zero-size dimension) counts as 1, as in Keras', () => {
    expect(spreadOf(tensorOf('lecun_uniform', [0, 10]))).toEqual({ distribution: 'uniform', limit: Math.sqrt(3) });
  });

  it('fans given in the spec replace the ones from the shape', () => {
    expect(spreadOf(tensorOf({ type: 'he_uniform', fan_in: 6 }, [10, 10]))).toEqual({ distribution: 'uniform', limit: 1 });
  });
});

describe('the stream contract for the new initializers', () => {
  it('normal keeps its values: the first four of dense_1/kernel with seed 42 are unchanged', () => {
    const t = tensorOf({ type: 'normal', mean: 0, stddev: 0.05 }, [784, 128], { seed: 42, name: 'dense_1/kernel' });
    expect(Array.from(tensorValues({ ...t, dtype: 'float32' }, 0, 4), (x) => x.toPrecision(9))).toEqual(['-0.0252309963', '-0.000420707365', '0.0621758141', '-0.0456158407']);
  });

  it('truncated_normal draws from the same normal stream: inside ±2 its values equal normal(mean, stddev)', () => {
    const normal = valuesOf({ type: 'normal', mean: 0, stddev: 1 }, [1000]);
    const truncated = valuesOf({ type: 'truncated_normal', mean: 0, stddev: 1 }, [1000]);
    const firstOut = normal.findIndex((z) => Math.abs(z) > 2);
    expect(firstOut).toBeGreaterThan(0);
    expect(truncated.subarray(0, firstOut)).toEqual(normal.subarray(0, firstOut));
    expect(truncated[firstOut]).toBe(normal[firstOut + 1]);
  });

  it('uniform spends one 53-bit uniform per element, so values are a pure function of the element index within its block', () => {
    const whole = valuesOf('uniform', [BLOCK_SIZE + 10], { seed: 12 });
    const t = tensorOf('uniform', [BLOCK_SIZE + 10], { seed: 12 });
    const second = new Float64Array(10);
    fillInitializerBlock(t, 1, second);
    expect(second).toEqual(whole.subarray(BLOCK_SIZE));
  });

  it('a block of a truncated tensor can be regenerated alone', () => {
    const t = tensorOf('he_normal', [600, 400], { seed: 13 });
    const whole = valuesOf('he_normal', [600, 400], { seed: 13 });
    const block = new Float64Array(BLOCK_SIZE);
    fillInitializerBlock(t, 2, block);
    expect(block).toEqual(whole.subarray(2 * BLOCK_SIZE, 3 * BLOCK_SIZE));
  });

  it('the seed matters and the name matters', () => {
    const a = valuesOf('glorot_uniform', [50, 50], { seed: 1 });
    expect(valuesOf('glorot_uniform', [50, 50], { seed: 2 })).not.toEqual(a);
    expect(valuesOf('glorot_uniform', [50, 50], { seed: 1, name: 'v' })).not.toEqual(a);
    expect(valuesOf('glorot_uniform', [50, 50], { seed: 1 })).toEqual(a);
  });
});

describe('constant initializers', () => {
  it('zeros, ones and constant(value) fill every element', () => {
    expect(Array.from(valuesOf('zeros', [3]))).toEqual([0, 0, 0]);
    expect(Array.from(valuesOf('ones', [2, 2]))).toEqual([1, 1, 1, 1]);
    expect(Array.from(valuesOf({ type: 'constant', value: -2.5 }, [2]))).toEqual([-2.5, -2.5]);
  });

  it('identity(gain) puts gain on the diagonal of a rectangular matrix, across block boundaries', () => {
    expect(Array.from(valuesOf({ type: 'identity', gain: 3 }, [2, 3]))).toEqual([3, 0, 0, 0, 3, 0]);
    const big = valuesOf('identity', [300, 400]);
    let ones = 0;
    big.forEach((v, i) => {
      if (v !== 0) {
        expect(Math.floor(i / 400)).toBe(i % 400);
        ones++;
      }
    });
    expect(ones).toBe(300);
  });
});
