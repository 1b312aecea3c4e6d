import type { TensorSpec, WeightsSpec } from './types.js';

/** One resolved tensor as spec JSON: every field written out; `zero_rows` only when it has some. */
function tensorJson(t: TensorSpec): Record<string, unknown> {
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
  // `compat` only when set: the bytes of every other spec's provenance stay as they were.
  return { version: spec.version, seed: spec.seed, dtype: spec.dtype, ...(spec.compat !== undefined ? { compat: spec.compat } : {}), tensors: spec.tensors.map(tensorJson) };
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
