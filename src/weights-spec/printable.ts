import type { TensorSpec, WeightsSpec } from './types.js';

/** One resolved tensor as spec JSON: every field written out; `zero_rows` only when it has some. */
export function tensorJson(t: TensorSpec): Record<string, unknown> {
  return {
    name: t.name,
    shape: t.shape,
    initializer: { type: t.initializer.type, ...t.initializer.params },
    dtype: t.dtype,
    seed: t.seed,
    ...(t.zeroRows !== undefined ? { zero_rows: t.zeroRows } : {}),
  };
}

/**
 * The spec as JSON-ready data (resolved: every default written out), for manifests and metadata.
 * Its bytes for a spec without zero rows are what they were before zero rows existed.
 */
export function specToJson(spec: WeightsSpec): Record<string, unknown> {
  return { ...specHead(spec), tensors: spec.tensors.map(tensorJson) };
}

/** specToJson's fields before `tensors`, in order. */
export function specHead(spec: WeightsSpec): Record<string, unknown> {
  // `compat` only when set: the bytes of every other spec's provenance stay as they were.
  return { version: spec.version, seed: spec.seed, dtype: spec.dtype, ...(spec.compat !== undefined ? { compat: spec.compat } : {}) };
}

const specTexts = new WeakMap<WeightsSpec, string>();

/**
 * JSON.stringify(specToJson(spec)) piece by piece, a tensor per piece (no JSON tree of the whole
 * spec): a writer takes them one at a time and never holds the whole text, nor a string large
 * enough to skip V8's young generation. No piece splits a surrogate pair.
 */
export function* specJsonPieces(spec: WeightsSpec): Generator<string> {
  const head = JSON.stringify(specHead(spec));
  yield `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"tensors":[`;
  for (let i = 0; i < spec.tensors.length; i++) yield `${i > 0 ? ',' : ''}${JSON.stringify(tensorJson(spec.tensors[i]!))}`;
  yield ']}';
}

/**
 * {@link specJsonPieces} joined, made once per spec object: every file of an output records the
 * same spec. Joined once, into a flat string: a string grown a tensor at a time is a rope ~2x the
 * text's size, and a rope is copied flat again by the first slice a writer takes.
 */
export function specJsonText(spec: WeightsSpec): string {
  let text = specTexts.get(spec);
  if (text === undefined) {
    text = [...specJsonPieces(spec)].join('');
    specTexts.set(spec, text);
  }
  return text;
}

/**
 * The fully expanded, resolved spec for a user to review and commit (the CLI's print-spec): names,
 * shapes, dtypes, seeds, each initializer with every parameter, zero rows, and `chosen_by` (which
 * rule chose it). It is itself a plain v1 spec: resolving it gives a spec that prints to the same
 * JSON (chosen_by is kept as a note), so the printed file pins what was generated.
 */
export function printableSpec(spec: WeightsSpec): Record<string, unknown> {
  return {
    version: spec.version,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    seed: spec.seed,
    dtype: spec.dtype,
    layout: spec.layout,
    ...(spec.compat !== undefined ? { compat: spec.compat } : {}),
    tensors: spec.tensors.map((t) => ({ ...tensorJson(t), ...(t.chosenBy !== undefined ? { chosen_by: t.chosenBy } : {}) })),
  };
}
