import { specError } from '../errors.js';
import type { KernelLayout } from '../init/fans.js';
import { findInitializer } from '../init/table.js';
import { isObject } from './fields.js';
import type { LayerDef, LayerParam, Raw } from './layers/def.js';
import { KERAS_DENSE, KERAS_LAYERS } from './layers/keras.js';
import { TORCH_LAYERS } from './layers/torch.js';
import { fieldPath } from './path.js';
import { MAX_TENSORS } from './types.js';

/*
 * Layer entries of a spec (`layers`), expanded into named tensors with the framework's defaults:
 * Keras 3 (keras/src/layers/...) for the keras layout, torch.nn (reset_parameters) for the torch layout.
 * Each layout has its own vocabulary (layers/keras.ts, layers/torch.ts): type and field names as
 * that framework spells them.
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
  /** Rows along the first dimension zeroed after the initializer (an embedding's padding_idx). */
  readonly zeroRows?: readonly number[];
}

const EXAMPLE: Readonly<Record<KernelLayout, string>> = {
  keras: '{"type": "dense", "units": 128, "input_dim": 784}',
  torch: '{"type": "linear", "in_features": 784, "out_features": 128}',
};

/** Each layout's vocabulary: its own layer types (torch also keeps Keras's `dense`, see layers/keras.ts). */
export const LAYERS: Readonly<Record<KernelLayout, readonly LayerDef[]>> = {
  keras: KERAS_LAYERS,
  torch: [...TORCH_LAYERS, KERAS_DENSE],
};

/** The layer type names of each layout. */
export const LAYER_TYPES: Readonly<Record<KernelLayout, readonly string[]>> = {
  keras: LAYERS.keras.map((d) => d.type),
  torch: LAYERS.torch.map((d) => d.type),
};

/** Types only the other layout has, with the name to use instead (if any). */
const FOREIGN_TYPES: Readonly<Record<KernelLayout, Readonly<Record<string, string | undefined>>>> = {
  keras: { linear: 'dense', hf_conv1d: 'dense', rms_norm: undefined },
  torch: {},
};

const OTHER: Readonly<Record<KernelLayout, KernelLayout>> = { keras: 'torch', torch: 'keras' };

function findDef(l: Raw, at: string, layout: KernelLayout): LayerDef {
  const def = LAYERS[layout].find((d) => d.type === l.type);
  if (def !== undefined) return def;
  const known = `must be one of ${LAYER_TYPES[layout].join(', ')}`;
  const type = l.type;
  if (typeof type === 'string' && Object.prototype.hasOwnProperty.call(FOREIGN_TYPES[layout], type)) {
    const instead = FOREIGN_TYPES[layout][type];
    const hint = `${type} is a ${OTHER[layout]} layer: give "layout": "${OTHER[layout]}"${instead === undefined ? '' : `, or use ${instead}`}`;
    throw specError(`${at}.type`, `${known} under layout ${layout} (${hint})`, type);
  }
  throw specError(`${at}.type`, `${known} under layout ${layout}`, type);
}

/** Refuse fields the layer type does not have; a name from the other framework says which to use. */
function checkFields(l: Raw, at: string, def: LayerDef, layout: KernelLayout): void {
  const allowed = ['type', 'name', 'dtype', 'seed', ...def.fields];
  const layer = `${/^[aeiou]/.test(def.type) ? 'an' : 'a'} ${def.type} layer under layout ${layout}`;
  for (const k of Object.keys(l)) {
    if (allowed.includes(k)) continue;
    const instead = Object.prototype.hasOwnProperty.call(def.renamed, k) ? def.renamed[k] : undefined;
    const rule = instead !== undefined
      ? `is not a field of ${layer}: use ${instead}`
      : `is not a known field of ${layer} (known: ${allowed.join(', ')})`;
    throw specError(fieldPath(at, k), rule, l[k]);
  }
}

/** The initializer a tensor gets: the layer's override field, else the default; fans the layer knows are filled in. */
function chosenInitializer(l: Raw, p: LayerParam): unknown {
  const given = p.field === undefined ? undefined : l[p.field];
  const init = given ?? p.init;
  if (p.fans === undefined) return init;
  const obj: Raw | undefined = typeof init === 'string' ? { type: init } : isObject(init) ? init : undefined;
  const def = obj !== undefined && typeof obj.type === 'string' ? findInitializer(obj.type) : undefined;
  if (obj === undefined || def === undefined || !def.params.some((q) => q.name === 'fan_in')) return init;
  return { fan_in: p.fans.fanIn, fan_out: p.fans.fanOut, ...obj };
}

/**
 * Expand the spec's `layers` into tensors, with the vocabulary of `layout`. Names: Keras
 * `NAME/kernel` with NAME defaulting to `dense`, `dense_1`, ... as Keras 3 names them (a counter per type); torch
 * `NAME.weight` with NAME defaulting to the layer's index, as in an nn.Sequential. A layer's input
 * width (`input_dim`, `in_features`, `in_channels`, `dim`, `num_features`, `normalized_shape`)
 * defaults to the previous layer's output width.
 */
export function expandLayers(layers: unknown, layout: KernelLayout): LayerTensor[] {
  if (!Array.isArray(layers)) throw specError('layers', `must be a list of layers like ${EXAMPLE[layout]}`, layers);
  if (layers.length > MAX_TENSORS) throw specError('layers', `must list at most ${MAX_TENSORS} layers`, layers.length);
  const counters = new Map<string, number>();
  let previous: number | undefined;
  const out: LayerTensor[] = [];
  layers.forEach((l: unknown, i: number) => {
    const at = `layers[${i}]`;
    if (!isObject(l)) throw specError(at, 'must be an object with a "type"', l);
    const def = findDef(l, at, layout);
    checkFields(l, at, def, layout);
    const count = (counters.get(def.kerasPrefix) ?? 0) + 1;
    counters.set(def.kerasPrefix, count);
    let base: string;
    // Keras 3 names unnamed layers dense, dense_1, dense_2, ... (a counter per class, the first bare).
    if (l.name === undefined) base = layout === 'keras' ? (count === 1 ? def.kerasPrefix : `${def.kerasPrefix}_${count - 1}`) : String(i);
    else if (typeof l.name === 'string' && l.name !== '') base = l.name;
    else throw specError(`${at}.name`, 'must be a non-empty string', l.name);
    const { params, output } = def.expand(l, at, previous, layout);
    previous = output ?? previous;
    for (const p of params) {
      const dtype = p.dtype ?? l.dtype;
      out.push({
        name: layout === 'keras' ? `${base}/${p.name}` : `${base}.${p.name}`,
        namePath: l.name === undefined ? at : `${at}.name`,
        shape: p.shape,
        initializer: chosenInitializer(l, p),
        initPath: p.field === undefined ? at : `${at}.${p.field}`,
        ...(dtype !== undefined ? { dtype } : {}),
        dtypePath: `${at}.dtype`,
        ...(l.seed !== undefined ? { seed: l.seed } : {}),
        seedPath: `${at}.seed`,
        ...(p.zeroRows !== undefined ? { zeroRows: p.zeroRows } : {}),
      });
    }
  });
  return out;
}
