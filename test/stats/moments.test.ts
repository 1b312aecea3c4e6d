import { describe, expect, it } from 'vitest';
import { Moments } from '../../src/stats/moments.js';

// The classic example 2, 4, 4, 4, 5, 5, 7, 9: mean 5; deviations -3 -1 -1 -1 0 0 2 4, so
// M2 = 32, M3 = 42, M4 = 356; variance 32/8 = 4; skewness √8 · 42 / 32^1.5 = 42/64 = 0.65625;
// excess kurtosis 8 · 356 / 32² - 3 = -0.21875.
const DATA = [2, 4, 4, 4, 5, 5, 7, 9];

describe('Moments of a tiny dataset', () => {
  it('has the hand-computed mean, variances, skewness and kurtosis', () => {
    const m = Moments.of(DATA);
    expect(m.count).toBe(8);
    expect(m.mean, 'mean').toBe(5);
    expect(m.variance, 'population variance').toBeCloseTo(4, 14);
    expect(m.sampleVariance, 'sample variance').toBeCloseTo(32 / 7, 14);
    expect(m.std, 'population std').toBeCloseTo(2, 14);
    expect(m.sampleStd, 'sample std').toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(m.skewness, 'skewness').toBeCloseTo(0.65625, 14);
    expect(m.excessKurtosis, 'excess kurtosis').toBeCloseTo(-0.21875, 14);
    expect(m.sumSquaredDeviations).toBeCloseTo(32, 12);
    expect(m.min).toBe(2);
    expect(m.max).toBe(9);
  });

  it('gives the same answer one value at a time', () => {
    const m = new Moments();
    for (const x of DATA) m.pushValue(x);
    expect(m.mean).toBeCloseTo(5, 14);
    expect(m.variance).toBeCloseTo(4, 14);
    expect(m.skewness).toBeCloseTo(0.65625, 14);
    expect(m.excessKurtosis).toBeCloseTo(-0.21875, 14);
    expect([m.min, m.max]).toEqual([2, 9]);
  });
});

describe('merging', () => {
  it('equals a single pass over the concatenation, whatever the split', () => {
    const whole = Moments.of(DATA);
    for (let cut = 0; cut <= DATA.length; cut++) {
      const merged = Moments.of(DATA.slice(0, cut)).merge(Moments.of(DATA.slice(cut)));
      expect(merged.count, `cut ${cut}`).toBe(whole.count);
      expect(merged.mean, `cut ${cut}`).toBeCloseTo(whole.mean, 14);
      expect(merged.variance, `cut ${cut}`).toBeCloseTo(whole.variance, 13);
      expect(merged.skewness, `cut ${cut}`).toBeCloseTo(whole.skewness, 13);
      expect(merged.excessKurtosis, `cut ${cut}`).toBeCloseTo(whole.excessKurtosis, 13);
      expect([merged.min, merged.max], `cut ${cut}`).toEqual([2, 9]);
    }
  });

  it('equals a single pass for uneven batches of a skewed sample', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => Math.exp(Math.sin(i * 12.9898) * 2));
    const whole = Moments.of(xs);
    const parts = new Moments();
    for (let i = 0; i < xs.length; i += 37) parts.merge(Moments.of(xs.slice(i, i + 37)));
    const stepwise = new Moments();
    for (const x of xs) stepwise.pushValue(x);
    for (const m of [parts, stepwise]) {
      expect(m.mean).toBeCloseTo(whole.mean, 13);
      expect(m.variance / whole.variance).toBeCloseTo(1, 13);
      expect(m.skewness / whole.skewness).toBeCloseTo(1, 12);
      expect(m.excessKurtosis / whole.excessKurtosis).toBeCloseTo(1, 12);
    }
  });

  it('leaves a summary unchanged when merging an empty one, and copies into an empty one', () => {
    const m = Moments.of(DATA).merge(new Moments());
    expect(m.variance).toBeCloseTo(4, 14);
    const e = new Moments().merge(Moments.of(DATA));
    expect(e.skewness).toBeCloseTo(0.65625, 14);
    expect(e.clone().excessKurtosis).toBeCloseTo(-0.21875, 14);
  });
});

