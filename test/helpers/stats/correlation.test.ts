import { describe, expect, it } from 'vitest';
import { Correlation } from './correlation.js';

describe('Pearson correlation', () => {
  it('is 1 for a line, -1 for a falling line', () => {
    expect(new Correlation().pushPairs([1, 2, 3, 4], [3, 5, 7, 9]).r).toBeCloseTo(1, 15);
    expect(new Correlation().pushPairs([1, 2, 3, 4], [9, 7, 5, 3]).r).toBeCloseTo(-1, 15);
  });

  it('matches a hand computation: x = 1 2 3 4 5, y = 2 1 4 3 5 gives r = 8/10', () => {
    // x̄ = 3, ȳ = 3; Σdx·dy = 4 + 0 + 0 + 0 + 4 = 8; Σdx² = Σdy² = 10.
    expect(new Correlation().pushPairs([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).r).toBeCloseTo(0.8, 15);
  });

  it('gives the same r when merged from parts', () => {
    const x = [1, 2, 3, 4, 5];
    const y = [2, 1, 4, 3, 5];
    const merged = new Correlation().pushPairs(x.slice(0, 2), y.slice(0, 2)).merge(new Correlation().pushPairs(x.slice(2), y.slice(2)));
    expect(merged.count).toBe(5);
    expect(merged.r).toBeCloseTo(0.8, 14);
  });

  it('of lag 1 pairs each value with the next one', () => {
    const v = [1, 2, 1, 2, 1, 2];
    expect(new Correlation().pushLagged(v).r).toBeCloseTo(-1, 15);
    expect(new Correlation().pushLagged(v, 2).r).toBeCloseTo(1, 15); // pairs (1, 1), (2, 2), (1, 1), (2, 2)
    expect(new Correlation().pushLagged([7]).count).toBe(0);
  });

  it('is NaN when empty or constant, and rejects unequal lengths and bad lags', () => {
    expect(new Correlation().r).toBeNaN();
    expect(new Correlation().pushPairs([1, 1], [2, 3]).r).toBeNaN();
    expect(() => new Correlation().pushPairs([1], [1, 2])).toThrow(/xs has 1 values but ys has 2/);
    expect(() => new Correlation().pushLagged([1, 2], 0)).toThrow(/lag must be an integer >= 1/);
  });
});
