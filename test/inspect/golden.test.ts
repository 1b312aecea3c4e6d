import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspect } from '../../src/inspect/inspect.js';
import { renderReport } from '../../src/inspect/render.js';
import { REPO_ROOT } from '../helpers/python.js';
import { fixture } from './helpers.js';

/*
 * Golden text: the plain report of fixed files, byte for byte (fixed precision keeps it stable).
 * After an intended change of the layout, regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
const GOLDEN = join(REPO_ROOT, 'fixtures', 'inspect', 'golden');
const FILES = ['normal_f32.npy', 'special_f16.npy', 'bigendian_fortran_f8.npy', 'stored.npz', 'model.safetensors', 'tensors.arrow', 'gen_small.tar'];

describe('the text report, against golden files', () => {
  for (const file of FILES) {
    it(`of ${file} is unchanged`, async () => {
      const report = await inspect({ input: fixture(file) });
      const text = renderReport({ ...report, input: file });
      const path = join(GOLDEN, `${file}.txt`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
        if (process.env.CI !== undefined && process.env.CI !== '' && !existsSync(path)) throw new Error(`missing golden ${path}`);
        writeFileSync(path, text);
      }
      expect(text).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('with --bins 5 on a float16 tensor with NaN and infinities', async () => {
    const report = await inspect({ input: fixture('special_f16.npy'), bins: 5 });
    const text = renderReport({ ...report, input: 'special_f16.npy' });
    expect(text).toContain('non-finite nan                3   +inf               1   -inf               1');
    expect(text).toMatch(/histogram {2}5 bins on/);
  });
});
