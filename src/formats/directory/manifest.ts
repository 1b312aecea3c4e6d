import { compatMode } from '../../compat/stream.js';
import { STREAM_VERSION } from '../../rng/stream.js';
import { specToJson } from '../../weights-spec/parse.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import { TOOL_VERSION } from '../../version.js';

/** One file listed in a manifest. */
export interface ManifestFile {
  readonly tensor: string;
  readonly path: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: number;
  readonly sha256: string;
  /** For a file holding several tensors in a directory (a shard): their names; `tensor` is then '*'. */
  readonly tensors?: readonly string[];
}

/** Provenance carried by every output that has room for it. */
export function provenance(spec: WeightsSpec): Record<string, unknown> {
  return {
    tool: 'init-weights',
    toolVersion: TOOL_VERSION,
    streamVersion: STREAM_VERSION,
    seed: spec.seed,
    // A compat output records the framework it reproduces (the spec's `compat` is what verify reads).
    ...(spec.compat !== undefined ? { compat: { mode: spec.compat, follows: compatMode(spec.compat).follows } } : {}),
    spec: specToJson(spec),
  };
}

/** manifest.json of a directory or tar output: provenance plus each file's sha256. Stable bytes. */
export function encodeManifest(spec: WeightsSpec, files: readonly ManifestFile[]): Buffer {
  return Buffer.from(`${JSON.stringify({ ...provenance(spec), files }, null, 2)}\n`, 'utf8');
}
