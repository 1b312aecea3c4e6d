/*
 * The safetensors header, pure: an 8-byte little-endian length, then JSON
 * {"__metadata__": {string: string}, NAME: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
 * padded with spaces so the data starts at a multiple of 8 (what safetensors' own writer does, so
 * readers that map the file can view each tensor in place). Offsets start at 0 and tile the data
 * with no holes, in the order given.
 */
import { DTYPES, type Dtype } from '../../dtype/table.js';
import { InitWeightsError } from '../../errors.js';
import { SAFETENSORS_DTYPES } from './dtypes.js';
import { provenanceString, RecordedSpec } from '../directory/manifest.js';
import { specJsonPieces } from '../../weights-spec/printable.js';
import { DTYPE_NAMES, metadataText, scanSafetensorsHeader } from './scan.js';

export { SAFETENSORS_DTYPES, SAFETENSORS_READ_DTYPES } from './dtypes.js';

/** safetensors refuses headers over 100,000,000 bytes (MAX_HEADER_SIZE in its Rust crate). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
}

/** Byte length of an entry's data. */
export function entryBytes(e: SafetensorsEntry): number {
  return e.shape.reduce((a, b) => a * b, 1) * DTYPES[e.dtype].bytes;
}

/**
 * A name JavaScript orders as an array index (a canonical integer below 2^32 - 1): objects list such
 * keys first, ascending, before the others in insertion order, and the header's bytes always
 * followed JSON.stringify of an object keyed by name.
 */
function isIndexKey(name: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(name) && Number(name) < 2 ** 32 - 1;
}

/**
 * A `__metadata__` value: its text, or its text made in pieces as the header is written (the
 * recorded spec, tens of MB, is then never held whole). No piece may split a surrogate pair.
 */
export type MetadataValue = string | { readonly pieces: () => Iterable<string> };

/** Characters of a long string escaped per piece. */
const ESCAPE_PIECE = 1 << 16;

/**
 * JSON.stringify of a string object, piece by piece: a long value (the recorded spec) is escaped a
 * slice at a time, never as a second whole copy. Escapes are per character, so the pieces join to
 * JSON.stringify's text as long as no slice splits a surrogate pair.
 */
function* objectPieces(obj: Readonly<Record<string, MetadataValue>>): Generator<string> {
  let first = true;
  for (const [k, value] of Object.entries(obj)) {
    yield `${first ? '{' : ','}${JSON.stringify(k)}:"`;
    first = false;
    for (const v of typeof value === 'string' ? [value] : value.pieces()) {
      for (let i = 0; i < v.length;) {
        let end = Math.min(v.length, i + ESCAPE_PIECE);
        const last = v.charCodeAt(end - 1);
        if (end < v.length && last >= 0xd800 && last <= 0xdbff) end--;
        yield JSON.stringify(v.slice(i, end)).slice(1, -1);
        i = end;
      }
    }
    yield '"';
  }
  yield first ? '{}' : '}';
}

/** The header JSON piece by piece, in JSON.stringify's key order: index-like names, `__metadata__`, the rest. */
function* headerPieces(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, MetadataValue>>): Generator<string> {
  const offsets: number[] = [];
  const indexed: number[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    if (e.name === '__metadata__') {
      throw new InitWeightsError('E_USAGE', 'a tensor named "__metadata__" cannot be stored in safetensors (the name is reserved for its metadata): rename it or pick another format');
    }
    offsets.push(offset);
    offset += entryBytes(e);
    if (isIndexKey(e.name)) indexed.push(i);
  });
  offsets.push(offset);
  const entry = (i: number): string => {
    const e = entries[i]!;
    return `${JSON.stringify(e.name)}:${JSON.stringify({ dtype: SAFETENSORS_DTYPES[e.dtype], shape: e.shape, data_offsets: [offsets[i], offsets[i + 1]] })}`;
  };
  yield '{';
  for (const i of indexed.sort((a, b) => Number(entries[a]!.name) - Number(entries[b]!.name))) yield `${entry(i)},`;
  yield '"__metadata__":';
  yield* objectPieces(metadata);
  for (let i = 0; i < entries.length; i++) if (!isIndexKey(entries[i]!.name)) yield `,${entry(i)}`;
  yield '}';
}

/** Bytes per buffer of {@link safetensorsHeaderChunks}. */
const CHUNK_BYTES = 1 << 20;

/**
 * Text as UTF-8 in buffers of about `size` bytes (more only for a longer piece), each piece written
 * straight into the buffer: no joined string of the chunk's size.
 */
function* utf8Chunks(pieces: Iterable<string>, size: number): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(0);
  let at = 0;
  for (const piece of pieces) {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: measure only pieces that might not fit.
    const need = piece.length * 3 <= buf.length - at ? 0 : Buffer.byteLength(piece, 'utf8');
    if (at + need > buf.length) {
      if (at > 0) yield buf.subarray(0, at);
      buf = Buffer.allocUnsafe(Math.max(size, need));
      at = 0;
    }
    at += buf.write(piece, at, 'utf8');
  }
  if (at > 0) yield buf.subarray(0, at);
}

