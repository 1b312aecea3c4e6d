import { specError } from '../errors.js';
import type { KernelLayout } from '../init/fans.js';

/*
 * Layer entries of a spec (`layers`), expanded into named tensors with the framework's defaults:
 * Keras 3 (keras/src/layers/...) for --layout keras, torch.nn (reset_parameters) for --layout torch.
 */

/** One tensor a layer expands to, with where its fields came from (for error paths). */
export interface LayerTensor {
  readonly name: string;
  readonly namePath: string;
  readonly shape: readonly number[];
  /** The spec's initializer for this tensor, or the framework default. */
  readonly initializer: unknown;
  readonly initPath: string;
  readonly dtype?: unknown;
  readonly dtypePath: string;
  readonly seed?: unknown;
  readonly seedPath: string;
}

type Raw = Record<string, unknown>;

interface Role {
  /** The layer field that overrides this tensor's initializer. */
  readonly field: string;
  readonly keras: string;
  readonly torch: string;
  readonly kerasShape: readonly number[];
  readonly torchShape: readonly number[];
  readonly kerasDefault: unknown;
  readonly torchDefault: unknown;
}

/** One row per layer type: its fields, Keras's auto-name prefix, and the tensors it holds. */
interface LayerDef {
  readonly type: string;
  readonly kerasPrefix: string;
  /** Fields besides type, name, dtype, seed and the initializer fields. */
  readonly fields: readonly string[];
  /** The fields that override the initializers of its tensors. */
  readonly initFields: readonly string[];
  /** The tensors, given the checked integer fields; `input` is the input width (fan-in side). */
  roles(l: Raw, at: string, input: number): { roles: Role[]; output: number };
}

/** torch's Linear/Conv weight default: kaiming_uniform_(a = sqrt(5)) (torch/nn/modules/linear.py). */
const TORCH_WEIGHT = { type: 'kaiming_uniform', a: Math.sqrt(5) };
/** torch's Linear/Conv bias default: uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), 0 when fan_in is 0. */
function torchBias(fanIn: number): unknown {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return { type: 'uniform', minval: -bound, maxval: bound };
}

/** A tensor with the same shape in both layouts. */
function same(field: string, keras: string, torch: string, shape: readonly number[], kerasDefault: unknown, torchDefault: unknown): Role {
  return { field, keras, torch, kerasShape: shape, torchShape: shape, kerasDefault, torchDefault };
}

function positiveInt(l: Raw, field: string, at: string): number {
  const v = l[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw specError(`${at}.${field}`, 'must be a positive integer', v);
  return v;
}

function useBias(l: Raw, at: string): boolean {
  const v = l.use_bias ?? true;
  if (typeof v !== 'boolean') throw specError(`${at}.use_bias`, 'must be true or false', v);
  return v;
}

function kernelSize(l: Raw, at: string, rank: number): number[] {
  const v = l.kernel_size;
  const path = `${at}.kernel_size`;
  if (typeof v === 'number') return Array.from({ length: rank }, () => positiveInt(l, 'kernel_size', at));
  if (!Array.isArray(v) || v.length !== rank) throw specError(path, `must be a positive integer or a list of ${rank}`, v);
  return v.map((k: unknown, i: number) => {
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1) throw specError(`${path}[${i}]`, 'must be a positive integer', k);
    return k;
  });
}

function conv(rank: number): LayerDef {
  return {
    type: `conv${rank}d`,
    kerasPrefix: `conv${rank}d`,
    fields: ['filters', 'kernel_size', 'in_channels', 'use_bias'],
    initFields: ['kernel_initializer', 'bias_initializer'],
    roles(l, at, input) {
      const filters = positiveInt(l, 'filters', at);
      const k = kernelSize(l, at, rank);
      const fanIn = input * k.reduce((p, x) => p * x, 1);
      const roles: Role[] = [{
        field: 'kernel_initializer', keras: 'kernel', torch: 'weight', kerasShape: [...k, input, filters], torchShape: [filters, input, ...k],
        kerasDefault: 'glorot_uniform', torchDefault: TORCH_WEIGHT,
      }];
      if (useBias(l, at)) roles.push(same('bias_initializer', 'bias', 'bias', [filters], 'zeros', torchBias(fanIn)));
      return { roles, output: filters };
    },
  };
}

const norm = (type: string, kerasPrefix: string, extra: boolean): LayerDef => ({
  type,
  kerasPrefix,
  fields: ['dim'],
  initFields: ['gamma_initializer', 'beta_initializer', ...(extra ? ['moving_mean_initializer', 'moving_variance_initializer'] : [])],
  roles(_l, _at, input) {
    const roles: Role[] = [
      same('gamma_initializer', 'gamma', 'weight', [input], 'ones', 'ones'),
      same('beta_initializer', 'beta', 'bias', [input], 'zeros', 'zeros'),
    ];
    if (extra) {
      roles.push(
        same('moving_mean_initializer', 'moving_mean', 'running_mean', [input], 'zeros', 'zeros'),
        same('moving_variance_initializer', 'moving_variance', 'running_var', [input], 'ones', 'ones'),
      );
    }
    return { roles, output: input };
  },
});

