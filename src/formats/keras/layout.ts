import { usageError } from '../../errors.js';
import type { TensorSpec } from '../../weights-spec/types.js';

/** Keras 3's `model.load_weights()` takes this layout only from a path ending in `.weights.h5`. */
export const KERAS_EXTENSION = '.weights.h5';

/**
 * Variable names in the order Keras layers create them (Dense/Conv: kernel then bias; SeparableConv:
 * depthwise, pointwise, bias; LSTM/GRU cells: kernel, recurrent_kernel, bias; BatchNormalization:
 * gamma, beta, moving_mean, moving_variance). A layer stores its variables as `vars/0`, `vars/1`, ...
 * in that order, counting only the ones it has (BatchNormalization(center=False) has no beta, so its
 * moving_mean is `vars/1`).
 */
export const KERAS_VARIABLE_ORDER = [
  'kernel', 'depthwise_kernel', 'pointwise_kernel', 'recurrent_kernel', 'bias',
  'embeddings', 'gamma', 'beta', 'moving_mean', 'moving_variance',
] as const;

/** One tensor's place in the file: `layers/<layer>/vars/<index>`. */
export interface KerasEntry {
  readonly tensor: TensorSpec;
  /** The HDF5 path of the dataset, without a leading slash. */
  readonly path: string;
  /** The `vars` group that holds it. */
  readonly group: string;
  /** The layer's name, recorded as the `name` attribute of its `vars` group (as Keras does). */
  readonly layer: string;
}

/** A tensor named as the dataset itself (`layers/lstm/cell/vars/0`): an escape hatch for any layout. */
const RAW_PATH = /^layers\/(?:[^/]+\/)+vars\/(0|[1-9]\d{0,5})$/;
/** A layer name Keras could give: no slashes, nothing HDF5 treats specially. */
const LAYER = /^[^/.][^/]*$/;

const RULE = `a Keras weights file needs tensor names LAYER/VARIABLE with VARIABLE one of ${KERAS_VARIABLE_ORDER.join(', ')} (or a full path layers/.../vars/N)`;

/**
 * Where each tensor goes in a Keras 3 `.weights.h5` file. `dense/kernel` and `dense/bias` become
 * `layers/dense/vars/0` and `/1`. A name that does not fit, or two tensors on one dataset, is a
 * usage error naming the tensor (raised before anything is written).
 */
export function kerasLayout(tensors: readonly TensorSpec[]): KerasEntry[] {
  const byLayer = new Map<string, { tensor: TensorSpec; rank: number }[]>();
  const out: KerasEntry[] = [];
  const taken = new Map<string, string>();
  const claim = (path: string, name: string): void => {
    const other = taken.get(path);
    if (other !== undefined) throw usageError('format', `tensors ${JSON.stringify(other)} and ${JSON.stringify(name)} both map to the Keras dataset ${path}`, name);
    taken.set(path, name);
  };
  for (const t of tensors) {
    if (RAW_PATH.test(t.name)) {
      claim(t.name, t.name);
      const group = t.name.slice(0, t.name.lastIndexOf('/'));
      out.push({ tensor: t, path: t.name, group, layer: group.split('/').at(-2)! });
      continue;
    }
    const slash = t.name.indexOf('/');
    const layer = t.name.slice(0, slash);
    const rank = (KERAS_VARIABLE_ORDER as readonly string[]).indexOf(t.name.slice(slash + 1));
    if (slash < 0 || !LAYER.test(layer) || rank < 0) throw usageError('format', RULE, t.name);
    const list = byLayer.get(layer) ?? [];
    if (list.some((e) => e.rank === rank)) throw usageError('format', `tensor names must be unique within the layer ${JSON.stringify(layer)}`, t.name);
    list.push({ tensor: t, rank });
    byLayer.set(layer, list);
  }
  for (const [layer, list] of byLayer) {
    list.sort((a, b) => a.rank - b.rank);
    list.forEach(({ tensor }, i) => {
      const group = `layers/${layer}/vars`;
      claim(`${group}/${i}`, tensor.name);
      out.push({ tensor, path: `${group}/${i}`, group, layer });
    });
  }
  // File order follows the spec's tensor order, so generation order (and progress) is the spec's.
  const order = new Map(tensors.map((t, i) => [t, i]));
  return out.sort((a, b) => order.get(a.tensor)! - order.get(b.tensor)!);
}

/**
 * Bytes per HDF5 chunk at most. HDF5's default chunk cache holds 1 MiB per dataset; a chunk that
 * fits is filled in the cache by consecutive writes instead of read back and rewritten.
 */
export const CHUNK_BYTES = 1 << 20;

/**
 * Chunk shape for a dataset written in C order: whole trailing rows, as many leading rows as fit in
 * CHUNK_BYTES, so each chunk is one contiguous run of the stream ([1, 1, k, d3, d4] shapes).
 */
export function chunkShape(shape: readonly number[], elementBytes: number): number[] {
  const chunk = shape.map((d) => Math.max(1, d));
  for (let d = 0; d < chunk.length; d++) {
    const rest = chunk.slice(d + 1).reduce((a, b) => a * b, 1) * elementBytes;
    if (rest * chunk[d]! <= CHUNK_BYTES) break;
    chunk[d] = Math.max(1, Math.floor(CHUNK_BYTES / rest));
    if (rest <= CHUNK_BYTES) break;
  }
  return chunk;
}

/** A hyperslab: a box of `count` elements starting at `offset`, one entry per dimension. */
export interface Slab {
  readonly offset: number[];
  readonly count: number[];
}

/**
 * The flat C-order element range [start, end) of an array of `shape` as at most 2·rank−1 boxes, in
 * order (so a chunk of the stream is written without regrouping its bytes). A partial leading row,
 * whole rows, then a partial trailing row, each partial row split the same way one dimension down.
 */
export function flatSlabs(shape: readonly number[], start: number, end: number): Slab[] {
  const out: Slab[] = [];
  const n = shape.length;
  const inner = (dim: number): number => shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  // Work items: (dim, prefix offsets, start, end within the sub-array at `dim`). Depth is at most n.
  const visit = (dim: number, prefix: number[], s: number, e: number): void => {
    if (s >= e) return;
    const ones = prefix.map(() => 1);
    if (dim === n - 1) {
      out.push({ offset: [...prefix, s], count: [...ones, e - s] });
      return;
    }
    const row = inner(dim);
    let r0 = Math.floor(s / row);
    const r1 = Math.floor(e / row);
    if (r0 === r1) {
      visit(dim + 1, [...prefix, r0], s - r0 * row, e - r0 * row);
      return;
    }
    if (s % row !== 0) {
      visit(dim + 1, [...prefix, r0], s - r0 * row, row);
      r0++;
    }
    if (r1 > r0) out.push({ offset: [...prefix, r0, ...shape.slice(dim + 1).map(() => 0)], count: [...ones, r1 - r0, ...shape.slice(dim + 1)] });
    if (e % row !== 0) visit(dim + 1, [...prefix, r1], 0, e - r1 * row);
  };
  if (n === 0) {
    if (start < end) out.push({ offset: [], count: [] });
    return out;
  }
  visit(0, [], start, end);
  return out;
}
