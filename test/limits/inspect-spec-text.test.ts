import { describe, expect, it } from 'vitest';
import { jsonTextMutations } from '../fuzz/mutate.js';
import { findProvenance } from '../../src/inspect/provenance.js';
import { keyOfBits, SketchBuilder } from '../../src/stats/sketch.js';

/*
 * The memory fixes of issue 9 #8 must not change answers: the recorded spec is scanned piece by
 * piece instead of parsed whole, and a sketch keeps a tensor's first few keys without pages.
 */

/** What the whole-parse reading gave: seed, and each named tensor's initializer (last entry wins). */
function byWholeParse(text: string): { seed: unknown; inits: [string, unknown][] } | 'invalid' {
  let v: { seed?: unknown; tensors?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    return 'invalid';
  }
  const inits = new Map<string, unknown>();
  for (const t of Array.isArray(v?.tensors) ? (v.tensors as { name?: unknown; initializer?: unknown }[]) : []) {
    if (typeof t !== 'object' || t === null || typeof t.name !== 'string') continue;
    const i = t.initializer;
    if (typeof i === 'string') inits.set(t.name, { type: i, params: {} });
    else if (typeof i === 'object' && i !== null) {
      const { type, ...rest } = i as Record<string, unknown>;
      if (typeof type !== 'string') continue;
      inits.set(t.name, { type, params: Object.fromEntries(Object.entries(rest).filter(([, x]) => typeof x === 'number' || typeof x === 'string')) });
    }
  }
  return { seed: (v as { seed?: unknown } | null)?.seed, inits: [...inits] };
}

function byScan(text: string): ReturnType<typeof byWholeParse> {
  const p = findProvenance({ tool: 'init-weights', seed: 'outer', spec: text });
  if (p === undefined) throw new Error('tool: init-weights always has provenance');
  const whole = byWholeParse(text);
  if (p.seed === 'outer' && (whole === 'invalid' || whole.seed === undefined || whole.seed === null)) return whole === 'invalid' ? 'invalid' : { seed: whole.seed, inits: whole.inits.map(([n]) => [n, p.initializers.get(n)]) };
  return { seed: p.seed, inits: whole === 'invalid' ? [] : whole.inits.map(([n]) => [n, p.initializers.get(n)]) };
}

describe('a recorded spec scanned piece by piece', () => {
  const base = JSON.stringify({ version: 1, seed: 7, tensors: [{ name: 'w', shape: [2], initializer: { type: 'normal', mean: 0, stddev: 0.1 } }, { name: 'b', initializer: 'zeros' }] });

  it('answers as JSON.parse of the whole text does, for edge cases and 5000 seeded mutations', () => {
    const cases = ['{}', '[]', '5', 'null', ' {"seed" : 2 , "tensors" : [ ] } ', '{"tensors":[{"name":"a","initializer":"zeros"},{"name":"a","initializer":{"type":"normal","mean":0}}]}',
      '{"t\\u0065nsors":[{"name":"b","initializer":"ones"}],"seed":"x"}', '{"tensors":[1,]}', '{"tensors":[1 2]}', '{"a":1,}', '{"a":1}}', '{"a":"}"}', '{"x":1:2}', '{1:2}',
      '{"tensors":[],"tensors":5}', '{"tensors":[{"name":"c\\ud800","initializer":"zeros"}]}', '{"a":{"b":[1,{"c":"]"}]},"tensors":[{"name":"d","initializer":"x"}]}', '\ufeff{}', base];
    cases.push(...jsonTextMutations(base, 5000, 12345));
    for (const text of cases) expect(byScan(text), text).toEqual(byWholeParse(text));
  });
});

describe('a sketch of a few values', () => {
  it('holds each distinct key with its count, in order, below the few-value limit and past it', () => {
    for (const n of [1, 2, 63, 64, 65, 300]) {
      const bits = new Uint32Array(Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.5 : Math.sin(i) * 10 ** (i % 7))).buffer);
      const few = new SketchBuilder();
      few.addBits(bits);
      const a = few.finish();
      const want = new Map<number, number>();
      for (const k of [...bits].map(keyOfBits).sort((p, q) => p - q)) want.set(k, (want.get(k) ?? 0) + 1);
      expect([...a.keys], `n=${n}`).toEqual([...want.keys()]);
      expect([...a.counts], `n=${n}`).toEqual([...want.values()]);
      expect(a.total).toBe(n);
    }
  });
});
