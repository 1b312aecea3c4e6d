import { specError } from '../errors.js';
import type { KernelLayout } from '../init/fans.js';
import { chosenLabel } from './expand/chosen.js';
import type { ExpandResult } from './expand/expand.js';
import { checkKeys, isObject } from './fields.js';
import type { SpecInterner } from './intern.js';
import { expandLayers } from './layers.js';
import { MAX_TENSORS } from './types.js';

/*
 * The tensor entries of a spec before resolution, from `layers` and `tensors`, with their error
 * paths. Entries of `tensors` are made one at a time, when resolved (or when an error needs one
 * again): an entry per tensor kept for the whole resolution was ~20 MB of a 150k-tensor peak.
 */

const TENSOR_KEYS = ['name', 'shape', 'initializer', 'dtype', 'seed', 'zero_rows', 'chosen_by'];
/** Longest `chosen_by` note (a rule label: `rules[k]` and its globs). */
const MAX_NOTE = 4096;

/** One tensor entry before resolution, from `tensors` or expanded from `layers`, with its error paths. */
export interface Entry {
  readonly name: unknown;
  readonly namePath: string;
  readonly shape: unknown;
  readonly shapePath: string;
  readonly initializer: unknown;
  readonly initPath: string;
  readonly dtype: unknown;
  readonly dtypePath: string;
  readonly seed: unknown;
  readonly seedPath: string;
  readonly zeroRows: unknown;
  readonly zeroRowsPath: string;
  /**
   * What chose the initializer when a rule or defaults did (a `chosen_by` note the entry carries
   * wins: printed specs keep theirs); undefined when the tensor's own field or its layer did.
   */
  readonly chosenBy: string | undefined;
  /** Where to point when the name repeats one before it. */
  readonly where: string;
}

/** The entries of a spec, in order: layers' tensors, then `tensors`. */
export interface Entries {
  readonly count: number;
  /** Entry i (0 <= i < count), made anew for a `tensors` entry. */
  at(i: number): Entry;
}

function checkNote(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_NOTE) throw specError(path, `must be a string of at most ${MAX_NOTE} characters (a note of what chose the initializer)`, value);
  return value;
}

/** An entry of `tensors`: its error paths are worked out from `where` only when asked for. */
class TensorEntry implements Entry {
  readonly name: unknown;
  readonly shape: unknown;
  readonly initializer: unknown;
  readonly dtype: unknown;
  readonly seed: unknown;
  readonly zeroRows: unknown;

  constructor(t: Record<string, unknown>, readonly where: string, readonly chosenBy: string | undefined) {
    this.name = t.name;
    this.shape = t.shape;
    this.initializer = t.initializer;
    this.dtype = t.dtype;
    this.seed = t.seed;
    this.zeroRows = t.zero_rows;
  }

  get namePath(): string { return `${this.where}.name`; }
  get shapePath(): string { return `${this.where}.shape`; }
  get initPath(): string { return `${this.where}.initializer`; }
  get dtypePath(): string { return `${this.where}.dtype`; }
  get seedPath(): string { return `${this.where}.seed`; }
  get zeroRowsPath(): string { return `${this.where}.zero_rows`; }
}

/** Entry i of `tensors`, checked (an object of known fields, with an initializer); labels are interned. */
function tensorEntry(list: readonly unknown[], i: number, expanded: ExpandResult, rules: unknown, interner: SpecInterner): Entry {
  const t = list[i];
  const made = expanded.tensorAt(i);
  // Inside repeat blocks `path` says which copy: `tensors[0](i=3).tensors[1]`.
  const path = made?.origin ?? `tensors[${i}]`;
  if (!isObject(t)) throw specError(path, 'must be an object with name, shape and initializer', t);
  checkKeys(t, TENSOR_KEYS, path);
  if (t.initializer === undefined) {
    throw specError(`${path}.initializer`, 'is required (for example "zeros" or {"type": "normal", "stddev": 0.05}; or from "defaults" or a matching rule)', undefined);
  }
  const note = t.chosen_by === undefined ? undefined : checkNote(t.chosen_by, `${path}.chosen_by`);
  return new TensorEntry(t, path, interner.label(note ?? chosenLabel(made?.chosenBy ?? 'tensor', rules)));
}

/** The `tensors` list, every entry checked up front (so the first bad entry is reported before any is resolved). */
function tensorEntries(list: unknown, expanded: ExpandResult, rules: unknown, interner: SpecInterner): Entries {
  if (!Array.isArray(list)) throw specError('tensors', 'must be a list of tensors', list);
  if (list.length > MAX_TENSORS) throw specError('tensors', `must list at most ${MAX_TENSORS} tensors`, list.length);
  for (let i = 0; i < list.length; i++) tensorEntry(list, i, expanded, rules, interner);
  return { count: list.length, at: (i) => tensorEntry(list, i, expanded, rules, interner) };
}

function layerEntries(layers: unknown, layout: KernelLayout): Entry[] {
  return expandLayers(layers, layout).map((t) => ({
    name: t.name, namePath: t.namePath, shape: [...t.shape], shapePath: t.namePath, initializer: t.initializer, initPath: t.initPath,
    dtype: t.dtype, dtypePath: t.dtypePath, seed: t.seed, seedPath: t.seedPath, zeroRows: t.zeroRows, zeroRowsPath: t.namePath.replace(/\.name$/, ''),
    chosenBy: undefined, where: t.namePath.replace(/\.name$/, ''),
  }));
}

/** The entries of a raw spec's `layers` (expanded with the layout's framework defaults) then `tensors`. */
export function specEntries(raw: Record<string, unknown>, layout: KernelLayout, expanded: ExpandResult, rules: unknown, interner: SpecInterner): Entries {
  const layers = raw.layers === undefined ? [] : layerEntries(raw.layers, layout);
  const tensors = raw.tensors === undefined ? undefined : tensorEntries(raw.tensors, expanded, rules, interner);
  return { count: layers.length + (tensors?.count ?? 0), at: (i) => (i < layers.length ? layers[i]! : tensors!.at(i - layers.length)) };
}
