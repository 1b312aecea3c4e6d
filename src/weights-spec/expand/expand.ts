import { specError } from '../../errors.js';
import { expandRepeats, isRepeatBlock } from './repeat.js';
import { applyRules, checkDefaults, checkRules, type ChosenBy } from './rules.js';

/*
 * The additive spec v1 fields `defaults`, `rules` and `repeat` blocks, turned into the plain v1
 * spec that resolveSpec reads (pure). A spec without them is returned as it is, so old specs keep
 * their meaning and bytes. Rules and defaults apply to `tensors` entries; `layers` keep their
 * framework defaults (layer sugar decides them per role).
 */

/** One output tensor entry: where it was written, and what chose its initializer. */
export interface TensorOrigin {
  readonly origin: string;
  readonly chosenBy: ChosenBy;
}

/** A plain v1 raw spec, plus the record of how it was made. */
export interface ExpandResult {
  /** The spec without `defaults` and `rules`, with repeat blocks expanded. */
  readonly spec: unknown;
  /** Parallel to `spec.tensors`. */
  readonly tensors: readonly TensorOrigin[];
  /**
   * tensors[i], made on demand for a spec without `defaults`, `rules` or repeats (an object and a
   * path string per tensor, kept for the whole resolution, were ~15 MB of a 150k-tensor spec).
   */
  readonly tensorAt: (i: number) => TensorOrigin | undefined;
  /** Parallel to `spec.layers`: where each layer was written. */
  readonly layers: readonly string[];
  /** Parallel to the `rules` list: how many tensors each rule took. */
  readonly ruleCounts: readonly number[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasRepeat(list: unknown): boolean {
  return Array.isArray(list) && list.some(isRepeatBlock);
}

/**
 * Expand `defaults`, `rules` and repeat blocks of a raw (parsed JSON) spec. Errors are spec errors
 * naming the field (`rules[1].match`, `tensors[0].repeat`). Other fields pass through unchecked;
 * resolveSpec checks them.
 */
export function expandSpec(raw: unknown): ExpandResult {
  if (!isObject(raw)) return { spec: raw, tensors: [], tensorAt: () => undefined, layers: [], ruleCounts: [] };
  const { defaults: rawDefaults, rules: rawRules, ...rest } = raw;
  const plain = rawDefaults === undefined && rawRules === undefined && !hasRepeat(raw.tensors) && !hasRepeat(raw.layers);
  if (plain) {
    const list: readonly unknown[] = Array.isArray(raw.tensors) ? raw.tensors : [];
    const tensorAt = (i: number): TensorOrigin | undefined => (i < list.length ? { origin: `tensors[${i}]`, chosenBy: chosenOwn(list[i]) } : undefined);
    const layers = Array.isArray(raw.layers) ? raw.layers.map((_: unknown, i: number) => `layers[${i}]`) : [];
    return {
      spec: raw,
      get tensors() {
        return Array.from({ length: list.length }, (_, i) => tensorAt(i)!);
      },
      tensorAt, layers, ruleCounts: [],
    };
  }
  const rules = checkRules(rawRules);
  const defaults = checkDefaults(rawDefaults);
  const lists = expandRepeats(raw.tensors, raw.layers);
  const applied = applyRules(lists.tensors.map((e) => e.item), rules, defaults);
  const spec: Record<string, unknown> = { ...rest };
  if (defaults.dtype !== undefined) {
    if (raw.dtype !== undefined) throw specError('defaults.dtype', 'must not be given together with the top-level "dtype" (give one)', defaults.dtype);
    spec.dtype = defaults.dtype;
  }
  if (raw.tensors !== undefined || applied.tensors.length > 0) spec.tensors = applied.tensors;
  if (raw.layers !== undefined || lists.layers.length > 0) spec.layers = lists.layers.map((e) => e.item);
  const tensors = lists.tensors.map((e, i) => ({ origin: e.origin, chosenBy: applied.chosenBy[i]! }));
  return {
    spec,
    tensors,
    tensorAt: (i) => tensors[i],
    layers: lists.layers.map((e) => e.origin),
    ruleCounts: applied.ruleCounts,
  };
}

function chosenOwn(t: unknown): ChosenBy {
  return isObject(t) && t.initializer !== undefined ? 'tensor' : 'none';
}
