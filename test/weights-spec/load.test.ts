import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { loadSpec, type LoadSpecOptions } from '../../src/weights-spec/load.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { REPO_ROOT } from '../helpers/python.js';
import { tempDir } from '../interop/support.js';

/* loadSpec (issue 10): a spec text, a like source, or both, merged, expanded and resolved. */

const FIX = join(REPO_ROOT, 'fixtures', 'like');
const LLAMA = join(FIX, 'llama-tiny.config.json');
const SHAPES = join(FIX, 'shapes.json');

async function loadErr(options: LoadSpecOptions): Promise<InitWeightsError> {
  try {
    await loadSpec(options);
  } catch (e) {
    expect(e).toBeInstanceOf(InitWeightsError);
    expect((e as InitWeightsError).exitCode, (e as Error).message).toBe(2);
    expect((e as Error).message).not.toMatch(/\n/);
    return e as InitWeightsError;
  }
  throw new Error('expected loadSpec to refuse');
}

const byName = <T extends { name: string }>(tensors: readonly T[]) => new Map(tensors.map((t) => [t.name, t]));

describe('loadSpec without like', () => {
  it('reads a spec text as parseSpecText does, rules and repeats included', async () => {
    const text = JSON.stringify({
      seed: 3,
      rules: [{ match: '**.bias', initializer: 'zeros' }],
      defaults: { initializer: 'ones' },
      tensors: [{ repeat: 2, as: 'i', tensors: [{ name: 'l.{i}.weight', shape: [2, 2] }, { name: 'l.{i}.bias', shape: [2] }] }],
    });
    const { spec, like } = await loadSpec({ specText: text, specPath: 'model.json' });
    expect(like).toBeUndefined();
    expect(spec.tensors.map((t) => [t.name, t.initializer.type, t.chosenBy])).toEqual([
      ['l.0.weight', 'ones', 'defaults'], ['l.0.bias', 'zeros', 'rules[0] "**.bias"'],
      ['l.1.weight', 'ones', 'defaults'], ['l.1.bias', 'zeros', 'rules[0] "**.bias"'],
    ]);
    expect(spec.rules).toEqual([{ rule: 'rules[0] "**.bias"', taken: 2 }]);
  });

  it('needs a spec text or a like source', async () => {
    expect((await loadErr({})).detail.field).toBe('specText');
  });
});

