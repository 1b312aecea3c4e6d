import { describe, expect, it } from 'vitest';
import { fillTruncatedNormal } from '../../src/rng/truncated.js';
import { blockGenerator } from '../../src/rng/stream.js';
import { standardNormal } from '../../src/rng/ziggurat.js';

/** The definition in docs/stream.md section 5, one draw at a time. */
function reference(seed: number, n: number, mean: number, sd: number, lo: number, hi: number): { values: Float64Array; next: number } {
  const g = blockGenerator(seed, 't', 0);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = standardNormal(g);
    while (z < lo || z > hi) z = standardNormal(g);
    values[i] = mean + sd * z;
  }
  return { values, next: g.next() };
}

describe('fillTruncatedNormal (batched)', () => {
  for (const [lo, hi] of [[-2, 2], [-0.3, 4], [1.5, 9]] as const) {
    it(`draws exactly what one draw at a time gives, and leaves the generator at the same place (bounds ${lo}, ${hi})`, () => {
      const ref = reference(5, 65536, 0.5, 2, lo, hi);
      const g = blockGenerator(5, 't', 0);
      const out = new Float64Array(65536);
      fillTruncatedNormal(g, out, 0, out.length, 0.5, 2, lo, hi);
      expect(out).toEqual(ref.values);
      expect(g.next()).toBe(ref.next);
    });
  }
});
