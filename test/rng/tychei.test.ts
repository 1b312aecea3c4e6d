import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Tychei } from '../../src/rng/tychei.js';
import { blockSeedString } from '../../src/rng/stream.js';

describe('Tychei', () => {
  it('produces exactly seedrandom.tychei int32 outputs for the same seed string', () => {
    for (const seed of ['', 'hello', blockSeedString(42, 'dense_1/kernel', 0), blockSeedString('run-7', 'ü/名前', 123456)]) {
      const ours = Tychei.fromString(seed);
      const theirs = seedrandom.tychei(seed);
      for (let i = 0; i < 10_000; i++) expect(ours.next()).toBe(theirs.int32());
    }
  });

  it('gives doubles in [0, 1) with 53 bits', () => {
    const g = Tychei.fromString('doubles');
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = g.nextDouble();
      expect(Number.isInteger(u * 2 ** 53)).toBe(true);
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });
});

describe('block seed strings', () => {
  it('are the JSON text of [version, seed, name, block], so seeds and names cannot run together', () => {
    expect(blockSeedString(42, 'w', 3)).toBe('[1,42,"w",3]');
    expect(blockSeedString('42x', 'w', 0)).toBe('[1,"42x","w",0]');
    expect(blockSeedString('a","b', 'c', 0)).not.toBe(blockSeedString('a', 'b","c', 0));
  });
});