describe('loadSpec with like', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  beforeAll(async () => ({ dir, remove } = await tempDir('load')));
  afterAll(() => remove());

  it('a Llama config alone: its tensors, its law as rules with counts, its dtype; --dtype and --seed override', async () => {
    const { spec, like } = await loadSpec({ like: LLAMA, overrides: { seed: 4 } });
    expect(like).toEqual({ kind: 'hf-config', path: LLAMA });
    expect(spec.dtype).toBe('bfloat16');
    expect(spec.seed).toBe(4);
    expect(spec.tensors).toHaveLength(21);
    expect(spec.rules!.map((r) => r.taken)).toEqual([5, 0, 16]);
    expect(spec.rules![0]!.description).toBe('LlamaRMSNorm weights: ones');
    expect(spec.description).toMatch(/LlamaForCausalLM \(model_type llama\)/);
    const f16 = await loadSpec({ like: LLAMA, overrides: { seed: 4, dtype: 'float16' } });
    expect(new Set(f16.spec.tensors.map((t) => t.dtype))).toEqual(new Set(['float16']));
  });

  it('the user\'s rules come before the source\'s, and the user\'s explicit tensors win field by field', async () => {
    const text = JSON.stringify({
      seed: 1,
      rules: [{ match: '**.mlp.*.weight', initializer: { type: 'normal', stddev: 0.01 } }],
      tensors: [{ name: 'lm_head.weight', shape: [100, 64], initializer: 'zeros', dtype: 'float32' }, { name: 'extra.weight', shape: [3], initializer: 'ones' }],
    });
    const { spec } = await loadSpec({ specText: text, like: LLAMA });
    const t = byName(spec.tensors);
    expect(t.get('model.layers.0.mlp.up_proj.weight')!.initializer.params.stddev).toBe(0.01);
    expect(t.get('model.layers.0.mlp.up_proj.weight')!.chosenBy).toBe('rules[0] "**.mlp.*.weight"');
    expect(t.get('model.layers.0.self_attn.q_proj.weight')!.initializer.params.stddev).toBe(0.02);
    expect(t.get('lm_head.weight')).toMatchObject({ dtype: 'float32', initializer: { type: 'zeros' } });
    expect(t.get('lm_head.weight')!.chosenBy).toBeUndefined();
    expect(spec.tensors.at(-1)!.name).toBe('extra.weight');
    // 22 tensors: 6 MLP weights, 5 norms, 11 others (extra.weight among them: its own initializer wins, the rule matched it).
    expect(spec.rules!.map((r) => r.taken)).toEqual([6, 5, 0, 11]);
  });

  it('an initializer given with the request replaces the source\'s law for what the user\'s rules leave', async () => {
    const { spec } = await loadSpec({ like: SHAPES, initializer: { type: 'uniform', minval: -1, maxval: 1 }, overrides: { seed: 1 } });
    expect(new Set(spec.tensors.map((t) => t.initializer.type))).toEqual(new Set(['uniform']));
    expect(spec.rules![0]).toMatchObject({ description: 'the initializer given with the request', taken: 5 });
  });

  it('a transformers config is in torch layout, so an --init reads fans as (out, in); the user\'s layout wins', async () => {
    const initializer = { type: 'kaiming_normal' };
    const fans = async (options: LoadSpecOptions) => {
      const { spec } = await loadSpec({ like: LLAMA, initializer, ...options });
      const t = spec.tensors.find((x) => x.name.endsWith('mlp.gate_proj.weight'))!;
      return [spec.layout, t.shape, t.initializer.params.fan_in, t.initializer.params.fan_out];
    };
    const [layout, shape, fanIn, fanOut] = await fans({});
    expect(layout).toBe('torch');
    const [out, inp] = shape as number[];
    expect(out).not.toBe(inp); // intermediate x hidden: the two readings differ
    expect([fanIn, fanOut]).toEqual([inp, out]);
    expect(await fans({ overrides: { layout: 'keras' } })).toEqual(['keras', shape, out, inp]);
    expect(await fans({ specText: JSON.stringify({ layout: 'keras' }) })).toEqual(['keras', shape, out, inp]);
    // A {name: shape} dump says nothing of its framework: the default (keras) holds.
    expect((await loadSpec({ like: SHAPES, initializer, overrides: { seed: 1 } })).spec.layout).toBe('keras');
  });

  it('GPT-2 keeps the default layout: its Conv1D weights are (in, out), so c_fc gets fan_in = n_embd', async () => {
    const dir = await tempDir('iw-gpt2-');
    try {
      const config = join(dir.dir, 'config.json');
      await writeFile(config, JSON.stringify({ model_type: 'gpt2', n_embd: 8, n_layer: 1, n_head: 2, n_positions: 4, vocab_size: 10 }));
      const { spec } = await loadSpec({ like: config, initializer: { type: 'kaiming_normal' }, overrides: { seed: 1 } });
      const fc = spec.tensors.find((t) => t.name.endsWith('mlp.c_fc.weight'))!;
      expect([spec.layout, fc.shape, fc.initializer.params.fan_in]).toEqual(['keras', [8, 32], 8]);
    } finally {
      await dir.remove();
    }
  });

  it("a user's spec with layers keeps the default layout its layers were written for", async () => {
    const specText = JSON.stringify({ layers: [{ type: 'dense', name: 'head', input_dim: 6, units: 3 }] });
    const { spec } = await loadSpec({ like: LLAMA, specText, specPath: 'model.json', overrides: { seed: 1 } });
    expect(spec.layout).toBe('keras');
    expect(spec.tensors.filter((t) => t.name.startsWith('head')).map((t) => [t.name, t.shape])).toEqual([['head/kernel', [6, 3]], ['head/bias', [3]]]);
  });

  it('source dtypes hold unless the user gives a file dtype or a rule with a dtype', async () => {
    const dtypes = async (user: Record<string, unknown>) =>
      (await loadSpec({ specText: JSON.stringify({ seed: 1, ...user }), like: SHAPES })).spec.tensors.map((t) => t.dtype);
    expect(await dtypes({})).toEqual(['float32', 'float32', 'float16', 'float32', 'float32']);
    expect(await dtypes({ dtype: 'bfloat16' })).toEqual(Array(5).fill('bfloat16'));
    expect(await dtypes({ defaults: { dtype: 'float64' } })).toEqual(Array(5).fill('float64'));
    // A rule decides as a whole (docs/models.md), so one that sets a dtype gives the initializer too.
    expect(await dtypes({ rules: [{ match: '1.*', dtype: 'float64', initializer: 'ones' }] })).toEqual(['float32', 'float32', 'float64', 'float32', 'float32']);
  });

  it('a spec field "like" is relative to the spec file; the like option wins over it', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, vocab_size: 10, max_position_embeddings: 4 }));
    const specPath = join(dir, 'spec.json');
    const { spec, like } = await loadSpec({ specText: JSON.stringify({ seed: 2, like: 'sub' }), specPath });
    expect(like!.path).toBe(join(dir, 'sub', 'config.json'));
    expect(byName(spec.tensors).get('embeddings.word_embeddings.weight')!.zeroRows).toEqual([0]);
    const other = await loadSpec({ specText: JSON.stringify({ seed: 2, like: 'sub' }), specPath, like: relative(process.cwd(), SHAPES) });
    expect(other.like!.kind).toBe('shape-dump');
  });

  it('the padding row can be given back by the user\'s tensor entry', async () => {
    await writeFile(join(dir, 'bert.json'), JSON.stringify({ model_type: 'bert', hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, vocab_size: 10, max_position_embeddings: 4, pad_token_id: 3 }));
    const rows = async (user: Record<string, unknown>) =>
      byName((await loadSpec({ specText: JSON.stringify({ seed: 1, ...user }), like: join(dir, 'bert.json') })).spec.tensors).get('embeddings.word_embeddings.weight')!.zeroRows;
    expect(await rows({})).toEqual([3]);
    expect(await rows({ tensors: [{ name: 'embeddings.word_embeddings.weight', zero_rows: [] }] })).toBeUndefined();
  });

  describe('bad input: one line, exit 2', () => {
    it.each([
      ['a like path that is not a model description', { like: SHAPES.replace('shapes.json', 'README.md') }, 'like', /must be a Hugging Face config\.json/],
      ['an unknown model_type, listing the known ones', { like: 't5.json' }, 'like', /model_type must be one of llama, mistral, qwen2, gpt2, bert, got "t5"/],
      ['a config missing a field the table needs', { like: 'nohidden.json' }, 'like', /"hidden_size" is required for model_type llama/],
      ['a malformed glob', { like: LLAMA, specText: '{"rules": [{"match": "**.{bias", "initializer": "zeros"}]}' }, 'rules[0].match', /is not a valid glob/],
      ['a repeat count that is not a positive integer', { like: LLAMA, specText: '{"tensors": [{"repeat": -2, "as": "i", "tensors": [{"name": "x.{i}", "shape": [1]}]}]}' }, 'tensors[0].repeat', /must be a positive integer/],
      ['a name template without its variable', { like: LLAMA, specText: '{"tensors": [{"repeat": 2, "as": "i", "tensors": [{"name": "x", "shape": [1]}]}]}' }, 'tensors[0](i=0).tensors[0].name', /must contain \{i\}/],
      ['a like field that is not a path', { specText: '{"like": 3}' }, 'like', /must be a path/],
      ['an initializer without a like source', { specText: '{"tensors": []}', initializer: 'zeros' }, 'initializer', /applies with a like source/],
    ])('%s', async (_what, options, field, message) => {
      await writeFile(join(dir, 't5.json'), JSON.stringify({ model_type: 't5', d_model: 8 }));
      await writeFile(join(dir, 'nohidden.json'), JSON.stringify({ model_type: 'llama', num_hidden_layers: 1 }));
      const o = options as LoadSpecOptions;
      const like = o.like !== undefined && !o.like.includes('/') ? join(dir, o.like) : o.like;
      const e = await loadErr({ ...o, ...(like !== undefined ? { like } : {}) });
      expect(e.detail.field).toBe(field);
      expect(e.message).toMatch(message);
    });

    it('resolveSpec refuses a like field (it reads no files) and names loadSpec', () => {
      expect(() => resolveSpec({ like: 'x', tensors: [] })).toThrow(/spec like: is read by loadSpec/);
    });
  });
});
