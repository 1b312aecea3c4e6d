/*
 * The article's model through the real bin: `gen --compat keras --seed 42 --format npz` writes, for
 * the built-in MLP, a first Dense kernel equal bit for bit to what tf.keras draws for
 * Dense(128, kernel_initializer=RandomNormal(0.0, 0.05, seed=42)) (test/interop/py/compat_keras.py,
 * one Python process).
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileInto } from '../../src/verify/tensors.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';
import { BIN, PY_DIR, tempDir } from '../interop/support.js';
import { mismatches, readBin } from './cases.js';

/** Each tensor's data bytes as a reader delivers them, by name. */
async function tensorBytes(path: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await readFileInto(path, path, {
    wants: () => true,
    tensor: (h) => {
      const parts: Buffer[] = [];
      return { push: (b) => void parts.push(Buffer.from(b)), end: () => void out.set(h.name, Buffer.concat(parts)) };
    },
    metadata: () => undefined,
  }, 'array');
  return out;
}

describeInterop("gen --compat keras through the bin: the article's model", (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('compat-keras-cli'));
    await writeFile(join(dir, 'cases.json'), JSON.stringify({ cases: [], model: { seed: 42, units: [784, 128, 64, 10] } }));
    await runPythonJson(python, { script: join(PY_DIR, 'compat_keras.py') }, [join(dir, 'cases.json'), dir], { timeoutMs: 300_000 });
  }, 300_000);
  afterAll(() => remove());

  it('the first kernel of gen --compat keras --seed 42 --format npz equals tf.keras Dense with RandomNormal(0.0, 0.05, seed=42)', async () => {
    const r = spawnSync(process.execPath, [BIN, 'gen', '--compat', 'keras', '--seed', '42', '--format', 'npz', '-o', 'mlp.npz'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/compat keras \(Keras 3/);
    const tensors = await tensorBytes(join(dir, 'mlp.npz'));
    const mine = tensors.get('dense/kernel')!;
    const theirs = await readBin(dir, 'model_kernel_0');
    expect([mine.length, theirs.length]).toEqual([784 * 128 * 4, 784 * 128 * 4]);
    expect(mismatches(mine, theirs, 4)).toEqual({ count: 0, first: -1 });
  });
});
