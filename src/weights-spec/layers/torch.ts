import { specError } from '../../errors.js';
import { flag, inputWidth, intField, intList, param, product, type LayerDef, type LayerParam, type Raw } from './def.js';

/*
 * The PyTorch vocabulary (torch.nn, plus transformers' GPT-2 Conv1D): torch's own field names and
 * defaults, weights (out, in, *kernel), and each module's reset_parameters law.
 */

/** Linear/Conv weight: kaiming_uniform_(a = sqrt(5)), i.e. uniform(±1/sqrt(fan_in)) (torch/nn/modules/linear.py). */
export const TORCH_WEIGHT = { type: 'kaiming_uniform', a: Math.sqrt(5) };

/** Linear/Conv bias: uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), 0 when fan_in is 0. */
export function torchBias(fanIn: number): unknown {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return { type: 'uniform', minval: -bound, maxval: bound };
}

/** torch's dtype for BatchNorm's step counter `num_batches_tracked`. */
const COUNTER_DTYPE = 'int64';

const WEIGHT_RENAMED = { kernel_initializer: 'weight_initializer' };

const linear: LayerDef = {
  type: 'linear',
  kerasPrefix: 'linear',
  fields: ['in_features', 'out_features', 'bias', 'weight_initializer', 'bias_initializer'],
  renamed: { ...WEIGHT_RENAMED, units: 'out_features', input_dim: 'in_features', use_bias: 'bias' },
  expand(l, at, previous) {
    const input = inputWidth(l, 'in_features', at, previous);
    const out = intField(l, 'out_features', at);
    const params = [param('weight', [out, input], 'weight_initializer', TORCH_WEIGHT)];
    if (flag(l, 'bias', at, true)) params.push(param('bias', [out], 'bias_initializer', torchBias(input)));
    return { params, output: out };
  },
};

/** transformers' Conv1D (GPT-2's attention and MLP): a Linear whose weight is stored (in, out). */
const hfConv1d: LayerDef = {
  type: 'hf_conv1d',
  kerasPrefix: 'hf_conv1d',
  fields: ['in_features', 'out_features', 'weight_initializer', 'bias_initializer'],
  renamed: { ...WEIGHT_RENAMED, nx: 'in_features', nf: 'out_features', units: 'out_features', input_dim: 'in_features' },
  expand(l, at, previous) {
    const input = inputWidth(l, 'in_features', at, previous);
    const out = intField(l, 'out_features', at);
    // Conv1D.__init__: normal_(weight, std=0.02), bias zeros. Fans are (in, out), not the torch layout's.
    const weight: LayerParam = { ...param('weight', [input, out], 'weight_initializer', { type: 'normal', mean: 0, stddev: 0.02 }), fans: { fanIn: input, fanOut: out } };
    return { params: [weight, param('bias', [out], 'bias_initializer', 'zeros')], output: out };
  },
};

function conv(rank: number): LayerDef {
  return {
    type: `conv${rank}d`,
    kerasPrefix: `conv${rank}d`,
    fields: ['in_channels', 'out_channels', 'kernel_size', 'groups', 'bias', 'weight_initializer', 'bias_initializer'],
    renamed: { ...WEIGHT_RENAMED, filters: 'out_channels', use_bias: 'bias' },
    expand(l, at, previous) {
      const input = inputWidth(l, 'in_channels', at, previous);
      const out = intField(l, 'out_channels', at);
      const k = intList(l, 'kernel_size', at, rank);
      const groups = l.groups === undefined ? 1 : intField(l, 'groups', at);
      if (input % groups !== 0 || out % groups !== 0) {
        throw specError(`${at}.groups`, `must divide in_channels (${input}) and out_channels (${out})`, groups);
      }
      const fanIn = (input / groups) * product(k);
      const params = [param('weight', [out, input / groups, ...k], 'weight_initializer', TORCH_WEIGHT)];
      if (flag(l, 'bias', at, true)) params.push(param('bias', [out], 'bias_initializer', torchBias(fanIn)));
      return { params, output: out };
    },
  };
}

/** padding_idx as torch takes it (None, or an integer in [-rows, rows)), as a row index. */
function paddingRow(l: Raw, at: string, rows: number): number | undefined {
  const v = l.padding_idx;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < -rows || v >= rows) {
    throw specError(`${at}.padding_idx`, `must be an integer in [-${rows}, ${rows}) (a row of the ${rows} embeddings)`, v);
  }
  return v < 0 ? v + rows : v;
}

