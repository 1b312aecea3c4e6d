import { describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { compileGlob } from '../../src/weights-spec/expand/glob.js';
import { expandSpec } from '../../src/weights-spec/expand/expand.js';
import { MAX_EXPANDED_ITEMS, MAX_REPEAT_DEPTH } from '../../src/weights-spec/expand/repeat.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';

type T = { name: string; shape?: number[]; initializer?: unknown; dtype?: string; seed?: unknown };
const tensorsOf = (raw: unknown) => (expandSpec(raw).spec as { tensors: T[] }).tensors;

function specErr(f: () => unknown): InitWeightsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InitWeightsError);
    expect((e as InitWeightsError).exitCode).toBe(2);
    return e as InitWeightsError;
  }
  throw new Error('expected a spec error');
}

describe('globs over tensor names', () => {
  const m = (g: string, name: string) => compileGlob(g, 'g')(name);
  it('* stays within one part, ** crosses parts (also none)', () => {
    expect(m('model.layers.*.mlp.up_proj.weight', 'model.layers.12.mlp.up_proj.weight')).toBe(true);
    expect(m('model.*.weight', 'model.layers.0.weight')).toBe(false);
    expect(m('**.bias', 'a.b.c.bias')).toBe(true);
    expect(m('**.bias', 'bias')).toBe(true);
    expect(m('**.bias', 'a.b.bias_x')).toBe(false);
  });
  it('"." and "/" both separate parts, so Keras names match too', () => {
    expect(m('*/kernel', 'dense_1/kernel')).toBe(true);
    expect(m('*.kernel', 'dense_1/kernel')).toBe(true);
  });
  it('braces and classes work; a malformed glob is a spec error naming the rule', () => {
    expect(m('**.{q,k}_proj.weight', 'x.k_proj.weight')).toBe(true);
    expect(specErr(() => expandSpec({ tensors: [], rules: [{ match: 'a[', initializer: 'zeros' }] })).detail.field).toBe('rules[0].match');
    expect(specErr(() => expandSpec({ tensors: [], rules: [{ match: ['ok', 'b{'], initializer: 'zeros' }] })).detail.field).toBe('rules[0].match[1]');
  });
});

describe('defaults and rules', () => {
  const base = [
    { name: 'a.weight', shape: [2, 2] },
    { name: 'a.bias', shape: [2] },
    { name: 'b.weight', shape: [2, 2], initializer: 'ones' },
  ];
  it('the first matching rule wins, a tensor\'s own fields win, defaults fill the rest', () => {
    const r = expandSpec({
      tensors: base,
      defaults: { initializer: { type: 'normal', stddev: 0.1 } },
      rules: [{ match: '**.bias', initializer: 'zeros', dtype: 'float16' }, { match: ['**.bias', '**.weight'], initializer: 'ones', optional: true }],
    });
    const t = (r.spec as { tensors: T[] }).tensors;
    expect(t.map((x) => x.initializer)).toEqual(['ones', 'zeros', 'ones']);
    expect(t[1]!.dtype).toBe('float16');
    expect(r.tensors.map((x) => x.chosenBy)).toEqual(['rules[1]', 'rules[0]', 'tensor']);
    expect(r.ruleCounts).toEqual([1, 2]);
    expect(resolveSpec(r.spec).tensors.map((x) => x.initializer.type)).toEqual(['ones', 'zeros', 'ones']);
  });
  it('defaults alone fill every tensor that says nothing; defaults.dtype becomes the file dtype', () => {
    const r = expandSpec({ seed: 3, tensors: base, defaults: { initializer: 'zeros', dtype: 'bfloat16' } });
    const s = resolveSpec(r.spec);
    expect(s.dtype).toBe('bfloat16');
    expect(s.tensors.map((x) => x.initializer.type)).toEqual(['zeros', 'zeros', 'ones']);
    expect(r.tensors.map((x) => x.chosenBy)).toEqual(['defaults', 'defaults', 'tensor']);
  });
  it('a rule that matches nothing is an error unless optional', () => {
    const e = specErr(() => expandSpec({ tensors: base, rules: [{ match: '**.baias', initializer: 'zeros' }] }));
    expect(e.detail.field).toBe('rules[0].match');
    expect(e.message).toMatch(/matches no tensor/);
    expect(() => expandSpec({ tensors: base, rules: [{ match: '**.baias', initializer: 'zeros', optional: true }] })).not.toThrow();
  });
  it('unknown rule fields, a rule that sets nothing, and dtype given twice are errors', () => {
    expect(specErr(() => expandSpec({ tensors: base, rules: [{ match: '*', init: 'zeros' }] })).detail.field).toBe('rules[0].init');
    expect(specErr(() => expandSpec({ tensors: base, rules: [{ match: '**' }] })).detail.field).toBe('rules[0]');
    expect(specErr(() => expandSpec({ tensors: base, dtype: 'float32', defaults: { dtype: 'float16' } })).detail.field).toBe('defaults.dtype');
  });
  it('a spec without the new fields comes back unchanged (old specs keep their meaning)', () => {
    const raw = { seed: 1, tensors: [{ name: 'x{i}', shape: [1], initializer: 'zeros' }] };
    expect(expandSpec(raw).spec).toBe(raw);
  });
});

