/*
 * The fast path of the safetensors header scanner: one tensor entry in the form every writer
 * produces, {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]} (keys in any order), read
 * straight from the bytes with no allocation. Anything else (escapes, other keys, a repeated key,
 * numbers written as 2.0 or 1e3, more than 15 digits) returns -1 and is left to the general rules.
 */
import { MAX_DIMS } from '../reader.js';
import { COLON, COMMA, LBRACE, QUOTE, RBRACE, stringEnd, ws } from '../json-lex.js';

/** Where the fast path leaves an entry: dtype code, offsets and the first `ndims` dims. */
export interface EntryScratch {
  code: number;
  begin: number;
  end: number;
  ndims: number;
  readonly dims: Float64Array;
}

const KEYS = ['dtype', 'shape', 'data_offsets'].map((k) => Buffer.from(`"${k}"`));
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
/** 15 decimal digits stay below 2^53, so every such literal is a safe integer. */
const MAX_DIGITS = 15;

function bytesAre(b: Uint8Array, pos: number, end: number, want: Uint8Array): boolean {
  if (end - pos !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[pos + i] !== want[i]) return false;
  return true;
}

/** The value of the literal `intEnd` last read (the scanner is synchronous, so one slot does). */
let intValue = 0;
/** Index just past a non-negative integer literal of at most 15 digits at `pos` (value in intValue), or -1. */
function intEnd(b: Uint8Array, pos: number): number {
  let i = pos;
  let v = 0;
  while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39 && i - pos < MAX_DIGITS + 1) v = v * 10 + (b[i++]! - 0x30);
  const n = i - pos;
  if (n === 0 || n > MAX_DIGITS || (n > 1 && b[pos] === 0x30)) return -1;
  const c = b[i];
  if (c === 0x2e || c === 0x65 || c === 0x45) return -1;
  intValue = v;
  return i;
}

/** A list of integers at `pos` into `dims` (at most `max`); its end, or -1. */
function intList(b: Uint8Array, pos: number, dims: Float64Array, max: number, out: { n: number }): number {
  if (b[pos] !== LBRACKET) return -1;
  pos = ws(b, pos + 1);
  let n = 0;
  if (b[pos] !== RBRACKET) {
    for (;;) {
      if (n === max || (pos = intEnd(b, pos)) < 0) return -1;
      dims[n++] = intValue;
      pos = ws(b, pos);
      if (b[pos] === RBRACKET) break;
      if (b[pos] !== COMMA) return -1;
      pos = ws(b, pos + 1);
    }
  }
  out.n = n;
  return pos + 1;
}

const list = { n: 0 };
const dtypeString = { escaped: false };
const pair = new Float64Array(2);

/**
 * Read the entry object at `pos` into `s`; the index just past it, or -1 when it is not in the
 * fast path's form (the caller then applies the general rules to it).
 */
export function fastEntry(b: Buffer, pos: number, s: EntryScratch, codeOf: ReadonlyMap<string, number>): number {
  if (b[pos] !== LBRACE) return -1;
  let seen = 0;
  pos = ws(b, pos + 1);
  for (;;) {
    if (b[pos] !== QUOTE) return -1;
    const ke = stringEnd(b, pos);
    const k = ke < 0 ? -1 : KEYS.findIndex((want) => bytesAre(b, pos, ke, want));
    if (k < 0 || (seen & (1 << k)) !== 0) return -1;
    seen |= 1 << k;
    pos = ws(b, ke);
    if (b[pos] !== COLON) return -1;
    pos = ws(b, pos + 1);
    if (k === 0) {
      const end = stringEnd(b, pos, dtypeString);
      const code = end < 0 || dtypeString.escaped ? undefined : codeOf.get(b.toString('latin1', pos + 1, end - 1));
      if (code === undefined) return -1;
      s.code = code;
      pos = end;
    } else if (k === 1) {
      if ((pos = intList(b, pos, s.dims, MAX_DIMS, list)) < 0) return -1;
      s.ndims = list.n;
    } else {
      if ((pos = intList(b, pos, pair, 2, list)) < 0 || list.n !== 2) return -1;
      s.begin = pair[0]!;
      s.end = pair[1]!;
    }
    pos = ws(b, pos);
    if (b[pos] === RBRACE) return seen === 7 ? pos + 1 : -1;
    if (b[pos] !== COMMA) return -1;
    pos = ws(b, pos + 1);
  }
}
