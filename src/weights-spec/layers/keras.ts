import { flag, inputWidth, intField, intList, param, type LayerDef } from './def.js';
import { TORCH_WEIGHT, torchBias } from './torch.js';

/*
 * The Keras 3 vocabulary (keras/src/layers/...): field names, kernel shapes (..., in, out) and each
 * layer's default initializers. `dense` is also accepted under layout torch (as torch's Linear, with
 * torch's names and laws), so specs written before the torch vocabulary, and the built-in example,
 * keep working there.
 */

const dense: LayerDef = {
  type: 'dense',
  kerasPrefix: 'dense',
  fields: ['units', 'input_dim', 'use_bias', 'kernel_initializer', 'bias_initializer'],
  renamed: { out_features: 'units', in_features: 'input_dim', bias: 'use_bias', weight_initializer: 'kernel_initializer' },
  expand(l, at, previous, layout) {
    const units = intField(l, 'units', at);
    const input = inputWidth(l, 'input_dim', at, previous);
    const torch = layout === 'torch';
    const params = [torch ? param('weight', [units, input], 'kernel_initializer', TORCH_WEIGHT) : param('kernel', [input, units], 'kernel_initializer', 'glorot_uniform')];
    if (flag(l, 'use_bias', at, true)) params.push(param('bias', [units], 'bias_initializer', torch ? torchBias(input) : 'zeros'));
    return { params, output: units };
  },
};

function conv(rank: number): LayerDef {
  return {
    type: `conv${rank}d`,
    kerasPrefix: `conv${rank}d`,
    fields: ['filters', 'kernel_size', 'in_channels', 'use_bias', 'kernel_initializer', 'bias_initializer'],
    renamed: { out_channels: 'filters', bias: 'use_bias', weight_initializer: 'kernel_initializer' },
    expand(l, at, previous) {
      const filters = intField(l, 'filters', at);
      const k = intList(l, 'kernel_size', at, rank);
      const input = inputWidth(l, 'in_channels', at, previous);
      const params = [param('kernel', [...k, input, filters], 'kernel_initializer', 'glorot_uniform')];
      if (flag(l, 'use_bias', at, true)) params.push(param('bias', [filters], 'bias_initializer', 'zeros'));
      return { params, output: filters };
    },
  };
}

const embedding: LayerDef = {
  type: 'embedding',
  kerasPrefix: 'embedding',
  fields: ['input_dim', 'output_dim', 'embeddings_initializer'],
  renamed: { num_embeddings: 'input_dim', embedding_dim: 'output_dim', weight_initializer: 'embeddings_initializer' },
  expand(l, at) {
    const vocab = intField(l, 'input_dim', at);
    const dim = intField(l, 'output_dim', at);
    // Keras Embedding's "uniform" is RandomUniform(-0.05, 0.05).
    return { params: [param('embeddings', [vocab, dim], 'embeddings_initializer', { type: 'uniform', minval: -0.05, maxval: 0.05 })], output: dim };
  },
};

const NORM_RENAMED = { weight_initializer: 'gamma_initializer', bias_initializer: 'beta_initializer' };

const layerNorm: LayerDef = {
  type: 'layer_norm',
  kerasPrefix: 'layer_normalization',
  fields: ['dim', 'gamma_initializer', 'beta_initializer'],
  renamed: { ...NORM_RENAMED, normalized_shape: 'dim' },
  expand(l, at, previous) {
    const dim = inputWidth(l, 'dim', at, previous);
    return { params: [param('gamma', [dim], 'gamma_initializer', 'ones'), param('beta', [dim], 'beta_initializer', 'zeros')], output: dim };
  },
};

const batchNorm: LayerDef = {
  type: 'batch_norm',
  kerasPrefix: 'batch_normalization',
  fields: ['dim', 'gamma_initializer', 'beta_initializer', 'moving_mean_initializer', 'moving_variance_initializer'],
  renamed: { ...NORM_RENAMED, num_features: 'dim', running_mean_initializer: 'moving_mean_initializer', running_var_initializer: 'moving_variance_initializer' },
  expand(l, at, previous) {
    const dim = inputWidth(l, 'dim', at, previous);
    return {
      params: [
        param('gamma', [dim], 'gamma_initializer', 'ones'), param('beta', [dim], 'beta_initializer', 'zeros'),
        param('moving_mean', [dim], 'moving_mean_initializer', 'zeros'), param('moving_variance', [dim], 'moving_variance_initializer', 'ones'),
      ],
      output: dim,
    };
  },
};

/** The Keras layer types, by `type`. */
export const KERAS_LAYERS: readonly LayerDef[] = [dense, conv(1), conv(2), conv(3), embedding, layerNorm, batchNorm];

/** The Keras `dense` row, which layout torch keeps for older specs and the built-in example. */
export const KERAS_DENSE = dense;