describe('repeat blocks', () => {
  it('expand {i} in names, in order, nested', () => {
    const t = tensorsOf({
      defaults: { initializer: 'zeros' },
      tensors: [
        { name: 'emb', shape: [4, 2] },
        { repeat: 2, as: 'i', tensors: [{ name: 'l.{i}.w', shape: [2, 2] }, { repeat: 3, as: 'e', tensors: [{ name: 'l.{i}.x.{e}', shape: [1] }] }] },
      ],
    });
    expect(t.map((x) => x.name)).toEqual(['emb', 'l.0.w', 'l.0.x.0', 'l.0.x.1', 'l.0.x.2', 'l.1.w', 'l.1.x.0', 'l.1.x.1', 'l.1.x.2']);
  });
  it('record where each tensor was written', () => {
    const r = expandSpec({ tensors: [{ repeat: 2, as: 'i', tensors: [{ name: 'w{i}', shape: [1], initializer: 'zeros' }] }] });
    expect(r.tensors.map((x) => x.origin)).toEqual(['tensors[0](i=0).tensors[0]', 'tensors[0](i=1).tensors[0]']);
  });
  it('repeat layers, which layer sugar then names', () => {
    const r = expandSpec({ seed: 1, layers: [{ repeat: 3, as: 'k', layers: [{ type: 'dense', units: 4, input_dim: 4, name: 'd{k}' }] }] });
    expect(resolveSpec(r.spec).tensors.map((x) => x.name)).toEqual(['d0/kernel', 'd0/bias', 'd1/kernel', 'd1/bias', 'd2/kernel', 'd2/bias']);
  });
  it.each([
    [{ repeat: 0, as: 'i', tensors: [{ name: '{i}' }] }, 'tensors[0].repeat'],
    [{ repeat: 1.5, as: 'i', tensors: [{ name: '{i}' }] }, 'tensors[0].repeat'],
    [{ repeat: '2', as: 'i', tensors: [{ name: '{i}' }] }, 'tensors[0].repeat'],
    [{ repeat: 2, as: 'not ok', tensors: [{ name: '{i}' }] }, 'tensors[0].as'],
    [{ repeat: 2, as: 'i', tensors: [{ name: 'same' }] }, 'tensors[0](i=0).tensors[0].name'],
    [{ repeat: 2, as: 'i', tensors: [{ name: 'w{j}' }] }, 'tensors[0](i=0).tensors[0].name'],
    [{ repeat: 2, as: 'i', tensors: [] }, 'tensors[0]'],
    [{ repeat: 2, as: 'i', tensors: [{ name: '{i}' }], extra: 1 }, 'tensors[0].extra'],
  ])('refuse a bad block %j at %s', (block, field) => {
    expect(specErr(() => expandSpec({ tensors: [block] })).detail.field).toBe(field);
  });
  it(`bound the expansion at ${MAX_EXPANDED_ITEMS} items before building anything`, () => {
    const e = specErr(() => expandSpec({ tensors: [{ repeat: 1000, as: 'i', tensors: [{ repeat: 1001, as: 'j', tensors: [{ name: '{i}.{j}' }] }] }] }));
    expect(e.message).toMatch(/more than 1000000/);
    expect(specErr(() => expandSpec({ tensors: [{ name: 'a' }], layers: [{ repeat: MAX_EXPANDED_ITEMS, as: 'i', layers: [{ type: 'dense' }] }] })).message).toMatch(/more than/);
    expect(tensorsOf({ tensors: [{ repeat: 100, as: 'i', tensors: [{ repeat: 100, as: 'j', tensors: [{ name: '{i}.{j}' }] }] }] })).toHaveLength(10_000);
  });
  it(`bound nesting at ${MAX_REPEAT_DEPTH} levels`, () => {
    let block: unknown = { name: 'x', shape: [1] };
    for (let d = 0; d < MAX_REPEAT_DEPTH + 1; d++) block = { repeat: 1, as: `v${d}`, tensors: [block] };
    expect(specErr(() => expandSpec({ tensors: [block] })).message).toMatch(/deeper than 8/);
  });
  it('a variable that shadows an enclosing one is refused', () => {
    const e = specErr(() => expandSpec({ tensors: [{ repeat: 2, as: 'i', tensors: [{ repeat: 2, as: 'i', tensors: [{ name: '{i}' }] }] }] }));
    expect(e.detail.field).toBe('tensors[0].tensors[0].as');
  });
});

