import { describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';

const summary = (raw: unknown, layout?: 'keras' | 'torch') =>
  resolveSpec(raw, { seed: 1, ...(layout ? { layout } : {}) }).tensors.map((t) => [t.name, t.shape, t.initializer.type]);

function specErrorOf(raw: unknown): string {
  try {
    resolveSpec(raw, { seed: 1 });
  } catch (err) {
    expect(err).toBeInstanceOf(InitWeightsError);
    expect((err as InitWeightsError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('the spec was accepted');
}

const MLP = { layers: [{ type: 'dense', input_dim: 784, units: 128 }, { type: 'dense', units: 64 }, { type: 'dense', units: 10 }] };

describe('layer specs', () => {
  it('a Keras dense MLP expands to dense, dense_1, dense_2 (as Keras 3 names them): kernel (in, units) glorot_uniform and bias zeros, widths chained', () => {
    expect(summary(MLP)).toEqual([
      ['dense/kernel', [784, 128], 'glorot_uniform'], ['dense/bias', [128], 'zeros'],
      ['dense_1/kernel', [128, 64], 'glorot_uniform'], ['dense_1/bias', [64], 'zeros'],
      ['dense_2/kernel', [64, 10], 'glorot_uniform'], ['dense_2/bias', [10], 'zeros'],
    ]);
  });

  it('the same MLP under --layout torch has torch names, (out, in) weights, kaiming_uniform(a = sqrt 5) and uniform(±1/sqrt(fan_in)) biases', () => {
    const spec = resolveSpec(MLP, { seed: 1, layout: 'torch' });
    expect(spec.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['0.weight', [128, 784]], ['0.bias', [128]], ['1.weight', [64, 128]], ['1.bias', [64]], ['2.weight', [10, 64]], ['2.bias', [10]],
    ]);
    expect(spec.tensors[0]!.initializer).toEqual({ type: 'kaiming_uniform', params: { a: Math.sqrt(5), mode: 'fan_in', nonlinearity: 'leaky_relu', fan_in: 784, fan_out: 128 } });
    expect(spec.tensors[1]!.initializer).toEqual({ type: 'uniform', params: { minval: -1 / Math.sqrt(784), maxval: 1 / Math.sqrt(784) } });
  });

  it('the spec field "layout" does the same as the flag, and the flag wins over it', () => {
    expect(summary({ ...MLP, layout: 'torch' })[0]).toEqual(['0.weight', [128, 784], 'kaiming_uniform']);
    expect(summary({ ...MLP, layout: 'torch' }, 'keras')[0]).toEqual(['dense/kernel', [784, 128], 'glorot_uniform']);
  });

  it('Keras conv, embedding and normalization layers have Keras\'s shapes, names and defaults', () => {
    const layers = [
      { type: 'embedding', input_dim: 1000, output_dim: 16 },
      { type: 'conv1d', filters: 32, kernel_size: 5 },
      { type: 'conv2d', filters: 8, kernel_size: [3, 2], in_channels: 3, use_bias: false },
      { type: 'conv3d', filters: 4, kernel_size: 3 },
      { type: 'layer_norm' },
      { type: 'batch_norm', dim: 6 },
    ];
    expect(summary({ layers })).toEqual([
      ['embedding/embeddings', [1000, 16], 'uniform'],
      ['conv1d/kernel', [5, 16, 32], 'glorot_uniform'], ['conv1d/bias', [32], 'zeros'],
      ['conv2d/kernel', [3, 2, 3, 8], 'glorot_uniform'],
      ['conv3d/kernel', [3, 3, 3, 8, 4], 'glorot_uniform'], ['conv3d/bias', [4], 'zeros'],
      ['layer_normalization/gamma', [4], 'ones'], ['layer_normalization/beta', [4], 'zeros'],
      ['batch_normalization/gamma', [6], 'ones'], ['batch_normalization/beta', [6], 'zeros'],
      ['batch_normalization/moving_mean', [6], 'zeros'], ['batch_normalization/moving_variance', [6], 'ones'],
    ]);
  });

  it('every initializer can be overridden, names can be given, and layers and tensors mix', () => {
    const spec = resolveSpec({
      layers: [{ type: 'dense', name: 'fc', input_dim: 4, units: 2, kernel_initializer: { type: 'he_normal' }, bias_initializer: { type: 'constant', value: 0.1 } }],
      tensors: [{ name: 'extra', shape: [3], initializer: 'ones' }],
    }, { seed: 1 });
    expect(spec.tensors.map((t) => [t.name, t.initializer.type])).toEqual([['fc/kernel', 'he_normal'], ['fc/bias', 'constant'], ['extra', 'ones']]);
    expect(spec.tensors[1]!.initializer.params).toEqual({ value: 0.1 });
  });

  it('layer dtype and seed apply to the layer\'s tensors', () => {
    const spec = resolveSpec({ layers: [{ type: 'dense', input_dim: 2, units: 2, dtype: 'float16', seed: 'x' }, { type: 'dense', units: 1 }] }, {});
    expect(spec.tensors.map((t) => [t.dtype, t.seed])).toEqual([['float16', 'x'], ['float16', 'x'], ['float32', spec.seed], ['float32', spec.seed]]);
  });
});

describe('layer spec errors name the path, the rule and the value', () => {
  for (const [what, raw, message] of [
    ['a bad kernel initializer parameter', { layers: [MLP.layers[0], MLP.layers[1], { type: 'dense', units: 10, kernel_initializer: { type: 'variance_scaling', scale: -1 } }] },
      'spec layers[2].kernel_initializer.scale: must be > 0, got -1'],
    ['a word parameter outside its choices', { layers: [{ type: 'dense', input_dim: 3, units: 2, kernel_initializer: { type: 'variance_scaling', mode: 'fan_sum' } }] },
      'spec layers[0].kernel_initializer.mode: must be one of fan_in, fan_out, fan_avg, got "fan_sum"'],
    ['an unknown layer type', { layers: [{ type: 'lstm' }] }, 'spec layers[0].type: must be one of dense, conv1d, conv2d, conv3d, embedding, layer_norm, batch_norm under layout keras, got "lstm"'],
    ['a missing input width on the first layer', { layers: [{ type: 'dense', units: 3 }] }, 'spec layers[0].input_dim: is required (no earlier layer gives the input width), got nothing'],
    ['units that are not a positive integer', { layers: [{ type: 'dense', input_dim: 3, units: 0 }] }, 'spec layers[0].units: must be a positive integer, got 0'],
    ['a kernel size of the wrong rank', { layers: [{ type: 'conv2d', in_channels: 3, filters: 2, kernel_size: [3] }] }, 'spec layers[0].kernel_size: must be a positive integer or a list of 2, got [3]'],
    ['an unknown layer field', { layers: [{ type: 'dense', input_dim: 3, units: 2, activation: 'relu' }] }, /^spec layers\[0\]\.activation: is not a known field of a dense layer under layout keras \(known: type, name, .*\), got "relu"$/],
    ['two layers with one name', { layers: [{ type: 'dense', name: 'a', input_dim: 3, units: 2 }, { type: 'dense', name: 'a', units: 2 }] }, 'spec layers[1].name: must be unique (layers[0] has it too), got "a/kernel"'],
    ['an unknown layout', { layout: 'flax', ...MLP }, 'spec layout: must be one of keras, torch, got "flax"'],
    ['truncated bounds given alone', { tensors: [{ name: 'w', shape: [3], initializer: { type: 'truncated_normal', a: -1 } }] }, 'spec tensors[0].initializer.b: is required when the other bound is given (give a and b together), got nothing'],
    ['truncated bounds with little mass', { tensors: [{ name: 'w', shape: [3], initializer: { type: 'truncated_normal', stddev: 1, a: 5, b: 6 } }] }, /^spec tensors\[0\]\.initializer\.a: \[a, b\] must keep at least 0\.01 of .* \(it keeps 2\.86e-7; .*\), got 5$/],
    ['uniform with maxval below minval', { tensors: [{ name: 'w', shape: [3], initializer: { type: 'uniform', minval: 1, maxval: 0 } }] }, 'spec tensors[0].initializer.maxval: must be >= minval (1), got 0'],
    ['identity on a 3-d shape', { tensors: [{ name: 'w', shape: [2, 2, 2], initializer: 'identity' }] }, 'spec tensors[0].initializer: identity needs a 2-d shape (Keras and torch refuse others), got [2,2,2]'],
    ['a kaiming mode it does not have', { tensors: [{ name: 'w', shape: [2, 2], initializer: { type: 'kaiming_normal', mode: 'fan_avg' } }] }, 'spec tensors[0].initializer.mode: must be one of fan_in, fan_out, got "fan_avg"'],
    ['a nonlinearity torch does not know', { tensors: [{ name: 'w', shape: [2, 2], initializer: { type: 'kaiming_normal', nonlinearity: 'gelu' } }] }, /^spec tensors\[0\]\.initializer\.nonlinearity: must be one of linear, .*, selu, got "gelu"$/],
  ] as const) {
    it(what, () => {
      const m = specErrorOf(raw);
      if (typeof message === 'string') expect(m).toBe(message);
      else expect(m).toMatch(message);
    });
  }
});

describe('resolved layer specs replay', () => {
  it('the resolved spec (as written into manifests) resolves to the same tensors without the layout', async () => {
    const { specToJson } = await import('../../src/weights-spec/parse.js');
    const spec = resolveSpec({ layout: 'torch', layers: [{ type: 'conv2d', in_channels: 3, out_channels: 4, kernel_size: 3 }, { type: 'linear', in_features: 36, out_features: 2, weight_initializer: 'orthogonal' }] }, { seed: 9 });
    const again = resolveSpec(specToJson(spec));
    expect(again.tensors).toEqual(spec.tensors);
  });
});
