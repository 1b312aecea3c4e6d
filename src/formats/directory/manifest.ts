import { compatMode } from '../../compat/stream.js';
import { STREAM_VERSION } from '../../rng/stream.js';
import { specHead, specJsonText, specToJson, tensorJson } from '../../weights-spec/printable.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import { TOOL_VERSION } from '../../version.js';
import { specError, type InitWeightsError } from '../../errors.js';
import { MANIFEST, MAX_MANIFEST_BYTES } from './header.js';

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

/**
 * The spec inside a provenance, without its JSON tree: JSON.stringify gives specToJson's JSON (through
 * toJSON), and {@link provenanceString} its compact text, made once per spec. A tree per output file
 * (a safetensors shard, an Arrow file) held ~5 objects per tensor only to be stringified.
 */
export class RecordedSpec {
  constructor(readonly spec: WeightsSpec) {}
  toJSON(): Record<string, unknown> {
    return specToJson(this.spec);
  }
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
    spec: new RecordedSpec(spec),
  };
}

/** A provenance value as metadata text (safetensors, Arrow): a string as it is, anything else as JSON. */
export function provenanceString(value: unknown): string {
  if (typeof value === 'string') return value;
  return value instanceof RecordedSpec ? specJsonText(value.spec) : JSON.stringify(value);
}

/** JSON.stringify(value, null, 2) for a value written `depth` spaces in. */
function indented(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${' '.repeat(depth)}`);
}

/** An object's fields as JSON.stringify(_, null, 2) writes them `depth` spaces in, each followed by a comma (more follow). */
function* fieldsBefore(obj: Record<string, unknown>, depth: number): Generator<string> {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) yield `${' '.repeat(depth)}${JSON.stringify(k)}: ${indented(v, depth)},\n`;
  }
}

/** A list as JSON.stringify(_, null, 2) writes it `depth` spaces in, item by item. */
function* list<T>(items: readonly T[], depth: number, json: (item: T) => unknown): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[\n';
  const pad = ' '.repeat(depth + 2);
  for (let i = 0; i < items.length; i++) yield `${pad}${indented(json(items[i]!), depth + 2)}${i < items.length - 1 ? ',' : ''}\n`;
  yield `${' '.repeat(depth)}]`;
}

/** What a sharded run records in its manifest (its entries have no sha256). */
export interface ShardNote {
  readonly count: number;
}

/** The manifest's text, piece by piece: `JSON.stringify({...provenance(spec), shard?, files}, null, 2)` and a newline. */
function* manifestPieces(spec: WeightsSpec, files: readonly ManifestFile[], shard: ShardNote | undefined): Generator<string> {
  // The spec is provenance's last field; the files follow it.
  const head = provenance(spec);
  delete head.spec;
  yield '{\n';
  yield* fieldsBefore(head, 2);
  yield '  "spec": {\n';
  yield* fieldsBefore(specHead(spec), 4);
  yield '    "tensors": ';
  yield* list(spec.tensors, 4, tensorJson);
  yield '\n  },\n';
  if (shard !== undefined) yield* fieldsBefore({ shard }, 2);
  yield '  "files": ';
  yield* list(files, 2, (f) => f);
  yield '\n}\n';
}

/** Bytes per buffer of {@link manifestChunks}. */
const CHUNK_BYTES = 1 << 20;

/**
 * The manifest's length in bytes (a tar header declares it before the text). A manifest longer than
 * MAX_MANIFEST_BYTES could not be read back by verify, inspect or `--force`: refused (exit 2).
 */
export function manifestByteLength(spec: WeightsSpec, files: readonly ManifestFile[], shard?: ShardNote): number {
  const size = piecesLength(spec, files, shard);
  if (size > MAX_MANIFEST_BYTES) throw manifestTooLong(size, spec.tensors.length);
  return size;
}

function piecesLength(spec: WeightsSpec, files: readonly ManifestFile[], shard: ShardNote | undefined): number {
  let size = 0;
  for (const piece of manifestPieces(spec, files, shard)) size += Buffer.byteLength(piece, 'utf8');
  return size;
}

function manifestTooLong(size: number, tensors: number, atLeast = false): InitWeightsError {
  const rule = `are too many (or their names too long) for a directory or tar output: its ${MANIFEST} would be ${atLeast ? 'at least ' : ''}${size} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit verify and inspect read (write one safetensors or npz file instead)`;
  return specError('tensors', rule, tensors);
}

/**
 * Refuse, before anything is generated, a spec whose manifest would surely be too long: measured
 * with an entry per tensor (`fileEach`: a file per tensor) shorter than its real one (its name as
 * the path, 0 bytes), so only a manifest over the limit is refused here. The exact check comes when
 * the manifest is made (after generating: a 100k-file directory took minutes to be refused then).
 */
export function checkManifestRoom(spec: WeightsSpec, fileEach: boolean): void {
  const sha256 = '0'.repeat(64);
  const files: ManifestFile[] = fileEach ? spec.tensors.map((t) => ({ tensor: t.name, path: t.name, dtype: t.dtype, shape: t.shape, bytes: 0, sha256 })) : [];
  const size = piecesLength(spec, files, undefined);
  if (size > MAX_MANIFEST_BYTES) throw manifestTooLong(size, spec.tensors.length, true);
}

/**
 * manifest.json's bytes in buffers of about 1 MiB, made as they are taken: a writer holds one
 * buffer, not the whole manifest (~50 MB at 100k tensors).
 */
export function* manifestChunks(spec: WeightsSpec, files: readonly ManifestFile[], shard?: ShardNote): Generator<Buffer> {
  let batch: string[] = [];
  let length = 0;
  for (const piece of manifestPieces(spec, files, shard)) {
    batch.push(piece);
    length += piece.length;
    if (length >= CHUNK_BYTES) {
      yield Buffer.from(batch.join(''), 'utf8');
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) yield Buffer.from(batch.join(''), 'utf8');
}

/**
 * manifest.json of a directory or tar output: provenance (then a sharded run's `shard`) plus each
 * file's sha256 (sizes alone from a sharded run). Stable bytes. One buffer of the exact size (the
 * whole text as one string, and the JSON tree behind it, were ~3x the manifest's size at 150k
 * tensors); writers take {@link manifestChunks} instead.
 */
export function encodeManifest(spec: WeightsSpec, files: readonly ManifestFile[], shard?: ShardNote): Buffer {
  const size = manifestByteLength(spec, files, shard);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of manifestPieces(spec, files, shard)) at += out.write(piece, at, 'utf8');
  if (at !== size) throw new Error(`internal: manifest of ${size} bytes wrote ${at}`);
  return out;
}
