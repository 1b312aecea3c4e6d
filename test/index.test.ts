import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { runCli, tempDir } from './helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('the library', () => {
  it('does the same job as the CLI: same spec and seed, same bytes', async () => {
    const spec = api.resolveSpec({ seed: 42, tensors: [{ name: 'weights', shape: [300, 7], initializer: { type: 'glorot_uniform' } }] });
    const result = await api.generate({ spec, output: tmp.path('lib.npy') });
    await runCli(['gen', '--shape', '300,7', '--init', 'glorot_uniform', '--seed', '42', '-o', tmp.path('cli.npy')]);
    expect(readFileSync(tmp.path('lib.npy'))).toEqual(readFileSync(tmp.path('cli.npy')));
    expect(result).toMatchObject({ format: 'npy', layout: 'file', seed: 42, streamVersion: api.STREAM_VERSION });
  });

  it('exports the pieces a JS user needs by name', () => {
    for (const name of ['generate', 'resolveSpec', 'parseSpecText', 'tensorValues', 'tensorChunks', 'inspect', 'renderReport', 'expandLayers', 'computeFans', 'FORMATS', 'INITIALIZERS', 'InitWeightsError', 'float64ToFloat16Bits']) {
      expect(api).toHaveProperty(name);
    }
  });

  it('throws InitWeightsError with a stable code and exit code for bad specs', () => {
    expect(() => api.resolveSpec({ tensors: [{ name: 'w', shape: [-1], initializer: 'zeros' }] })).toThrow(api.InitWeightsError);
    try {
      api.resolveSpec({ tensors: [] });
    } catch (err) {
      expect((err as api.InitWeightsError).code).toBe('E_SPEC');
      expect((err as api.InitWeightsError).exitCode).toBe(2);
    }
  });
});
