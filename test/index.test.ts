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

  it('exports exactly these runtime names: growing the public API is a decision made here', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DTYPES',
      'FORMATS',
      'INITIALIZERS',
      'InitWeightsError',
      'REPORT_JSON_SCHEMA',
      'REPORT_SCHEMA_VERSION',
      'SPEC_VERSION',
      'STREAM_VERSION',
      'TOOL_VERSION',
      'builtinSpec',
      'checkOutput',
      'generate',
      'inspect',
      'inspectEach',
      'loadSpec',
      'parseSpecText',
      'planOutput',
      'printableSpec',
      'renderReport',
      'resolveSpec',
      'tensorChunks',
      'tensorValues',
      'verify',
    ]);
  });

  it('throws InitWeightsError with a stable code, exit code and the field it is about for bad specs', () => {
    expect.assertions(4);
    expect(() => api.resolveSpec({ tensors: [{ name: 'w', shape: [-1], initializer: 'zeros' }] })).toThrow(api.InitWeightsError);
    try {
      api.resolveSpec({ tensors: [{ name: 'w', shape: [-1], initializer: 'zeros' }] });
    } catch (err) {
      expect((err as api.InitWeightsError).code).toBe('E_SPEC');
      expect((err as api.InitWeightsError).exitCode).toBe(2);
      expect((err as api.InitWeightsError).detail.field).toBe('tensors[0].shape[0]');
    }
  });

  it('the README example runs: resolve, generate, read values back', async () => {
    const spec = api.resolveSpec({ seed: 42, tensors: [{ name: 'w', shape: [784, 128], initializer: 'glorot_uniform' }] });
    const result = await api.generate({ spec, output: tmp.path('w.safetensors') });
    const values = api.tensorValues(spec.tensors[0]!, 0, 10);
    expect(values).toHaveLength(10);
    const report = await api.inspect({ input: tmp.path('w.safetensors') });
    expect(report.tensors[0]?.name).toBe('w');
    expect(result.files[0]?.bytes).toBeGreaterThan(784 * 128 * 4);
  });
});