/** The layer types, by `type`. */
export const LAYERS: readonly LayerDef[] = [
  {
    type: 'dense',
    kerasPrefix: 'dense',
    fields: ['units', 'input_dim', 'use_bias'],
    initFields: ['kernel_initializer', 'bias_initializer'],
    roles(l, at, input) {
      const units = positiveInt(l, 'units', at);
      const roles: Role[] = [{
        field: 'kernel_initializer', keras: 'kernel', torch: 'weight', kerasShape: [input, units], torchShape: [units, input],
        kerasDefault: 'glorot_uniform', torchDefault: TORCH_WEIGHT,
      }];
      if (useBias(l, at)) roles.push(same('bias_initializer', 'bias', 'bias', [units], 'zeros', torchBias(input)));
      return { roles, output: units };
    },
  },
  conv(1),
  conv(2),
  conv(3),
  {
    type: 'embedding',
    kerasPrefix: 'embedding',
    fields: ['input_dim', 'output_dim'],
    initFields: ['embeddings_initializer'],
    roles(l, at) {
      const vocab = positiveInt(l, 'input_dim', at);
      const dim = positiveInt(l, 'output_dim', at);
      return {
        // Keras Embedding: "uniform" = RandomUniform(-0.05, 0.05); torch nn.Embedding: normal_(0, 1).
        roles: [same('embeddings_initializer', 'embeddings', 'weight', [vocab, dim], { type: 'uniform', minval: -0.05, maxval: 0.05 }, { type: 'normal', mean: 0, stddev: 1 })],
        output: dim,
      };
    },
  },
  norm('layer_norm', 'layer_normalization', false),
  norm('batch_norm', 'batch_normalization', true),
];

export const LAYER_TYPES = LAYERS.map((d) => d.type);

/** The field that gives a layer's input width, when it has one (else it comes from the layer before). */
function inputField(def: LayerDef): string | undefined {
  if (def.type === 'dense') return 'input_dim';
  if (def.type.startsWith('conv')) return 'in_channels';
  if (def.type === 'layer_norm' || def.type === 'batch_norm') return 'dim';
  return undefined;
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Expand the spec's `layers` into tensors. Names: Keras `NAME/kernel` with NAME defaulting to
 * `dense_1`, `dense_2`, ... (a counter per type, from 1); torch `NAME.weight` with NAME defaulting to
 * the layer's index, as in an nn.Sequential. A layer's input width (`input_dim`, `in_channels`, `dim`)
 * defaults to the previous layer's output width.
 */
export function expandLayers(layers: unknown, layout: KernelLayout): LayerTensor[] {
  if (!Array.isArray(layers)) throw specError('layers', 'must be a list of layers like {"type": "dense", "units": 128, "input_dim": 784}', layers);
  const counters = new Map<string, number>();
  let previous: number | undefined;
  const out: LayerTensor[] = [];
  layers.forEach((l: unknown, i: number) => {
    const at = `layers[${i}]`;
    if (!isObject(l)) throw specError(at, 'must be an object with a "type"', l);
    const def = LAYERS.find((d) => d.type === l.type);
    if (def === undefined) throw specError(`${at}.type`, `must be one of ${LAYER_TYPES.join(', ')}`, l.type);
    const allowed = ['type', 'name', 'dtype', 'seed', ...def.fields, ...def.initFields];
    for (const k of Object.keys(l)) {
      if (!allowed.includes(k)) throw specError(`${at}.${k}`, `is not a known field of a ${def.type} layer (known: ${allowed.join(', ')})`, l[k]);
    }
    const field = inputField(def);
    let input = 0;
    if (field !== undefined) {
      if (l[field] === undefined) {
        if (previous === undefined) throw specError(`${at}.${field}`, 'is required (no earlier layer gives the input width)', undefined);
        input = previous;
      } else {
        input = positiveInt(l, field, at);
      }
    }
    const count = (counters.get(def.kerasPrefix) ?? 0) + 1;
    counters.set(def.kerasPrefix, count);
    let base: string;
    if (l.name === undefined) base = layout === 'keras' ? `${def.kerasPrefix}_${count}` : String(i);
    else if (typeof l.name === 'string' && l.name !== '') base = l.name;
    else throw specError(`${at}.name`, 'must be a non-empty string', l.name);
    const { roles, output } = def.roles(l, at, input);
    previous = output;
    for (const r of roles) {
      out.push({
        name: layout === 'keras' ? `${base}/${r.keras}` : `${base}.${r.torch}`,
        namePath: l.name === undefined ? at : `${at}.name`,
        shape: layout === 'keras' ? r.kerasShape : r.torchShape,
        initializer: l[r.field] ?? (layout === 'keras' ? r.kerasDefault : r.torchDefault),
        initPath: `${at}.${r.field}`,
        ...(l.dtype !== undefined ? { dtype: l.dtype } : {}),
        dtypePath: `${at}.dtype`,
        ...(l.seed !== undefined ? { seed: l.seed } : {}),
        seedPath: `${at}.seed`,
      });
    }
  });
  return out;
}
