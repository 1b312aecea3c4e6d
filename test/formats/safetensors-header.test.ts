import { describe, expect, it } from 'vitest';
import { encodeSafetensorsHeader, encodeShardIndex, planShards, safetensorsMetadata, shardName } from '../../src/formats/safetensors/header.js';

const entries = [
  { name: 'a', dtype: 'float32', shape: [2, 3] },
  { name: 'b', dtype: 'bfloat16', shape: [5] },
  { name: 'c', dtype: 'float64', shape: [] },
  { name: 'empty', dtype: 'float16', shape: [0, 4] },
] as const;

function parse(h: Buffer): { length: number; json: Record<string, unknown>; text: string } {
  const length = Number(h.readBigUInt64LE(0));
  const text = h.subarray(8).toString('utf8');
  return { length, json: JSON.parse(text) as Record<string, unknown>, text };
}

describe('the safetensors header', () => {
  it('declares its length, pads the JSON with spaces to a multiple of 8, and is followed by the data', () => {
    const h = encodeSafetensorsHeader(entries, { format: 'pt' });
    const { length, text } = parse(h);
    expect(length).toBe(h.length - 8);
    expect(length % 8).toBe(0);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
  });

  it('tiles the data from offset 0 with no holes, in the given order, with safetensors dtype names', () => {
    const { json } = parse(encodeSafetensorsHeader(entries, {}));
    expect(json).toEqual({
      __metadata__: {},
      a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      b: { dtype: 'BF16', shape: [5], data_offsets: [24, 34] },
      c: { dtype: 'F64', shape: [], data_offsets: [34, 42] },
      empty: { dtype: 'F16', shape: [0, 4], data_offsets: [42, 42] },
    });
  });

  it('keeps metadata values as strings (safetensors rejects anything else) and adds format "pt" for transformers', () => {
    expect(safetensorsMetadata({ tool: 'init-weights', seed: 42, spec: { tensors: [] } })).toEqual({ format: 'pt', tool: 'init-weights', seed: '42', spec: '{"tensors":[]}' });
  });

  it('refuses a tensor named __metadata__', () => {
    expect(() => encodeSafetensorsHeader([{ name: '__metadata__', dtype: 'float32', shape: [1] }], {})).toThrow(/__metadata__/);
  });
});

describe('Hugging Face shards', () => {
  it('names shards model-00001-of-00003.safetensors', () => {
    expect([shardName(0, 3), shardName(2, 3)]).toEqual(['model-00001-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
  });

  it('fills shards in order up to the limit, giving an oversized tensor a shard of its own', () => {
    const t = (name: string, n: number) => ({ name, dtype: 'float32' as const, shape: [n] });
    const shards = planShards([t('a', 10), t('b', 10), t('c', 100), t('d', 5), t('e', 20)], 80);
    expect(shards.map((s) => s.map((e) => e.name))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    expect(planShards([], 80)).toEqual([[]]);
  });

  it('the index lists total_size (data bytes) and which shard holds each tensor', () => {
    const t = (name: string, n: number) => ({ name, dtype: 'float32' as const, shape: [n] });
    const index = JSON.parse(encodeShardIndex([[t('a', 10)], [t('b', 3), t('c', 1)]]).toString('utf8')) as unknown;
    expect(index).toEqual({
      metadata: { total_size: 56 },
      weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors', c: 'model-00002-of-00002.safetensors' },
    });
  });
});