describe('resolveSpec reads defaults, rules and repeat blocks', () => {
  it('records which rule chose each tensor, and how many tensors each rule took', () => {
    const spec = resolveSpec({
      seed: 1,
      rules: [{ match: '**.bias', initializer: 'zeros', description: 'biases' }, { match: '**.nothing', initializer: 'ones', optional: true }],
      defaults: { initializer: 'ones' },
      tensors: [{ repeat: 3, as: 'i', tensors: [{ name: 'l{i}.weight', shape: [2] }, { name: 'l{i}.bias', shape: [2] }] }, { name: 'own', shape: [1], initializer: 'zeros' }],
    });
    expect(spec.tensors.map((t) => t.chosenBy)).toEqual(['defaults', 'rules[0] "**.bias"', 'defaults', 'rules[0] "**.bias"', 'defaults', 'rules[0] "**.bias"', undefined]);
    expect(spec.rules).toEqual([{ rule: 'rules[0] "**.bias"', description: 'biases', taken: 3 }, { rule: 'rules[1] "**.nothing"', taken: 0 }]);
  });

  it('an error inside a repeat block names the entry as written, with the variable', () => {
    const e = specErr(() => resolveSpec({ seed: 1, defaults: { initializer: 'zeros' }, tensors: [{ repeat: 2, as: 'i', tensors: [{ name: 'w{i}', shape: [-1] }] }] }));
    expect(e.detail.field).toBe('tensors[0](i=0).tensors[0].shape[0]');
    expect(e.message).toMatch(/^spec tensors\[0\]\(i=0\)\.tensors\[0\]\.shape\[0\]: must be a non-negative integer/);
  });

  it('a spec without the new fields resolves as before: no chosenBy, no rules', () => {
    const spec = resolveSpec({ seed: 1, tensors: [{ name: 'w', shape: [2], initializer: 'zeros' }] });
    expect(spec.rules).toBeUndefined();
    expect('chosenBy' in spec.tensors[0]!).toBe(false);
  });
});
