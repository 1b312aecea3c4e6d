/*
 * The safetensors header read in one linear pass over its bytes, kept compactly: a header of
 * 700,000 tensors becomes a few typed arrays (name ranges into the header bytes, dtype codes,
 * offsets, dims), not an object graph. Checks: the JSON is well formed; each entry has a known
 * dtype, a shape of non-negative integers and data_offsets of exactly shape × dtype bytes; no name
 * appears twice; the entries, ordered by offset, start at 0 and tile the data with no hole and no
 * overlap. Entries in the usual form take a fast path; any other entry is parsed on its own and
 * checked by the general rules, which also word every complaint.
 */
import { DTYPES } from '../../dtype/table.js';
import { checkedSize, MAX_DIMS, q, showShape } from '../reader.js';
import { SAFETENSORS_READ_DTYPES, STORED_ONLY_WIDTH } from './dtypes.js';
import { COLON, COMMA, LBRACE, RBRACE, skipValue, stringEnd, ws } from '../json-lex.js';
import { SafetensorsTable } from './table.js';
import { fastEntry, type EntryScratch } from './entry.js';

const INVALID = 'header is not valid JSON';

/** dtype names by code: the ones inspect summarises first, then the ones it steps over. */
export const DTYPE_NAMES: readonly string[] = [...Object.keys(SAFETENSORS_READ_DTYPES), ...Object.keys(STORED_ONLY_WIDTH)];
const READ_CODES = Object.keys(SAFETENSORS_READ_DTYPES).length;
const CODE_OF = new Map(DTYPE_NAMES.map((n, i) => [n, i]));
/** Bytes per element, by code. */
export const DTYPE_WIDTHS: readonly number[] = DTYPE_NAMES.map((n) => {
  const known = SAFETENSORS_READ_DTYPES[n];
  return known !== undefined ? DTYPES[known].bytes : STORED_ONLY_WIDTH[n]!;
});

/** A scanned header: its tensors in data order, `__metadata__`, and how many tensors inspect reads. */
export interface ScannedHeader {
  readonly table: SafetensorsTable;
  /**
   * Where `__metadata__`'s JSON (an object) is in the header: {@link decodeMetadata} makes it text
   * after the scan, so the header can be let go before it is parsed (parsed during the scan, its
   * text and value sat beside the header and the columns).
   */
  readonly metadataAt: readonly [start: number, end: number] | undefined;
  /** Entries whose dtype inspect summarises (the others are stepped over). */
  readonly readCount: number;
}

