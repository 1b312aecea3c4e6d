/*
 * The compat seam: values do not depend on the chunk size (so memory stays bounded by the chunk),
 * bad tensors are refused before anything is drawn, and torch's shared generator is drawn in order.
 */
import { describe, expect, it } from 'vitest';
import { COMPAT_MODE_NAMES, compatChunks, compatMode, compatValues, isCompatMode } from '../../src/compat/stream.js';
import type { CompatModeName, CompatTensor } from '../../src/compat/types.js';
import { sharedSeedGroups } from '../../src/compat/shared-seeds.js';
import { tensor } from './cases.js';

const SPECS: Record<CompatModeName, CompatTensor[]> = {
  keras: [
    tensor('a', 'truncated_normal', { mean: 0, stddev: 1 }, [1001], 'float32', 3),
    tensor('b', 'normal', { mean: 0, stddev: 1 }, [15], 'float32', 4),
  ],
  numpy: [
    tensor('a', 'truncated_normal', { mean: 0, stddev: 1 }, [1001], 'float64', 3),
    tensor('b', 'glorot_uniform', {}, [33, 7], 'float32', 4),
  ],
  tfjs: [
    tensor('a', 'truncated_normal', { mean: 0, stddev: 1 }, [1001], 'float32', 3),
    tensor('b', 'normal', { mean: 0, stddev: 1 }, [15], 'float32', 4),
  ],
  torch: [
    tensor('a', 'normal', { mean: 0, stddev: 1 }, [1001], 'float32', 3, 'torch'),
    tensor('b', 'normal', { mean: 0, stddev: 1 }, [5], 'float32', 3, 'torch'),
    tensor('c', 'normal', { mean: 0, stddev: 1 }, [47], 'float32', 3, 'torch'),
    tensor('d', 'kaiming_uniform', { a: Math.sqrt(5), mode: 'fan_in', nonlinearity: 'leaky_relu' }, [9, 4], 'float32', 3, 'torch'),
  ],
};

describe('compat streams', () => {
  it('has the four modes', () => {
    expect(COMPAT_MODE_NAMES.sort()).toEqual(['keras', 'numpy', 'tfjs', 'torch']);
    expect(isCompatMode('torch')).toBe(true);
    expect(isCompatMode('jax')).toBe(false);
    expect(isCompatMode('toString')).toBe(false);
  });

  for (const mode of COMPAT_MODE_NAMES) {
    it(`${mode}: the values are the same for chunk sizes 1, 7, 16 and 65536`, () => {
      const whole = compatValues(mode, SPECS[mode]);
      for (const chunk of [1, 7, 16]) {
        const parts = SPECS[mode].map((t) => new Float64Array(t.shape.reduce((p, d) => p * d, 1)));
        for (const c of compatChunks(mode, SPECS[mode], chunk)) {
          expect(c.values.length).toBeLessThanOrEqual(chunk);
          parts[c.tensor]!.set(c.values, c.start);
        }
        expect(parts).toEqual(whole);
      }
    });

    it(`${mode}: names its mode and what it follows`, () => {
      expect(compatMode(mode).name).toBe(mode);
      expect(compatMode(mode).follows.length).toBeGreaterThan(10);
      expect(compatMode(mode).initializers).toContain('normal');
    });
  }

  it('refuses a bad tensor before yielding any chunk', () => {
    const tensors = [tensor('ok', 'normal', { mean: 0, stddev: 1 }, [10], 'float32', 1), tensor('bad', 'orthogonal', { gain: 1 }, [4, 4], 'float32', 1)];
    const chunks = compatChunks('numpy', tensors);
    expect(() => chunks.next()).toThrow(/tensors\[1\]\.initializer\.type: compat mode numpy supports the initializers/);
  });

  it('torch: a later tensor cannot be drawn before an earlier one (one shared generator)', () => {
    const open = compatMode('torch').open(SPECS.torch);
    expect(() => open(1)).toThrow(/in order/);
  });

  it('torch: the small path keeps its cached value across tensors, as torch does', () => {
    const one = (n: number) => tensor('x', 'normal', { mean: 0, stddev: 1 }, [n], 'float32', 42, 'torch');
    const [three] = compatValues('torch', [one(3)]);
    const [first, second] = compatValues('torch', [one(1), one(1)]);
    expect([first![0], second![0]]).toEqual([three![0], three![1]]);
  });
});

describe('shared seeds', () => {
  const n = (name: string, seed: number, shape = [4, 4]) => tensor(name, 'normal', { mean: 0, stddev: 1 }, shape, 'float32', seed);

  it('groups the random tensors that share a seed (their values share a prefix)', () => {
    const tensors = [n('a', 42), n('b', 7), n('c', 42), tensor('bias', 'zeros', {}, [4], 'float32', 42), n('d', 7), n('e', 1), n('empty', 1, [0])];
    expect(sharedSeedGroups('numpy', tensors)).toEqual([['a', 'c'], ['b', 'd']]);
    const [a, c] = compatValues('numpy', [n('a', 42, [8]), n('c', 42, [4])]);
    expect([...c!]).toEqual([...a!.slice(0, 4)]);
  });

  it('has nothing to say for torch, whose one generator moves on', () => {
    expect(sharedSeedGroups('torch', [n('a', 42), n('c', 42)])).toEqual([]);
  });
});
