import { describe, expect, it } from 'vitest';
import { computeFans } from '../../src/init/fans.js';
import { calculateGain } from '../../src/init/gain.js';
import { TRUNCATED_STD_2 } from '../../src/init/scaling.js';
import { truncatedNormalMoments } from '../../src/stats/truncnormal.js';

describe('fans', () => {
  it('a scalar has fans 1 and a vector of n has fans n in both layouts (Keras compute_fans)', () => {
    for (const layout of ['keras', 'torch'] as const) {
      expect(computeFans([], layout)).toEqual({ fanIn: 1, fanOut: 1 });
      expect(computeFans([7], layout)).toEqual({ fanIn: 7, fanOut: 7 });
    }
  });

  it('keras kernels are (..., in, out) with the receptive field in front', () => {
    expect(computeFans([784, 128], 'keras')).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([3, 3, 64, 128], 'keras')).toEqual({ fanIn: 576, fanOut: 1152 });
  });

  it('torch weights are (out, in, *kernel) with the receptive field behind', () => {
    expect(computeFans([128, 784], 'torch')).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([64, 32, 3, 3], 'torch')).toEqual({ fanIn: 288, fanOut: 576 });
  });

  it('a zero dimension gives a zero fan (the formulas take max(1, fan))', () => {
    expect(computeFans([0, 5], 'keras')).toEqual({ fanIn: 0, fanOut: 5 });
  });
});

describe("torch's gain table", () => {
  it('linear, conv and sigmoid 1; tanh 5/3; relu sqrt 2; selu 3/4; leaky_relu sqrt(2 / (1 + a^2))', () => {
    expect(calculateGain('conv2d', 0)).toBe(1);
    expect(calculateGain('sigmoid', 0)).toBe(1);
    expect(calculateGain('tanh', 0)).toBe(5 / 3);
    expect(calculateGain('relu', 0)).toBe(Math.SQRT2);
    expect(calculateGain('selu', 0)).toBe(0.75);
    expect(calculateGain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(calculateGain('leaky_relu', 0)).toBe(Math.SQRT2);
  });
});

describe('0.87962566103423978', () => {
  it('is the standard deviation of N(0, 1) truncated to ±2', () => {
    expect(Math.sqrt(truncatedNormalMoments(-2, 2).variance)).toBeCloseTo(TRUNCATED_STD_2, 14);
  });
});
