import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initializerValues } from '../../src/init/fill.js';
import { spreadOf } from '../../src/init/table.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { Moments } from '../../src/stats/moments.js';
import { tensorOf } from './fit.js';

/*
 * Parity with Keras and torch, against fixtures/parity/initializers.json (made by hand with
 * fixtures/parity/make_fixture.py; versions inside). Fans and spreads must match exactly: the
 * fixture captured the stddev or limit each framework passed to its own random call. Draws must
 * agree statistically with the framework's own draw: a two-sample test on the mean and on the
 * variance, within 6 standard errors (the variance's SE from the fourth moment of our sample).
 */

interface Case {
  initializer: string;
  params: Record<string, number | string>;
  shape: number[];
  layout: 'keras' | 'torch';
  fans: [number, number] | null;
  spread: { distribution: string; stddev?: number; mean?: number; limit?: number; minval?: number; maxval?: number } | null;
  moments: { n: number; mean: number; variance: number; min: number; max: number };
  orthogonality_error?: number;
  values?: number[];
}
interface Fixture {
  versions: Record<string, string>;
  cases: Case[];
  torch_layers: { type: string; fields: Record<string, number>; weight: { shape: number[]; fans: number[]; spread: { limit: number } }; bias: { shape: number[]; spread: { limit: number } } }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/parity/initializers.json', import.meta.url), 'utf8')) as Fixture;
const label = (c: Case) => `${c.initializer}${JSON.stringify(c.params)} on ${JSON.stringify(c.shape)} (${c.layout === 'keras' ? `keras ${fixture.versions.keras}` : `torch ${fixture.versions.torch}`})`;

describe('parity with the frameworks (fixtures/parity/initializers.json)', () => {
  it('the fixture was made by the frameworks it names', () => {
    expect(fixture.versions).toMatchObject({ keras: expect.any(String), torch: expect.any(String) });
    expect(fixture.cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of fixture.cases) {
    it(`${label(c)}: same fans and spread, exactly`, () => {
      const t = tensorOf({ type: c.initializer, ...c.params }, c.shape, { layout: c.layout });
      if (c.fans !== null && t.initializer.params.fan_in !== undefined) {
        expect([t.initializer.params.fan_in, t.initializer.params.fan_out]).toEqual(c.fans);
      }
      const ours = spreadOf(t);
      if (c.spread !== null && ours !== undefined) {
        expect(ours.distribution).toBe(c.spread.distribution);
        if (ours.distribution === 'uniform') expect(ours.limit).toBe(c.spread.limit);
        else expect(ours.stddev).toBe(c.spread.stddev);
      }
      if (c.spread !== null && c.initializer === 'uniform') {
        expect([t.initializer.params.minval, t.initializer.params.maxval]).toEqual([c.spread.minval, c.spread.maxval]);
      }
    });

    it(`${label(c)}: our draw agrees with the framework's draw`, () => {
      const ours = initializerValues(tensorOf({ type: c.initializer, ...c.params }, c.shape, { layout: c.layout, seed: 99 }));
      if (c.values !== undefined) {
        expect(Array.from(ours)).toEqual(c.values);
        return;
      }
      const m = Moments.of(ours);
      const n1 = m.count;
      const n2 = c.moments.n;
      const mu4 = (m.excessKurtosis + 3) * m.variance ** 2;
      const seMean = Math.sqrt(m.variance / n1 + c.moments.variance / n2);
      const seVar = Math.sqrt((mu4 - m.variance ** 2) * (1 / n1 + 1 / n2));
      expect(Math.abs(m.mean - c.moments.mean), 'mean').toBeLessThanOrEqual(6 * seMean);
      if (c.initializer === 'orthogonal') {
        // Orthogonal entries are not independent, but their sum of squares is exact: rank x gain^2.
        expect(m.variance).toBeCloseTo(c.moments.variance, 3);
        expect(c.orthogonality_error).toBeLessThan(1e-5);
      } else {
        expect(Math.abs(m.variance - c.moments.variance), 'variance').toBeLessThanOrEqual(6 * seVar);
      }
      // Hard bounds of uniform and truncated draws: ours stay inside the framework's spread.
      if (c.spread?.distribution === 'uniform') {
        expect(m.min).toBeGreaterThanOrEqual(c.spread.minval!);
        expect(m.max).toBeLessThan(c.spread.maxval!);
      }
      if (c.spread?.distribution === 'truncated_normal') {
        const mean = c.spread.mean ?? 0;
        expect(Math.max(mean - m.min, m.max - mean)).toBeLessThanOrEqual(2 * c.spread.stddev!);
      }
    });
  }

  for (const l of fixture.torch_layers) {
    it(`torch ${l.type} ${JSON.stringify(l.fields)}: same weight shape, fans and bounds, and the bias bound 1/sqrt(fan_in)`, () => {
      // The fixture names conv fields as Keras does (filters); the torch vocabulary calls it out_channels.
      const { filters, ...rest } = l.fields as Record<string, unknown>;
      const spec = resolveSpec({ seed: 1, layout: 'torch', layers: [{ type: l.type, ...rest, ...(filters === undefined ? {} : { out_channels: filters }) }] });
      const [w, b] = spec.tensors;
      expect(w!.name).toBe('0.weight');
      expect(b!.name).toBe('0.bias');
      expect(w!.shape).toEqual(l.weight.shape);
      expect([w!.initializer.params.fan_in, w!.initializer.params.fan_out]).toEqual(l.weight.fans);
      expect(spreadOf(w!)).toEqual({ distribution: 'uniform', limit: l.weight.spread.limit });
      expect(b!.shape).toEqual(l.bias.shape);
      expect(b!.initializer).toEqual({ type: 'uniform', params: { minval: -l.bias.spread.limit, maxval: l.bias.spread.limit } });
    });
  }
});