const embedding: LayerDef = {
  type: 'embedding',
  kerasPrefix: 'embedding',
  fields: ['num_embeddings', 'embedding_dim', 'padding_idx', 'weight_initializer'],
  renamed: { input_dim: 'num_embeddings', output_dim: 'embedding_dim', embeddings_initializer: 'weight_initializer' },
  expand(l, at) {
    const rows = intField(l, 'num_embeddings', at);
    const dim = intField(l, 'embedding_dim', at);
    const pad = paddingRow(l, at, rows);
    // reset_parameters: normal_(weight), then the padding row filled with 0.
    const weight = param('weight', [rows, dim], 'weight_initializer', { type: 'normal', mean: 0, stddev: 1 });
    return { params: [pad === undefined ? weight : { ...weight, zeroRows: [pad] }], output: dim };
  },
};

/** normalized_shape: an int or a list, by default the previous layer's width. */
function normalizedShape(l: Raw, at: string, previous: number | undefined): number[] {
  if (l.normalized_shape === undefined) return [inputWidth(l, 'normalized_shape', at, previous)];
  return intList(l, 'normalized_shape', at);
}

const NORM_RENAMED = { gamma_initializer: 'weight_initializer', dim: 'normalized_shape' };

const layerNorm: LayerDef = {
  type: 'layer_norm',
  kerasPrefix: 'layer_norm',
  fields: ['normalized_shape', 'elementwise_affine', 'bias', 'weight_initializer', 'bias_initializer'],
  renamed: { ...NORM_RENAMED, beta_initializer: 'bias_initializer', center: 'bias', scale: 'elementwise_affine' },
  expand(l, at, previous) {
    const shape = normalizedShape(l, at, previous);
    const params: LayerParam[] = [];
    if (flag(l, 'elementwise_affine', at, true)) {
      params.push(param('weight', shape, 'weight_initializer', 'ones'));
      if (flag(l, 'bias', at, true)) params.push(param('bias', shape, 'bias_initializer', 'zeros'));
    }
    return { params, output: shape[shape.length - 1] };
  },
};

/** torch.nn.RMSNorm: a weight of ones, no bias. */
const rmsNorm: LayerDef = {
  type: 'rms_norm',
  kerasPrefix: 'rms_norm',
  fields: ['normalized_shape', 'elementwise_affine', 'weight_initializer'],
  renamed: { ...NORM_RENAMED, scale: 'elementwise_affine' },
  expand(l, at, previous) {
    const shape = normalizedShape(l, at, previous);
    const params = flag(l, 'elementwise_affine', at, true) ? [param('weight', shape, 'weight_initializer', 'ones')] : [];
    return { params, output: shape[shape.length - 1] };
  },
};

const batchNorm: LayerDef = {
  type: 'batch_norm',
  kerasPrefix: 'batch_norm',
  fields: ['num_features', 'affine', 'track_running_stats', 'weight_initializer', 'bias_initializer', 'running_mean_initializer', 'running_var_initializer'],
  renamed: {
    ...NORM_RENAMED, dim: 'num_features', beta_initializer: 'bias_initializer',
    moving_mean_initializer: 'running_mean_initializer', moving_variance_initializer: 'running_var_initializer',
  },
  expand(l, at, previous) {
    const n = inputWidth(l, 'num_features', at, previous);
    const params: LayerParam[] = [];
    if (flag(l, 'affine', at, true)) params.push(param('weight', [n], 'weight_initializer', 'ones'), param('bias', [n], 'bias_initializer', 'zeros'));
    if (flag(l, 'track_running_stats', at, true)) {
      params.push(param('running_mean', [n], 'running_mean_initializer', 'zeros'), param('running_var', [n], 'running_var_initializer', 'ones'));
      params.push({ name: 'num_batches_tracked', shape: [], init: 'zeros', dtype: COUNTER_DTYPE });
    }
    return { params, output: n };
  },
};

/** The torch layer types, by `type`. */
export const TORCH_LAYERS: readonly LayerDef[] = [linear, conv(1), conv(2), conv(3), hfConv1d, embedding, layerNorm, rmsNorm, batchNorm];
