/* A directory output of a format that splits (safetensors) without --max-shard-size: DIR/model.safetensors, as Hugging Face loads a checkpoint directory. */
import { describe, expect, it } from 'vitest';
import { planOutput } from '../../src/generate/plan.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';

const spec = resolveSpec({ seed: 1, tensors: [{ name: 'a', shape: [4, 4], initializer: 'normal' }, { name: 'b', shape: [4], initializer: 'zeros' }] });

describe('planOutput for a directory of safetensors', () => {
  it('is one part, model.safetensors, holding every tensor, and no index', () => {
    const plan = planOutput(spec, 'ckpt/', 'safetensors');
    expect(plan.layout).toBe('directory');
    expect(plan.split!.parts.map((p) => [p.path, p.tensors.map((t) => t.name)])).toEqual([['model.safetensors', ['a', 'b']]]);
    expect(plan.split!.index?.([])).toBeUndefined();
  });

  it('still shards when --max-shard-size asks for it, and a file path is still one file', () => {
    expect(planOutput(spec, 'ckpt/', 'safetensors', { maxShardSize: 70 }).split!.parts.map((p) => p.path)).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(planOutput(spec, 'w.safetensors', 'safetensors')).toMatchObject({ layout: 'file' });
    expect(planOutput(spec, 'w.safetensors').split).toBeUndefined();
  });
});
