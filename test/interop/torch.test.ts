/*
 * The torch vocabulary (issue 11) against torch itself: a module with every torch layer type
 * (test/interop/py/torch_layers.py) loads with load_state_dict(strict=True) from the safetensors
 * that generate() wrote from a spec of those layers; the padding row is zero; and every tensor's
 * spread matches the law its module's reset_parameters draws from (and a fresh torch draw).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runPythonJson } from '../helpers/python.js';
import { describeFormatInterop } from './formats-python.js';
import { PY_DIR, tempDir } from './support.js';

/** The layers of Net in torch_layers.py; widths left out are chained from the layer before. */
const TORCH_NET_SPEC = {
  layout: 'torch',
  seed: 11,
  layers: [
    { type: 'embedding', name: 'emb', num_embeddings: 1000, embedding_dim: 64, padding_idx: 3 },
    { type: 'conv1d', name: 'conv1', out_channels: 128, kernel_size: 3, groups: 4 },
    { type: 'conv2d', name: 'conv2', out_channels: 64, kernel_size: [3, 2] },
    { type: 'conv3d', name: 'conv3', out_channels: 32, kernel_size: 2, bias: false },
    { type: 'batch_norm', name: 'bn' },
    { type: 'linear', name: 'fc', out_features: 256 },
    { type: 'layer_norm', name: 'ln', normalized_shape: [4, 256] },
    { type: 'layer_norm', name: 'ln_nobias', bias: false },
    { type: 'rms_norm', name: 'rms' },
    { type: 'hf_conv1d', name: 'c_attn', out_features: 768 },
    { type: 'linear', name: 'head.0', out_features: 512 },
    { type: 'linear', name: 'head.2', out_features: 10 },
  ],
};

type Law = { kind: 'uniform'; bound: number } | { kind: 'normal'; std: number } | { kind: 'constant'; value: number };
interface Stats { n: number; mean: number; std: number; min: number; max: number }
interface Report {
  torch: string;
  error: string | null;
  state_dict_keys: string[];
  written_order: string[];
  file_dtypes: Record<string, string>;
  tensors: Record<string, Stats & { dtype: string; law: Law; fresh: Stats }>;
  padding_row_max_abs: number;
  other_rows_min_abs_max: number;
  num_batches_tracked: { in_file: boolean; value: number; dtype: string };
}

/**
 * Relative standard error of a sample std of n draws with kurtosis k: sqrt((k - 1) / n) / 2
 * (normal: k = 3, uniform: k = 9/5).
 */
const relSeOfStd = (n: number, kurtosis: number) => Math.sqrt((kurtosis - 1) / n) / 2;

describeFormatInterop('torch layer vocabulary, loaded by torch', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  let r: Report;

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('torch'));
    const path = join(dir, 'net.safetensors');
    await generate({ spec: resolveSpec(TORCH_NET_SPEC), output: path, threads: 1 });
    r = await runPythonJson<Report>(python, { script: join(PY_DIR, 'torch_layers.py') }, [path], { timeoutMs: 200_000 });
  }, 300_000);
  afterAll(() => remove());

  it('load_state_dict(strict=True) accepts the file: no missing or unexpected keys, no shape mismatch', () => {
    expect(r.error).toBeNull();
  });

  it('the file holds the state_dict\'s keys, in the module\'s order', () => {
    expect(r.written_order).toEqual(r.state_dict_keys);
  });

  it('num_batches_tracked is in the file as an int64 0 (not left for torch\'s loader to fill in)', () => {
    expect(r.num_batches_tracked).toEqual({ in_file: true, value: 0, dtype: 'torch.int64' });
    expect(r.file_dtypes['bn.num_batches_tracked'], 'the safetensors dtype').toBe('I64');
  });

  it('the padding_idx row is exactly zero, and no other row is', () => {
    expect(r.padding_row_max_abs).toBe(0);
    expect(r.other_rows_min_abs_max).toBeGreaterThan(0);
  });

  it('every tensor follows its module\'s reset_parameters law (std within 6 standard errors of n, uniform bounds held)', () => {
    expect(Object.keys(r.tensors)).toHaveLength(r.state_dict_keys.length);
    for (const [name, t] of Object.entries(r.tensors)) {
      if (name.endsWith('num_batches_tracked')) continue;
      expect(t.dtype, name).toBe('torch.float32');
      const law = t.law;
      if (law.kind === 'constant') {
        expect([t.min, t.max], `${name} is all ${law.value}`).toEqual([law.value, law.value]);
        continue;
      }
      // emb.weight's zero padding row lowers its std by 1/2000 relative, far inside 6 SE (0.017 at n = 64,000).
      const std = law.kind === 'uniform' ? law.bound / Math.sqrt(3) : law.std;
      const se = relSeOfStd(t.n, law.kind === 'uniform' ? 9 / 5 : 3);
      expect(Math.abs(t.std / std - 1), `${name} std ${t.std} vs law ${std} (n ${t.n})`).toBeLessThan(6 * se);
      expect(Math.abs(t.mean), `${name} mean`).toBeLessThan((6 * std) / Math.sqrt(t.n));
      // Against torch's own fresh draw of the same module: two samples, their SEs combined.
      expect(Math.abs(t.std - t.fresh.std) / std, `${name} vs torch's draw ${t.fresh.std}`).toBeLessThan(6 * Math.SQRT2 * se);
      if (law.kind === 'uniform') {
        // float32 rounding may land a value just below the bound on float32(bound): half an ulp above.
        const edge = law.bound * (1 + 2 ** -24);
        expect(t.min, `${name} min`).toBeGreaterThanOrEqual(-edge);
        expect(t.max, `${name} max`).toBeLessThanOrEqual(edge);
        // n uniform draws leave a gap to the bound of about bound * 2 / n; 20 / n of it has p < e^-10.
        expect(Math.min(t.min + law.bound, law.bound - t.max) / law.bound, `${name} reaches its bounds`).toBeLessThan(20 / t.n);
      }
    }
  });

  it('the uniform bounds are torch\'s: 1/sqrt(fan_in), fan_in = in_channels / groups * prod(kernel)', () => {
    expect(r.tensors['conv1.weight']!.law).toEqual({ kind: 'uniform', bound: expect.closeTo(1 / Math.sqrt((64 / 4) * 3), 12) });
    expect(r.tensors['conv1.bias']!.law).toEqual({ kind: 'uniform', bound: expect.closeTo(1 / Math.sqrt((64 / 4) * 3), 12) });
    expect(r.tensors['conv3.weight']!.law).toEqual({ kind: 'uniform', bound: expect.closeTo(1 / Math.sqrt(64 * 8), 12) });
    expect(r.tensors['c_attn.weight']!.law).toEqual({ kind: 'normal', std: 0.02 });
  });
});
