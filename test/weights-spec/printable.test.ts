import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensorChunks } from '../../src/io/chunks.js';
import { loadSpec } from '../../src/weights-spec/load.js';
import { printableSpec, resolveSpec } from '../../src/weights-spec/parse.js';
import type { WeightsSpec } from '../../src/weights-spec/types.js';
import { REPO_ROOT } from '../helpers/python.js';

/* printableSpec (issue 10, --print-spec): the expanded, resolved spec as JSON that resolves back to itself. */

const print = (spec: WeightsSpec) => JSON.stringify(printableSpec(spec), null, 2);
const dataOf = (spec: WeightsSpec) => spec.tensors.map((t) => Buffer.concat([...tensorChunks(t)]).toString('base64'));

const SPECS: [string, unknown][] = [
  ['a plain spec with a drawn-looking string seed', { seed: 'run-7', dtype: 'float16', tensors: [{ name: 'w', shape: [3, 4], initializer: 'he_normal' }, { name: 'b', shape: [4], initializer: 'zeros', dtype: 'float32' }] }],
  ['rules, defaults, a nested repeat and zero rows', {
    seed: 11,
    description: 'tiny',
    defaults: { initializer: { type: 'truncated_normal', stddev: 0.02 }, dtype: 'bfloat16' },
    rules: [{ match: '**.bias', initializer: 'zeros' }, { match: ['**.g', '**.norm.weight'], initializer: 'ones', seed: 'norms', description: 'norms' }],
    tensors: [
      { name: 'emb.weight', shape: [10, 4], zero_rows: [9, 0] },
      { repeat: 2, as: 'i', tensors: [{ name: 'l.{i}.bias', shape: [4] }, { repeat: 2, as: 'e', tensors: [{ name: 'l.{i}.x.{e}.norm.weight', shape: [4] }] }] },
      { name: 'head', shape: [4, 4], initializer: { type: 'orthogonal', gain: 2 } },
    ],
  }],
  ['torch layers', { layout: 'torch', seed: 5, layers: [{ type: 'linear', in_features: 6, out_features: 3 }, { type: 'linear', out_features: 2, weight_initializer: 'orthogonal' }] }],
];

describe('printableSpec', () => {
  it.each(SPECS)('%s: resolve, print, resolve the print, print again: the same bytes and the same data', (_what, raw) => {
    const spec = resolveSpec(raw);
    const text = print(spec);
    const again = resolveSpec(JSON.parse(text));
    expect(print(again)).toBe(text);
    expect(dataOf(again)).toEqual(dataOf(spec));
  });

  it('shows names, shapes, dtypes, every initializer parameter, zero rows and which rule chose each tensor', () => {
    const p = printableSpec(resolveSpec(SPECS[1]![1])) as { tensors: Record<string, unknown>[]; description: string; layout: string };
    expect(p.description).toBe('tiny');
    expect(p.tensors.map((t) => t.name)).toEqual(['emb.weight', 'l.0.bias', 'l.0.x.0.norm.weight', 'l.0.x.1.norm.weight', 'l.1.bias', 'l.1.x.0.norm.weight', 'l.1.x.1.norm.weight', 'head']);
    expect(p.tensors[0]).toEqual({
      name: 'emb.weight', shape: [10, 4], dtype: 'bfloat16', seed: 11, zero_rows: [0, 9], chosen_by: 'defaults',
      initializer: { type: 'truncated_normal', mean: 0, stddev: 0.02 },
    });
    expect(p.tensors[2]).toMatchObject({ initializer: { type: 'ones' }, seed: 'norms', chosen_by: 'rules[1] ["**.g","**.norm.weight"]' });
    expect(p.tensors[7]!.chosen_by).toBeUndefined();
    expect(p.tensors[7]!.initializer).toMatchObject({ type: 'orthogonal', gain: 2 });
  });

  it('a Llama config through like prints a spec that resolves to the same bytes', async () => {
    const { spec } = await loadSpec({ like: join(REPO_ROOT, 'fixtures', 'like', 'llama-tiny.config.json'), overrides: { seed: 1 } });
    const text = print(spec);
    expect(print(resolveSpec(JSON.parse(text)))).toBe(text);
    const law = (JSON.parse(text) as { tensors: { name: string; chosen_by: string }[] }).tensors.find((t) => t.name === 'model.norm.weight')!;
    expect(law.chosen_by).toBe('rules[0] "**.*norm.weight"');
  });
});