/**
 * Length prefix + padded JSON header, in buffers of about 1 MiB made as they are taken (the length
 * is measured in a first pass over the pieces). The data of the entries must follow, in this order.
 * Errors (a reserved name, a header past the readers' limit) come before the first buffer. The
 * header as one buffer was ~67 MB beside the 35 MB spec text at 100k tensors of 240-character names.
 */
export function* safetensorsHeaderChunks(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, MetadataValue>>): Generator<Buffer> {
  let length = 0;
  for (const piece of headerPieces(entries, metadata)) length += Buffer.byteLength(piece, 'utf8');
  const padded = Math.ceil(length / 8) * 8;
  if (padded > SAFETENSORS_MAX_HEADER) throw new RangeError(`safetensors header of ${padded} bytes (readers accept at most ${SAFETENSORS_MAX_HEADER})`);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(padded), 0);
  yield prefix;
  let written = 0;
  for (const chunk of utf8Chunks(padTo(headerPieces(entries, metadata), padded - length), CHUNK_BYTES)) {
    written += chunk.length;
    yield chunk;
  }
  // The declared length holds only if both passes made the same text.
  if (written !== padded) throw new Error(`safetensors header: declared ${padded} bytes, wrote ${written}`);
}

function* padTo(pieces: Iterable<string>, spaces: number): Generator<string> {
  yield* pieces;
  yield ' '.repeat(spaces);
}

/** The whole header as one buffer ({@link safetensorsHeaderChunks} joined): for small headers and tests. */
export function encodeSafetensorsHeader(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, MetadataValue>>): Buffer {
  return Buffer.concat([...safetensorsHeaderChunks(entries, metadata)]);
}

/** Every provenance value as a string, as `__metadata__` requires; `format: pt` for transformers. */
export function safetensorsMetadata(prov: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = { format: 'pt' };
  for (const [k, v] of Object.entries(prov)) out[k] = provenanceString(v);
  return out;
}

/** {@link safetensorsMetadata} with the recorded spec left to be made in pieces as the header is written. */
export function safetensorsMetadataPieces(prov: Readonly<Record<string, unknown>>): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = { format: 'pt' };
  for (const [k, v] of Object.entries(prov)) out[k] = v instanceof RecordedSpec ? { pieces: () => specJsonPieces(v.spec) } : provenanceString(v);
  return out;
}

/** Hugging Face's shard file name: model-00001-of-00003.safetensors. */
export function shardName(index: number, count: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}

/** The shard count a file name gives as shardName writes it (model-0000i-of-0000n.safetensors), or undefined. */
export function shardCountOfName(file: string): number | undefined {
  const m = /^model-\d{5}-of-(\d{5})\.safetensors$/.exec(file);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Group tensors, in order, into shards whose data stays within `maxBytes` (as transformers'
 * `shard_checkpoint` does: a tensor larger than the limit gets a shard of its own).
 */
export function planShards<T extends SafetensorsEntry>(entries: readonly T[], maxBytes: number): T[][] {
  const shards: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const e of entries) {
    const b = entryBytes(e);
    if (current.length > 0 && size + b > maxBytes) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push(e);
    size += b;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

/** model.safetensors.index.json: total data bytes and which shard holds each tensor. */
export function encodeShardIndex(shards: readonly (readonly SafetensorsEntry[])[], metadata: Readonly<Record<string, string>> = {}): Buffer {
  const weightMap = Object.create(null) as Record<string, string>;
  let total = 0;
  shards.forEach((shard, i) => {
    for (const e of shard) {
      weightMap[e.name] = shardName(i, shards.length);
      total += entryBytes(e);
    }
  });
  return Buffer.from(`${JSON.stringify({ metadata: { ...metadata, total_size: total }, weight_map: weightMap }, null, 2)}\n`, 'utf8');
}

/** One tensor entry of a header being read, checked. */
export interface SafetensorsRecord {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Parse and check a safetensors JSON header (pure): entries sorted by offset, starting at 0 and
 * tiling the data with no hole and no overlap, each exactly shape × dtype bytes, no name twice.
 * Returns the entries and `__metadata__`, or a reason the header is unusable. Readers of large
 * headers use {@link scanSafetensorsHeader}, which keeps the entries compactly.
 */
export function parseSafetensorsHeader(text: string): { entries: SafetensorsRecord[]; metadata: Record<string, unknown> | undefined } | string {
  const header = Buffer.from(text, 'utf8');
  const scanned = scanSafetensorsHeader(header);
  if (typeof scanned === 'string') return scanned;
  const t = scanned.table;
  const entries = Array.from({ length: t.count }, (_, k) => ({ name: t.name(k), dtype: DTYPE_NAMES[t.code(k)]!, shape: t.shape(k), begin: t.begin(k), end: t.end(k) }));
  const meta = metadataText(header, scanned);
  return { entries, metadata: meta === undefined ? undefined : (JSON.parse(meta) as Record<string, unknown>) };
}
