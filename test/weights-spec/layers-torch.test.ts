import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { expandLayers, LAYER_TYPES } from '../../src/weights-spec/layers.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

/* The PyTorch vocabulary under "layout": "torch" (issue 11): torch's names, shapes and reset_parameters laws. */

const torch = (layers: unknown[]) => resolveSpec({ layout: 'torch', seed: 1, layers });
const bound = (fanIn: number) => ({ minval: -1 / Math.sqrt(fanIn), maxval: 1 / Math.sqrt(fanIn) });

function errorOf(run: () => unknown): InitWeightsError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InitWeightsError);
    return err as InitWeightsError;
  }
  throw new Error('the spec was accepted');
}

const EVERY_TYPE = [
  { type: 'embedding', num_embeddings: 50, embedding_dim: 8, padding_idx: -1 },
  { type: 'conv1d', in_channels: 8, out_channels: 12, kernel_size: 3, groups: 4 },
  { type: 'conv2d', out_channels: 6, kernel_size: [3, 2], bias: false },
  { type: 'conv3d', out_channels: 4, kernel_size: 1 },
  { type: 'batch_norm' },
  { type: 'linear', out_features: 10 },
  { type: 'layer_norm', normalized_shape: [3, 10], bias: false },
  { type: 'rms_norm', normalized_shape: 10 },
  { type: 'hf_conv1d', out_features: 30 },
];

