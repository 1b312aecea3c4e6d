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
import { DTYPE_NAMES, scanSafetensorsHeader } from './scan.js';

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

/** Length prefix + padded JSON header. The data of the entries must follow, in this order. */
export function encodeSafetensorsHeader(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, string>>): Buffer {
  // Null-prototype objects: a tensor named "__proto__" must become a key like any other name.
  const header: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, { __metadata__: metadata });
  let offset = 0;
  for (const e of entries) {
    if (e.name === '__metadata__') {
      throw new InitWeightsError('E_USAGE', 'a tensor named "__metadata__" cannot be stored in safetensors (the name is reserved for its metadata): rename it or pick another format');
    }
    const end = offset + entryBytes(e);
    header[e.name] = { dtype: SAFETENSORS_DTYPES[e.dtype], shape: e.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > SAFETENSORS_MAX_HEADER) throw new RangeError(`safetensors header of ${padded} bytes (readers accept at most ${SAFETENSORS_MAX_HEADER})`);
  const out = Buffer.alloc(8 + padded, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(out, 8);
  return out;
}

/** Every provenance value as a string, as `__metadata__` requires; `format: pt` for transformers. */
export function safetensorsMetadata(prov: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = { format: 'pt' };
  for (const [k, v] of Object.entries(prov)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** Hugging Face's shard file name: model-00001-of-00003.safetensors. */
export function shardName(index: number, count: number): string {
  const pad = (n: number): string => String(n).padStart(5, '0');
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
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
  const scanned = scanSafetensorsHeader(Buffer.from(text, 'utf8'));
  if (typeof scanned === 'string') return scanned;
  const t = scanned.table;
  const entries = Array.from({ length: t.count }, (_, k) => ({ name: t.name(k), dtype: DTYPE_NAMES[t.code(k)]!, shape: t.shape(k), begin: t.begin(k), end: t.end(k) }));
  return { entries, metadata: scanned.metadata };
}
