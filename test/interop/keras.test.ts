/*
 * Keras 3 loads what the keras writer produces: the article's MLP and a small conv net, built in
 * Keras with default layer names, `model.load_weights()` our .weights.h5, and every variable equals
 * the .npz that generate() writes for the same spec and seed, bit for bit. Keras runs on its torch
 * backend (no TensorFlow). In CI the suite fails when keras or h5py is missing; locally it skips loudly.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { WeightsSpec } from '../../src/weights-spec/types.js';
import { describeInterop, inCI, interopPython, runPythonJson } from '../helpers/python.js';
import { readKerasFile, writeKerasFile } from '../formats/keras-harness.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { PY_DIR, tempDir } from './support.js';
import { kerasLayout } from '../../src/formats/keras/layout.js';

const normal = (stddev: number) => ({ type: 'normal', mean: 0, stddev });

/** Layer specs named as Keras 3 names these layers in a fresh session. */
const SPECS: Record<'mlp' | 'conv', unknown[]> = {
  mlp: [
    { type: 'dense', name: 'dense', input_dim: 784, units: 128, kernel_initializer: normal(0.05) },
    { type: 'dense', name: 'dense_1', units: 64, kernel_initializer: normal(0.05) },
    { type: 'dense', name: 'dense_2', units: 10, kernel_initializer: normal(0.05), bias_initializer: normal(1) },
  ],
  conv: [
    { type: 'conv2d', name: 'conv2d', filters: 8, kernel_size: 3, in_channels: 1, bias_initializer: normal(1) },
    // Distinct values in all four BatchNormalization variables, so a wrong order cannot pass.
    {
      type: 'batch_norm', name: 'batch_normalization', gamma_initializer: normal(1), beta_initializer: normal(2),
      moving_mean_initializer: normal(3), moving_variance_initializer: { type: 'uniform', minval: 0.5, maxval: 1.5 },
    },
    { type: 'dense', name: 'dense', input_dim: 26 * 26 * 8, units: 64 },
    { type: 'dense', name: 'dense_1', units: 10 },
  ],
};

interface Report {
  keras: string;
  backend: string;
  warnings: string[];
  npz_keys: string[];
  variables: Record<string, { shape: number[]; dtype: string; bits_equal: boolean }>;
  datasets: Record<string, { chunks: number[] | null; dtype: string }>;
  vars_names: Record<string, string>;
}

function kerasMissing(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import keras, h5py'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, KERAS_BACKEND: 'torch' } });
  return probe.status === 0 ? undefined : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
}

const NAME = 'Keras 3 load_weights() reads the .weights.h5 files init-weights writes';
const found = interopPython();
const missing = found.ok ? kerasMissing(found.python) : undefined;
if (missing !== undefined && !inCI() && (process.env.INIT_WEIGHTS_PYTHON ?? '') === '') {
  console.warn(`\n${'!'.repeat(100)}\n!!! KERAS INTEROP TESTS SKIPPED: ${missing}. Run scripts/python-env.sh (keras, h5py from requirements-interop.txt).\n${'!'.repeat(100)}\n`);
  describe.skip(NAME, () => undefined);
} else {
  describeInterop(NAME, (python) => {
    let dir = '';
    let remove: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      ({ dir, remove } = await tempDir('keras'));
    });
    afterAll(() => remove());

    it('the interop Python has keras and h5py', () => {
      expect(missing, 'run scripts/python-env.sh (requirements-interop.txt lists keras and h5py)').toBeUndefined();
    });

    for (const kind of ['mlp', 'conv'] as const) {
      it(`${kind}: every variable equals the .npz of the same seed, loaded without warnings`, async () => {
        const spec: WeightsSpec = resolveSpec({ seed: 42, dtype: 'float32', layers: SPECS[kind] });
        const h5 = join(dir, `${kind}.weights.h5`);
        const npz = join(dir, `${kind}.npz`);
        await writeKerasFile(spec, h5, 4);
        await generate({ spec, output: npz, threads: 1 });
        const r = await runPythonJson<Report>(python, { script: join(PY_DIR, 'keras_load.py') }, [kind, h5, npz, join(dir, `${kind}-resaved.weights.h5`)], { timeoutMs: 240_000 });
        expect(r.backend).toBe('torch');
        expect(r.warnings).toEqual([]);
        const names = spec.tensors.map((t) => t.name);
        expect(Object.keys(r.variables).sort()).toEqual([...names].sort());
        expect(r.npz_keys.sort()).toEqual([...names].sort());
        for (const [name, v] of Object.entries(r.variables)) expect(v.bits_equal, `${name} ${JSON.stringify(v)}`).toBe(true);
        for (const [path, name] of Object.entries(r.vars_names)) expect(path).toBe(`layers/${name}/vars`);
        if (kind === 'conv') {
          // The 5408x64 float32 kernel (1.4 MB) took the chunked path; Keras read it all the same.
          expect(r.datasets['layers/dense/vars/0']).toEqual({ chunks: [4096, 64], dtype: 'float32' });
          expect(r.datasets['layers/batch_normalization/vars/3']!.chunks).toBeNull();
        }
        // Keras's own save_weights() of what it loaded: our reader finds every value, under its dataset path.
        const resaved = await readKerasFile(join(dir, `${kind}-resaved.weights.h5`));
        expect(resaved.tensors.size).toBe(spec.tensors.length);
        for (const e of kerasLayout(spec.tensors)) {
          const got = resaved.tensors.get(e.path);
          expect(got?.header.shape, e.path).toEqual(e.tensor.shape);
          expect(got!.data.equals(Buffer.concat([...tensorChunks(e.tensor)])), e.path).toBe(true);
        }
      });
    }
  });
}
