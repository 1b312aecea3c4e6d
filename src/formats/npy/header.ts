import type { ElementType } from '../../dtype/table.js';
import { shapeTuple } from '../../weights-spec/shape.js';

/** numpy's magic string, followed by the major and minor version bytes. */
export const NPY_MAGIC = Buffer.from('\x93NUMPY', 'latin1');
/** numpy aligns the data of .npy files to 64 bytes (numpy.lib.format.ARRAY_ALIGN). */
export const NPY_ALIGN = 64;
/** numpy pads the header so the first dimension can grow in place (GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** numpy refuses headers longer than this unless told `max_header_size` (numpy >= 1.24). */
export const NPY_MAX_SAFE_HEADER = 10000;

/**
 * The bytes before the data of a C-order .npy file: magic, version, header length, and the
 * Python-literal dict padded with spaces and a newline, laid out exactly as numpy's np.save does
 * (so our files are byte-identical to numpy's for the same array). Version 1.0 has a 2-byte header
 * length; 2.0 (4-byte) is used only when the header does not fit.
 */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Buffer {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  for (const version of [1, 2]) {
    const lenBytes = version === 1 ? 2 : 4;
    const hlen = dict.length + 1;
    const pad = NPY_ALIGN - ((8 + lenBytes + hlen) % NPY_ALIGN);
    const header = `${dict}${' '.repeat(pad)}\n`;
    if (version === 1 && header.length > 0xffff) continue;
    const out = Buffer.alloc(8 + lenBytes + header.length);
    NPY_MAGIC.copy(out, 0);
    out[6] = version;
    out[7] = 0;
    if (lenBytes === 2) out.writeUInt16LE(header.length, 8);
    else out.writeUInt32LE(header.length, 8);
    out.write(header, 8 + lenBytes, 'latin1');
    return out;
  }
  throw new RangeError('npy header too long');
}
/** Longest header read: numpy itself refuses over 10,000 characters unless told otherwise. */
export const NPY_MAX_HEADER = 1 << 20;

/** What a .npy header says. */
export interface NpyHeader {
  readonly dtype: ElementType;
  readonly bigEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
}

type Descr = { dtype: ElementType; bigEndian: boolean };
const DESCRS: Readonly<Record<string, Descr>> = Object.assign(Object.create(null) as Record<string, Descr>, {
  '<f4': { dtype: 'float32', bigEndian: false },
  '>f4': { dtype: 'float32', bigEndian: true },
  '<f8': { dtype: 'float64', bigEndian: false },
  '>f8': { dtype: 'float64', bigEndian: true },
  '<f2': { dtype: 'float16', bigEndian: false },
  '>f2': { dtype: 'float16', bigEndian: true },
  // numpy has no bfloat16; ml_dtypes (and init-weights) store it as 2 raw bytes.
  '<V2': { dtype: 'bfloat16', bigEndian: false },
  '|V2': { dtype: 'bfloat16', bigEndian: false },
  '<i8': { dtype: 'int64', bigEndian: false },
  '>i8': { dtype: 'int64', bigEndian: true },
  '<i4': { dtype: 'int32', bigEndian: false },
  '>i4': { dtype: 'int32', bigEndian: true },
  // One-byte types have no order: numpy writes '|u1' and '|b1'.
  '|u1': { dtype: 'uint8', bigEndian: false },
  '|b1': { dtype: 'bool', bigEndian: false },
} satisfies Record<string, Descr>);

const NOT_A_DICT = 'header is not a Python dict';
const DIM = /^-?\d+L?$/;

/** A value of the header dict: a string, a bool, or a tuple's raw inner text. */
type Literal = { kind: 'str'; value: string } | { kind: 'bool'; value: boolean } | { kind: 'tuple'; inner: string };

/**
 * Parse the Python-literal dict of a .npy header (pure), in one left-to-right pass: no regex sees
 * the whole text, so a hostile header costs time linear in its length. Only string, bool and
 * tuple values are understood: this is a parser for one shape of dict, not a Python evaluator.
 */
export function parseNpyDict(text: string): NpyHeader | string {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = (): string | undefined => {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return undefined;
    const end = text.indexOf(quote, i + 1);
    if (end === -1) return undefined;
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s.includes('\\') ? undefined : s;
  };
  const literal = (): Literal | undefined => {
    if (text.startsWith('True', i) || text.startsWith('False', i)) {
      const value = text[i] === 'T';
      i += value ? 4 : 5;
      return { kind: 'bool', value };
    }
    if (text[i] === '(') {
      const end = text.indexOf(')', i + 1);
      if (end === -1) return undefined;
      const inner = text.slice(i + 1, end);
      i = end + 1;
      return { kind: 'tuple', inner };
    }
    const s = str();
    return s === undefined ? undefined : { kind: 'str', value: s };
  };
  const dict = new Map<string, Literal>();
  ws();
  if (text[i++] !== '{') return NOT_A_DICT;
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const key = str();
    ws();
    if (key === undefined || text[i++] !== ':') return NOT_A_DICT;
    ws();
    const value = literal();
    if (value === undefined) return NOT_A_DICT;
    dict.set(key, value);
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return NOT_A_DICT;
  }
  i++;
  ws();
  if (i !== text.length) return NOT_A_DICT;
  return npyHeaderOf(dict);
}

/** The three keys numpy writes, checked. */
function npyHeaderOf(dict: ReadonlyMap<string, Literal>): NpyHeader | string {
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (descr?.kind !== 'str' || fortran?.kind !== 'bool' || shape?.kind !== 'tuple') return "header lacks 'descr', 'fortran_order' or 'shape'";
  const kind = DESCRS[descr.value];
  if (kind === undefined) return `unsupported dtype ${JSON.stringify(descr.value.slice(0, 20))} (inspect reads float16, bfloat16 as <V2, float32, float64, int64, int32, uint8, bool)`;
  const inner = shape.inner.trim();
  const dims: number[] = [];
  if (inner !== '') {
    for (const part of inner.split(',')) {
      const t = part.trim();
      if (t === '') continue;
      if (t.length > 40 || !DIM.test(t)) return `shape (${inner.slice(0, 40)}) has a dimension that is not an integer`;
      dims.push(Number(t.replace('L', '')));
    }
  }
  return { dtype: kind.dtype, bigEndian: kind.bigEndian, fortranOrder: fortran.value, shape: dims };
}