describe('numerical stability', () => {
  it('keeps the variance of values offset by 1e9 (where naive Σx² loses every digit)', () => {
    const m = Moments.of(DATA.map((x) => x + 1e9));
    expect(m.mean).toBe(1e9 + 5);
    expect(m.variance).toBeCloseTo(4, 6);
    expect(m.skewness).toBeCloseTo(0.65625, 6);
  });
});

describe('edge cases', () => {
  it('reports NaN for an empty summary and for shape statistics of constant data', () => {
    const e = new Moments();
    expect(e.count).toBe(0);
    expect(e.mean).toBeNaN();
    expect(e.min).toBeNaN();
    expect(e.variance).toBeNaN();
    const c = Moments.of([3, 3, 3]);
    expect(c.variance).toBe(0);
    expect(c.skewness).toBeNaN();
    expect(c.excessKurtosis).toBeNaN();
    expect(Moments.of([1]).sampleVariance).toBeNaN();
  });

  it('lets a NaN poison the summary rather than vanish', () => {
    expect(Moments.of([1, NaN, 3]).mean).toBeNaN();
    expect(Moments.of([1, NaN, 3]).max).toBeNaN();
    expect(new Moments().pushValue(NaN).min).toBeNaN();
  });

  it('accepts typed arrays', () => {
    expect(Moments.of(Float32Array.from(DATA)).variance).toBeCloseTo(4, 14);
  });
});

describe('weighted values', () => {
  it('give the moments of the values repeated as many times as their counts', () => {
    // DATA as (value, count) pairs, out of order and with a value of count 0 that must not count.
    const m = Moments.weighted([9, 4, 2, 100, 5, 7], [1, 3, 1, 0, 2, 1]);
    expect(m.count).toBe(8);
    expect(m.mean, 'mean').toBe(5);
    expect(m.sumSquaredDeviations, 'M2').toBe(32);
    expect(m.skewness, 'skewness').toBeCloseTo(0.65625, 14);
    expect(m.excessKurtosis, 'excess kurtosis').toBeCloseTo(-0.21875, 14);
    expect([m.min, m.max]).toEqual([2, 9]);
  });

  it('keep the variance of values offset by 1e9, exactly here', () => {
    const m = Moments.weighted([1e9 + 2, 1e9 + 4, 1e9 + 5, 1e9 + 7, 1e9 + 9], [1, 3, 2, 1, 1]);
    expect(m.mean).toBe(1e9 + 5);
    expect(m.variance).toBe(4);
    expect(m.skewness).toBeCloseTo(0.65625, 14);
  });

  it('count in the billions without losing the mean (each count × value is exact)', () => {
    const c = 2 ** 40;
    const m = Moments.weighted([0.1, 0.3], [c, c]);
    expect(m.count).toBe(2 * c);
    expect(m.mean).toBe((0.1 + 0.3) / 2);
    expect(m.variance).toBeCloseTo(0.01, 15);
  });

  it('summarise nothing as an empty summary, and merge like one', () => {
    const e = Moments.weighted([1, 2], [0, 0]);
    expect(e.count).toBe(0);
    expect(e.mean).toBeNaN();
    expect(Moments.of(DATA).merge(e).variance).toBeCloseTo(4, 14);
    expect(Moments.weighted([], []).min).toBeNaN();
  });

  it('order -0 below +0 (IEEE 754 minimum and maximum), as merging does', () => {
    const m = Moments.weighted([0, -0], [1, 1]);
    expect(Object.is(m.min, -0) && Object.is(m.max, 0)).toBe(true);
    const merged = Moments.of([0]).merge(Moments.of([-0]));
    expect(Object.is(merged.min, -0) && Object.is(merged.max, 0)).toBe(true);
  });
});