describe('torch layer types', () => {
  it('layout torch has its own vocabulary, and keeps Keras\'s dense for older specs and the built-in example', () => {
    expect(LAYER_TYPES.torch).toEqual(['linear', 'conv1d', 'conv2d', 'conv3d', 'hf_conv1d', 'embedding', 'layer_norm', 'rms_norm', 'batch_norm', 'dense']);
    expect(LAYER_TYPES.keras).toEqual(['dense', 'conv1d', 'conv2d', 'conv3d', 'embedding', 'layer_norm', 'batch_norm']);
  });

  it('every type expands to torch\'s state_dict names and shapes, widths chained as in an nn.Sequential', () => {
    const spec = torch(EVERY_TYPE);
    expect(spec.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([
      ['0.weight', [50, 8], 'float32'],
      ['1.weight', [12, 2, 3], 'float32'], ['1.bias', [12], 'float32'],
      ['2.weight', [6, 12, 3, 2], 'float32'],
      ['3.weight', [4, 6, 1, 1, 1], 'float32'], ['3.bias', [4], 'float32'],
      ['4.weight', [4], 'float32'], ['4.bias', [4], 'float32'], ['4.running_mean', [4], 'float32'], ['4.running_var', [4], 'float32'],
      ['4.num_batches_tracked', [], 'int64'],
      ['5.weight', [10, 4], 'float32'], ['5.bias', [10], 'float32'],
      ['6.weight', [3, 10], 'float32'],
      ['7.weight', [10], 'float32'],
      ['8.weight', [10, 30], 'float32'], ['8.bias', [30], 'float32'],
    ]);
  });

  it('each tensor gets its module\'s reset_parameters law; a grouped conv\'s fan_in is in_channels / groups · prod(kernel)', () => {
    const init = Object.fromEntries(torch(EVERY_TYPE).tensors.map((t) => [t.name, t.initializer]));
    expect(init['0.weight']).toEqual({ type: 'normal', params: { mean: 0, stddev: 1 } });
    expect(init['1.weight']).toEqual({ type: 'kaiming_uniform', params: { a: Math.sqrt(5), mode: 'fan_in', nonlinearity: 'leaky_relu', fan_in: 6, fan_out: 36 } });
    expect(init['1.bias']).toEqual({ type: 'uniform', params: bound(6) });
    expect(init['3.bias']).toEqual({ type: 'uniform', params: bound(6) });
    expect(init['5.bias']).toEqual({ type: 'uniform', params: bound(4) });
    expect(['4.weight', '4.bias', '4.running_mean', '4.running_var', '6.weight', '7.weight'].map((n) => init[n]!.type)).toEqual(['ones', 'zeros', 'zeros', 'ones', 'ones', 'ones']);
    expect(init['8.weight']).toEqual({ type: 'normal', params: { mean: 0, stddev: 0.02 } });
    expect(init['8.bias']!.type).toBe('zeros');
  });

  it('padding_idx marks its row (negative counts from the end, as in torch) to be zeroed after the draw', () => {
    const rows = (padding_idx: unknown) => expandLayers([{ type: 'embedding', num_embeddings: 5, embedding_dim: 2, padding_idx }], 'torch')[0]!.zeroRows;
    expect([rows(0), rows(4), rows(-1), rows(-5), rows(null), rows(undefined)]).toEqual([[0], [4], [4], [0], undefined, undefined]);
  });

  it('the resolved embedding carries its zero row', () => {
    expect(torch([EVERY_TYPE[0]]).tensors[0]!.zeroRows).toEqual([49]);
  });

  it('bias, affine, track_running_stats and elementwise_affine drop the tensors torch leaves out', () => {
    const names = (layers: unknown[]) => torch(layers).tensors.map((t) => t.name);
    expect(names([{ type: 'linear', in_features: 3, out_features: 2, bias: false }])).toEqual(['0.weight']);
    expect(names([{ type: 'batch_norm', num_features: 3, affine: false }])).toEqual(['0.running_mean', '0.running_var', '0.num_batches_tracked']);
    expect(names([{ type: 'batch_norm', num_features: 3, track_running_stats: false }])).toEqual(['0.weight', '0.bias']);
    expect(names([{ type: 'layer_norm', normalized_shape: 3, elementwise_affine: false }, { type: 'rms_norm', elementwise_affine: false }, { type: 'layer_norm' }])).toEqual(['2.weight', '2.bias']);
  });

  it('the torch override fields are named after the tensors; hf_conv1d\'s (in, out) weight keeps its true fans', () => {
    const spec = torch([
      { type: 'linear', name: 'fc', in_features: 4, out_features: 2, weight_initializer: 'xavier_uniform', bias_initializer: 'zeros' },
      { type: 'hf_conv1d', name: 'c_attn', in_features: 8, out_features: 24, weight_initializer: { type: 'kaiming_normal' } },
      { type: 'batch_norm', name: 'bn', num_features: 3, running_var_initializer: { type: 'constant', value: 2 } },
    ]);
    const init = Object.fromEntries(spec.tensors.map((t) => [t.name, t.initializer]));
    expect([init['fc.weight']!.type, init['fc.bias']!.type, init['bn.running_var']!.type]).toEqual(['xavier_uniform', 'zeros', 'constant']);
    expect(init['c_attn.weight']!.params).toMatchObject({ fan_in: 8, fan_out: 24 });
  });

  it('a layer dtype applies to its float tensors, never to the int64 step counter', () => {
    const spec = torch([{ type: 'batch_norm', num_features: 2, dtype: 'float16' }]);
    expect(spec.tensors.map((t) => t.dtype)).toEqual(['float16', 'float16', 'float16', 'float16', 'int64']);
  });
});

describe('torch layer errors: one line naming the field, the rule and the value', () => {
  for (const [what, layers, message] of [
    ['a Keras field on a torch linear says the torch name', [{ type: 'linear', in_features: 3, units: 2 }], 'spec layers[0].units: is not a field of a linear layer under layout torch: use out_features, got 2'],
    ['filters on a torch conv', [{ type: 'conv2d', in_channels: 3, filters: 8, kernel_size: 3 }], 'spec layers[0].filters: is not a field of a conv2d layer under layout torch: use out_channels, got 8'],
    ['Keras\'s kernel_initializer', [{ type: 'linear', in_features: 3, out_features: 2, kernel_initializer: 'zeros' }], 'spec layers[0].kernel_initializer: is not a field of a linear layer under layout torch: use weight_initializer, got "zeros"'],
    ['Keras\'s embedding sizes', [{ type: 'embedding', input_dim: 10, embedding_dim: 2 }], 'spec layers[0].input_dim: is not a field of an embedding layer under layout torch: use num_embeddings, got 10'],
    ['HF Conv1D\'s argument names', [{ type: 'hf_conv1d', nx: 4, out_features: 2 }], 'spec layers[0].nx: is not a field of a hf_conv1d layer under layout torch: use in_features, got 4'],
    ['an unknown field lists the torch fields', [{ type: 'batch_norm', num_features: 3, momentum: 0.1 }],
      'spec layers[0].momentum: is not a known field of a batch_norm layer under layout torch (known: type, name, dtype, seed, num_features, affine, track_running_stats, weight_initializer, bias_initializer, running_mean_initializer, running_var_initializer), got 0.1'],
    ['padding_idx past the rows', [{ type: 'embedding', num_embeddings: 10, embedding_dim: 2, padding_idx: 10 }], 'spec layers[0].padding_idx: must be an integer in [-10, 10) (a row of the 10 embeddings), got 10'],
    ['padding_idx below -rows', [{ type: 'embedding', num_embeddings: 10, embedding_dim: 2, padding_idx: -11 }], 'spec layers[0].padding_idx: must be an integer in [-10, 10) (a row of the 10 embeddings), got -11'],
    ['padding_idx not an integer', [{ type: 'embedding', num_embeddings: 10, embedding_dim: 2, padding_idx: 1.5 }], 'spec layers[0].padding_idx: must be an integer in [-10, 10) (a row of the 10 embeddings), got 1.5'],
    ['groups not dividing in_channels', [{ type: 'conv2d', in_channels: 6, out_channels: 4, kernel_size: 3, groups: 4 }], 'spec layers[0].groups: must divide in_channels (6) and out_channels (4), got 4'],
    ['groups not dividing out_channels', [{ type: 'conv1d', in_channels: 6, out_channels: 4, kernel_size: 3, groups: 3 }], 'spec layers[0].groups: must divide in_channels (6) and out_channels (4), got 3'],
    ['groups of 0', [{ type: 'conv1d', in_channels: 6, out_channels: 4, kernel_size: 3, groups: 0 }], 'spec layers[0].groups: must be a positive integer, got 0'],
    ['a normalized_shape list with a bad entry', [{ type: 'layer_norm', normalized_shape: [4, 0] }], 'spec layers[0].normalized_shape[1]: must be a positive integer, got 0'],
    ['an empty normalized_shape', [{ type: 'rms_norm', normalized_shape: [] }], 'spec layers[0].normalized_shape: must be a positive integer or a non-empty list of them, got []'],
    ['a first linear without in_features', [{ type: 'linear', out_features: 2 }], 'spec layers[0].in_features: is required (no earlier layer gives the input width), got nothing'],
    ['bias that is not a boolean', [{ type: 'linear', in_features: 2, out_features: 2, bias: 1 }], 'spec layers[0].bias: must be true or false, got 1'],
    ['an unknown type lists the torch types', [{ type: 'lstm' }], 'spec layers[0].type: must be one of linear, conv1d, conv2d, conv3d, hf_conv1d, embedding, layer_norm, rms_norm, batch_norm, dense under layout torch, got "lstm"'],
  ] as const) {
    it(what, () => {
      const err = errorOf(() => torch([...layers]));
      expect(err.message).toBe(message);
      expect(err.exitCode).toBe(2);
      expect(err.detail.field).toBe(message.slice('spec '.length, message.indexOf(':')));
    });
  }

  it('under layout keras, torch names point back to Keras\'s, and torch-only types say which layout has them', () => {
    const keras = (layers: unknown[]) => errorOf(() => resolveSpec({ seed: 1, layers })).message;
    expect(keras([{ type: 'dense', input_dim: 3, out_features: 2 }])).toBe('spec layers[0].out_features: is not a field of a dense layer under layout keras: use units, got 2');
    expect(keras([{ type: 'conv2d', in_channels: 3, out_channels: 2, kernel_size: 3 }])).toBe('spec layers[0].out_channels: is not a field of a conv2d layer under layout keras: use filters, got 2');
    expect(keras([{ type: 'linear', in_features: 3, out_features: 2 }])).toBe(
      'spec layers[0].type: must be one of dense, conv1d, conv2d, conv3d, embedding, layer_norm, batch_norm under layout keras (linear is a torch layer: give "layout": "torch", or use dense), got "linear"');
    expect(keras([{ type: 'rms_norm', normalized_shape: 4 }])).toMatch(/\(rms_norm is a torch layer: give "layout": "torch"\), got "rms_norm"$/);
  });
});

describe('gen with a bad torch layer spec', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('exits 2 with one line and writes nothing', async () => {
    writeFileSync(tmp.path('bad.json'), JSON.stringify({ layout: 'torch', layers: [{ type: 'embedding', num_embeddings: 4, embedding_dim: 2, padding_idx: 4 }] }));
    const r = await runCli(['gen', '--spec', tmp.path('bad.json'), '--seed', '1', '-o', tmp.path('w.safetensors')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('layers[0].padding_idx: must be an integer in [-4, 4) (a row of the 4 embeddings), got 4');
    expect(existsSync(tmp.path('w.safetensors'))).toBe(false);
  });
});
