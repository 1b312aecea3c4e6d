import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { expandSpec } from '../../src/weights-spec/expand/expand.js';
import { likeSource } from '../../src/weights-spec/like/like.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { REPO_ROOT } from '../helpers/python.js';
import { tempDir } from '../interop/support.js';

const FIX = join(REPO_ROOT, 'fixtures', 'like');

async function likeErr(path: string): Promise<InitWeightsError> {
  try {
    await likeSource(path);
  } catch (e) {
    expect(e).toBeInstanceOf(InitWeightsError);
    expect((e as InitWeightsError).exitCode).toBe(2);
    expect((e as InitWeightsError).detail.field).toBe('like');
    expect((e as Error).message).not.toMatch(/\n/);
    return e as InitWeightsError;
  }
  throw new Error(`expected ${path} to be refused`);
}

/** A safetensors file from entries (name, dtype, shape); `extra` bytes change the data length. */
function safetensors(entries: [string, string, number[]][], width = 4, extra = 0, headerLen?: bigint): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let at = 0;
  for (const [name, dtype, shape] of entries) {
    const n = shape.reduce((a, b) => a * b, 1) * (dtype === 'F32' ? width : 2);
    header[name] = { dtype, shape, data_offsets: [at, at + n] };
    at += n;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(headerLen ?? BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(Math.max(0, at + extra))]);
}

describe('like: Hugging Face config.json', () => {
  it('a Llama config gives its state_dict names and shapes, untied lm_head, the config dtype and the law as rules', async () => {
    const like = await likeSource(join(FIX, 'llama-tiny.config.json'));
    expect(like.kind).toBe('hf-config');
    const names = like.spec.tensors.map((t) => t.name);
    expect(names).toHaveLength(1 + 2 * 9 + 1 + 1);
    expect(like.spec.tensors.find((t) => t.name === 'model.layers.1.self_attn.k_proj.weight')!.shape).toEqual([32, 64]);
    expect(names.at(-1)).toBe('lm_head.weight');
    expect(like.spec.dtype).toBe('bfloat16');
    const expanded = expandSpec({ ...like.spec, seed: 5 });
    const spec = resolveSpec(expanded.spec);
    const law = Object.fromEntries(spec.tensors.map((t) => [t.name, t.initializer]));
    expect(law['model.norm.weight']).toEqual({ type: 'ones', params: {} });
    expect(law['lm_head.weight']).toMatchObject({ type: 'normal', params: { mean: 0, stddev: 0.02 } });
    expect(spec.dtype).toBe('bfloat16');
    expect(expanded.ruleCounts).toEqual([5, 0, 16]);
  });

  it('a directory with a config.json and no weights reads the config', async () => {
    const { dir, remove } = await tempDir('like-dir');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_embd: 8, n_layer: 1, n_head: 2, n_positions: 4, vocab_size: 10 }));
    const like = await likeSource(dir);
    expect(like.kind).toBe('hf-config');
    // GPT2Model (no architectures): no prefix, no lm_head; tied by default anyway.
    expect(like.spec.tensors[0]).toEqual({ name: 'wte.weight', shape: [10, 8] });
    expect(like.spec.tensors.some((t) => t.name.startsWith('lm_head'))).toBe(false);
    await remove();
  });

  it('a padding row lands as zero_rows on its embedding, and in the resolved tensor', async () => {
    const { dir, remove } = await tempDir('like-pad');
    const cfg = { model_type: 'llama', hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 10, pad_token_id: 7 };
    await writeFile(join(dir, 'config.json'), JSON.stringify(cfg));
    const like = await likeSource(join(dir, 'config.json'));
    expect(like.zeroRows).toEqual([{ tensor: 'embed_tokens.weight', row: 7 }]);
    expect(like.spec.tensors[0]).toEqual({ name: 'embed_tokens.weight', shape: [10, 8], zero_rows: [7] });
    expect(like.spec.tensors.filter((t) => t.zero_rows !== undefined)).toHaveLength(1);
    expect(resolveSpec(expandSpec({ ...like.spec, seed: 1 }).spec).tensors[0]!.zeroRows).toEqual([7]);
    await remove();
  });

  describe('refuses', () => {
    let dir = '';
    let remove: () => Promise<void> = async () => undefined;
    beforeAll(async () => ({ dir, remove } = await tempDir('like-bad')));
    afterAll(() => remove());
    const cfg = async (name: string, json: unknown) => {
      await writeFile(join(dir, name), typeof json === 'string' ? json : JSON.stringify(json));
      return likeErr(join(dir, name));
    };
    const llama = { model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100 };
    it.each([
      ['an unknown model_type, listing the known ones', { model_type: 't5' }, /model_type must be one of llama, mistral, qwen2, gpt2, bert, got "t5"/],
      ['a config missing a field the table needs', { ...llama, hidden_size: undefined }, /"hidden_size" is required for model_type llama/],
      ['a field of the wrong kind', { ...llama, num_hidden_layers: 2.5 }, /"num_hidden_layers" must be a positive integer/],
      ['an architecture the table does not know', { ...llama, architectures: ['LlamaForSequenceClassification'] }, /architectures\[0\] must be one of LlamaModel, LlamaForCausalLM/],
      ['a pad_token_id past the vocabulary', { ...llama, pad_token_id: 100 }, /pad_token_id.*below vocab_size/],
      ['a dtype init-weights cannot write', { ...llama, dtype: 'int8' }, /"dtype" must be one of/],
      ['JSON that is not a model description', { hello: 'world' }, /has no model_type/],
      ['text that is not JSON', '{"model_type": ', /not valid JSON/],
    ])('%s', async (_what, json, message) => {
      expect((await cfg('c.json', json)).message).toMatch(message);
    });
    it('a missing path', async () => {
      expect((await likeErr(join(dir, 'nope.json'))).message).toMatch(/no such file/);
    });
  });
});

