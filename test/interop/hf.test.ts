/*
 * `like` against transformers (issue 10): tiny configs of llama, mistral, qwen2, gpt2 and bert,
 * saved config-only by transformers; the spec built from each config by loadSpec (like, seed),
 * written by generate() as DIR/model.safetensors, then loaded with from_pretrained: no missing,
 * unexpected or mismatched keys, each tensor fits its _init_weights law, and the padding rows
 * transformers zeroes are exactly zero. And the header reader on checkpoints transformers saved
 * (one file and sharded) gives its names, shapes, dtypes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.js';
import { likeSource } from '../../src/weights-spec/like/like.js';
import { loadSpec } from '../../src/weights-spec/load.js';
import { runPythonJson } from '../helpers/python.js';
import { describeFormatInterop } from './formats-python.js';
import { PY_DIR, tempDir } from './support.js';

const SCRIPT = { script: join(PY_DIR, 'hf_models.py') };
const MODEL_TYPES = ['llama', 'mistral', 'qwen2', 'gpt2', 'bert'] as const;

interface TensorReport { kind: 'zeros' | 'ones' | 'normal'; law: number; n: number; mean: number; std: number; min: number; max: number; dtype: string }
interface LoadReport {
  missing: string[]; unexpected: string[]; mismatched: string[][]; errors: string[]; newly_initialized: string[]; tie_as_config: boolean;
  tensors: Record<string, TensorReport>; padding: Record<string, { row: number; max_abs: number }>;
}
interface Made { transformers: string; saved: Record<string, Record<string, [number[], string]>> }

const ST_DTYPE: Record<string, string> = { BF16: 'bfloat16', F16: 'float16', F32: 'float32', F64: 'float64' };

describeFormatInterop('like: Hugging Face configs and checkpoints, loaded by transformers', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  let made: Made;
  let loads: Record<string, LoadReport> = {};
  const zeroRows: Record<string, { tensor: string; row: number }[]> = {};
  const specRows: Record<string, Record<string, readonly number[]>> = {};

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('hf'));
    // transformers is not in every interop env yet: a missing import fails here, loudly.
    made = await runPythonJson<Made>(python, SCRIPT, ['make', dir], { timeoutMs: 200_000 });
    for (const mt of MODEL_TYPES) {
      const like = await likeSource(join(dir, mt, 'config.json'));
      zeroRows[mt] = [...like.zeroRows];
      const { spec } = await loadSpec({ like: join(dir, mt, 'config.json'), overrides: { seed: 1 } });
      specRows[mt] = Object.fromEntries(spec.tensors.flatMap((t) => (t.zeroRows ? [[t.name, t.zeroRows]] : [])));
      // Two threads: the zeroed rows must agree whichever worker draws their blocks.
      await generate({ spec, output: join(dir, mt, 'model.safetensors'), threads: 2 });
    }
    loads = await runPythonJson<Record<string, LoadReport>>(python, SCRIPT, ['check', ...MODEL_TYPES.map((mt) => join(dir, mt))], { timeoutMs: 200_000 });
  }, 400_000);
  afterAll(() => remove());

  it.each(MODEL_TYPES)('a %s checkpoint made from its config.json loads with no missing, unexpected or mismatched keys', (mt) => {
    const r = loads[join(dir, mt)]!;
    expect(r.missing, 'missing keys').toEqual([]);
    expect(r.unexpected, 'unexpected keys').toEqual([]);
    expect(r.mismatched, 'mismatched keys').toEqual([]);
    expect(r.errors, 'load errors').toEqual([]);
    expect(r.newly_initialized, '"newly initialized" warnings').toEqual([]);
    expect(r.tie_as_config, 'the output embedding is tied exactly when the config ties it').toBe(true);
  });

  it.each(MODEL_TYPES)('every %s tensor fits its _init_weights law (std within 6 standard errors of n)', (mt) => {
    const r = loads[join(dir, mt)]!;
    expect(Object.keys(r.tensors).length).toBeGreaterThan(10);
    for (const [name, t] of Object.entries(r.tensors)) {
      expect(t.dtype, name).toBe('torch.float32');
      if (t.kind !== 'normal') {
        expect([t.min, t.max], `${name} is all ${t.kind}`).toEqual([t.law, t.law]);
        continue;
      }
      // The sample std of n normals has standard error sigma / sqrt(2n); the mean sigma / sqrt(n).
      // n excludes a padding row (checked exactly below).
      expect(Math.abs(t.std / t.law - 1), `${name} std ${t.std} vs ${t.law} (n ${t.n})`).toBeLessThan(6 / Math.sqrt(2 * t.n));
      expect(Math.abs(t.mean), `${name} mean`).toBeLessThan((6 * t.law) / Math.sqrt(t.n));
    }
  });

  it('GPT-2 residual projections use initializer_range / sqrt(2 * n_layer)', () => {
    const r = loads[join(dir, 'gpt2')]!;
    expect(r.tensors['transformer.h.1.mlp.c_proj.weight']!.law).toBeCloseTo(0.02 / Math.sqrt(4), 12);
    expect(r.tensors['transformer.h.1.mlp.c_fc.weight']!.law).toBe(0.02);
  });

  it('BERT reports its padding row (pad_token_id 0) for the word embeddings', () => {
    expect(zeroRows.bert).toEqual([{ tensor: 'bert.embeddings.word_embeddings.weight', row: 0 }]);
    expect(zeroRows.llama).toEqual([]);
  });

  it.each(MODEL_TYPES)('%s: the padding rows transformers zeroes are the spec\'s zero_rows, and exactly zero as loaded', (mt) => {
    const r = loads[join(dir, mt)]!;
    const rows = Object.fromEntries(Object.entries(r.padding).map(([name, p]) => [name, [p.row]]));
    expect(specRows[mt], 'zero_rows in the resolved spec').toEqual(rows);
    for (const [name, p] of Object.entries(r.padding)) expect(p.max_abs, `${name} row ${p.row}`).toBe(0);
    if (mt === 'bert') expect(Object.keys(r.padding)).toEqual(['bert.embeddings.word_embeddings.weight']);
  });

  it.each(['saved-single', 'saved-sharded'])('like on a checkpoint transformers saved (%s) gives its names, shapes and dtypes', async (name) => {
    const saved = made.saved[join(dir, name)]!;
    const like = await likeSource(join(dir, name));
    expect(like.kind).toBe(name === 'saved-single' ? 'safetensors' : 'safetensors-index');
    const got = Object.fromEntries(like.spec.tensors.map((t) => [t.name, [t.shape, t.dtype]]));
    const want = Object.fromEntries(Object.entries(saved).map(([k, [shape, dt]]) => [k, [shape, ST_DTYPE[dt]]]));
    expect(got).toEqual(want);
    expect(like.spec.tensors.length).toBe(Object.keys(saved).length);
  });
});
