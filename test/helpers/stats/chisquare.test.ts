import { describe, expect, it } from 'vitest';
import { chiSquarePValue, chiSquareStatistic, chiSquareTest } from './chisquare.js';

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

describe('chi-square statistic', () => {
  it('is Σ (O - E)² / E: a fair die rolled 60 times', () => {
    // (5-10)²/10 + (8-10)²/10 + (9-10)²/10 + (8-10)²/10 + (10-10)²/10 + (20-10)²/10 = 13.4
    expect(chiSquareStatistic([5, 8, 9, 8, 10, 20], [10, 10, 10, 10, 10, 10])).toBeCloseTo(13.4, 12);
  });

  it('is 0 when observed equals expected', () => {
    expect(chiSquareStatistic([3, 4.5], [3, 4.5])).toBe(0);
  });

  it('rejects mismatched bins and empty expectations', () => {
    expect(() => chiSquareStatistic([1, 2], [1])).toThrow(/observed has 2 bins but expected has 1/);
    expect(() => chiSquareStatistic([1, 2], [1, 0])).toThrow(/expected count of bin 1 must be > 0, got 0/);
  });
});

describe('chi-square p-value', () => {
  it('gives 0.05 at the critical values of the tables (df 1: 3.8415, df 10: 18.307)', () => {
    expect(relErr(chiSquarePValue(3.841458820694124, 1), 0.05)).toBeLessThan(1e-14);
    expect(relErr(chiSquarePValue(18.307038053275146, 10), 0.05)).toBeLessThan(1e-14);
  });

  it('is exp(-x/2) for 2 degrees of freedom, deep into the tail', () => {
    // exp(-x/2) has condition number x/2, hence the tolerance growing with x
    for (const x of [0.5, 4, 40, 600]) {
      expect(relErr(chiSquarePValue(x, 2), Math.exp(-x / 2)), `x = ${x}`).toBeLessThan(1e-15 * (10 + x));
    }
  });

  it('stays accurate for 1999 degrees of freedom (2000 bins), on both sides of the mean', () => {
    // mpmath 1.3, gammainc(df/2, x/2, inf, regularized=True), 40 digits
    const cases: ReadonlyArray<readonly [number, number]> = [
      [1900, 0.9431468591240247],
      [2100, 0.056857482043121],
      [2400, 1.1727064370086438e-9],
      [3000, 1.797677055931659e-43],
    ];
    for (const [x, want] of cases) expect(relErr(chiSquarePValue(x, 1999), want), `x = ${x}`).toBeLessThan(1e-13);
  });

  it('matches small-df values: df 3 at 5 and df 7 at 0.5', () => {
    expect(relErr(chiSquarePValue(5, 3), 0.17179714429673312)).toBeLessThan(1e-14);
    expect(relErr(chiSquarePValue(0.5, 7), 0.9994464813904249)).toBeLessThan(1e-14);
  });

  it('is 1 for a statistic of 0 and rejects df <= 0', () => {
    expect(chiSquarePValue(0, 5)).toBe(1);
    expect(() => chiSquarePValue(1, 0)).toThrow(/degrees of freedom must be > 0/);
  });
});

describe('chi-square test', () => {
  it('uses bins - 1 degrees of freedom unless told otherwise', () => {
    const r = chiSquareTest([5, 8, 9, 8, 10, 20], [10, 10, 10, 10, 10, 10]);
    expect(r.df).toBe(5);
    expect(r.statistic).toBeCloseTo(13.4, 12);
    expect(r.pValue).toBeCloseTo(chiSquarePValue(13.4, 5), 14);
    expect(chiSquareTest([5, 8], [6, 7], 2).df).toBe(2);
  });
});