/** Scan and check a safetensors JSON header (UTF-8 bytes, already validated); a reason when unusable. */
export function scanSafetensorsHeader(b: Buffer): ScannedHeader | string {
  let pos = ws(b, 0);
  if (b[pos] !== LBRACE) {
    const end = skipValue(b, pos);
    return end >= 0 && ws(b, end) === b.length ? 'header is not a JSON object' : INVALID;
  }
  const cols = new SafetensorsTable(b, DTYPE_WIDTHS);
  const key = { escaped: false };
  const scratch: EntryScratch = { code: 0, begin: 0, end: 0, ndims: 0, dims: new Float64Array(MAX_DIMS) };
  let metaStart = -1;
  let metaEnd = -1;
  let problem: string | undefined;
  let readCount = 0;
  pos = ws(b, pos + 1);
  if (b[pos] === RBRACE) pos++;
  else {
    for (;;) {
      const ks = pos;
      const ke = stringEnd(b, pos, key);
      if (ke < 0) return INVALID;
      pos = ws(b, ke);
      if (b[pos] !== COLON) return INVALID;
      const vs = ws(b, pos + 1);
      let ve: number;
      if (problem !== undefined) {
        // A problem is reported only once the whole header is known to be JSON.
        ve = skipValue(b, vs);
      } else {
        const name = cols.decode(ks, ke, key.escaped);
        if (name === '__metadata__') {
          ve = skipValue(b, vs);
          if (ve < 0) return INVALID;
          if (metaStart >= 0) problem = '__metadata__ appears twice';
          else if (b[vs] !== LBRACE) problem = '__metadata__ is not an object';
          else [metaStart, metaEnd] = [vs, ve];
        } else {
          ve = fastEntry(b, vs, scratch, CODE_OF);
          if (ve < 0 || !sizeMatches(scratch)) {
            ve = skipValue(b, vs);
            if (ve < 0) return INVALID;
            problem = generalEntry(name, JSON.parse(b.toString('utf8', vs, ve)) as unknown, scratch);
          }
          if (problem === undefined && !cols.push(ks, ke, key.escaped, name, scratch)) problem = `tensor ${q(name)}: the name appears twice in the header`;
          if (scratch.code < READ_CODES) readCount++;
        }
      }
      if (ve < 0) return INVALID;
      pos = ws(b, ve);
      if (b[pos] === COMMA) {
        pos = ws(b, pos + 1);
        continue;
      }
      if (b[pos] !== RBRACE) return INVALID;
      pos++;
      break;
    }
  }
  if (ws(b, pos) !== b.length) return INVALID;
  if (problem !== undefined) return problem;
  const tiled = cols.finish();
  if (typeof tiled === 'string') return tiled;
  return { table: cols, metadataAt: metaStart >= 0 ? [metaStart, metaEnd] : undefined, readCount };
}

/** `__metadata__`'s JSON text (the scan checked it is well-formed and starts with `{`). */
export function metadataText(header: Buffer, s: ScannedHeader): string | undefined {
  return s.metadataAt === undefined ? undefined : header.toString('utf8', s.metadataAt[0], s.metadataAt[1]);
}

/** The fast path's entry is exactly shape × dtype bytes (else the general rules word the problem). */
function sizeMatches(s: EntryScratch): boolean {
  let count = 1;
  for (let i = 0; i < s.ndims; i++) count *= s.dims[i]!;
  const bytes = count * DTYPE_WIDTHS[s.code]!;
  return s.end >= s.begin && Number.isSafeInteger(bytes) && bytes === s.end - s.begin;
}

/**
 * One entry by the general rules, on its parsed value: fills `out` and returns undefined, or
 * returns what is wrong.
 */
function generalEntry(name: string, v: unknown, out: EntryScratch): string | undefined {
  if (typeof v !== 'object' || v === null) return `tensor ${q(name)}: entry is not an object`;
  const e = v as Record<string, unknown>;
  const dtype = e.dtype;
  const shape = e.shape;
  const offs = e.data_offsets;
  if (typeof dtype !== 'string') return `tensor ${q(name)}: dtype is not a string`;
  if (!Array.isArray(shape)) return `tensor ${q(name)}: shape is not a list`;
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    return `tensor ${q(name)}: data_offsets is not a pair of non-negative integers`;
  }
  const [begin, end] = offs as [number, number];
  if (end < begin) return `tensor ${q(name)}: data_offsets [${begin}, ${end}] end before they begin`;
  const code = CODE_OF.get(dtype);
  if (code === undefined) return `tensor ${q(name)}: unknown dtype ${q(dtype)}`;
  const known = SAFETENSORS_READ_DTYPES[dtype];
  const size = checkedSize(shape, known ?? 'uint8');
  if (typeof size === 'string') return `tensor ${q(name)}: ${size}`;
  const bytes = known !== undefined ? size.bytes : size.count * DTYPE_WIDTHS[code]!;
  if (end - begin !== bytes) return `tensor ${q(name)}: shape ${showShape(shape)} of ${dtype} is ${bytes} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`;
  out.code = code;
  out.begin = begin;
  out.end = end;
  out.ndims = shape.length;
  (shape as number[]).forEach((d, i) => (out.dims[i] = d));
  return undefined;
}