describe('like: shape dumps', () => {
  it('reads both spellings, torch dtype names, and applies the default convention', async () => {
    const like = await likeSource(join(FIX, 'shapes.json'));
    expect(like.kind).toBe('shape-dump');
    expect(like.spec.tensors[2]).toEqual({ name: '1.weight', shape: [16], dtype: 'float16' });
    const spec = resolveSpec(expandSpec({ ...like.spec, seed: 1 }).spec);
    expect(spec.tensors.map((t) => t.initializer.type)).toEqual(['normal', 'zeros', 'normal', 'ones', 'normal']);
  });
});

describe('like: safetensors headers', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  beforeAll(async () => ({ dir, remove } = await tempDir('like-st')));
  afterAll(() => remove());

  it('reads names, shapes and dtypes of one file and of a sharded index', async () => {
    await writeFile(join(dir, 'one.safetensors'), safetensors([['a.weight', 'F32', [3, 2]], ['a.bias', 'BF16', [3]]]));
    const one = await likeSource(join(dir, 'one.safetensors'));
    expect(one.spec.tensors).toEqual([{ name: 'a.weight', shape: [3, 2], dtype: 'float32' }, { name: 'a.bias', shape: [3], dtype: 'bfloat16' }]);
    await mkdir(join(dir, 'sharded'));
    await writeFile(join(dir, 'sharded', 's1.safetensors'), safetensors([['x', 'F32', [2]]]));
    await writeFile(join(dir, 'sharded', 's2.safetensors'), safetensors([['y', 'F16', [4, 4]]]));
    await writeFile(join(dir, 'sharded', 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: { x: 's1.safetensors', y: 's2.safetensors' } }));
    const sharded = await likeSource(join(dir, 'sharded'));
    expect(sharded.kind).toBe('safetensors-index');
    expect(sharded.spec.tensors.map((t) => [t.name, t.dtype])).toEqual([['x', 'float32'], ['y', 'float16']]);
  });

  it.each([
    ['a header length past the file', safetensors([['a', 'F32', [2]]], 4, 0, 1n << 40n), /header length must fit/],
    ['data shorter than the header says', safetensors([['a', 'F32', [100]]], 4, -8), /truncated/],
    ['a header that is not JSON', Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{')]), /bad safetensors header/],
    ['a file shorter than 8 bytes', Buffer.from([1, 2]), /not a safetensors file/],
  ])('refuses %s', async (_what, bytes, message) => {
    await writeFile(join(dir, 'bad.safetensors'), bytes);
    expect((await likeErr(join(dir, 'bad.safetensors'))).message).toMatch(message);
  });

  it('refuses an index whose shard names climb out of its directory or lie about their tensors', async () => {
    const index = join(dir, 'evil.index.json');
    await writeFile(index, JSON.stringify({ weight_map: { x: '../one.safetensors' } }));
    expect((await likeErr(index)).message).toMatch(/shard file names in the same directory/);
    await writeFile(index, JSON.stringify({ weight_map: { zz: 'one.safetensors' } }));
    expect((await likeErr(index)).message).toMatch(/whose header does not have it/);
  });
});
