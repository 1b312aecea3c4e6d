import { specError } from '../errors.js';

/** Longest part of a tensor name, in UTF-8 bytes: file systems allow 255 per name, less an extension. */
export const MAX_NAME_PART_BYTES = 200;
/** Longest tensor name, in UTF-16 code units (JavaScript string length). */
export const MAX_NAME_LENGTH = 255;

/**
 * Characters a name may not hold: C0 controls, DEL, C1 controls, the bidi embeddings, overrides and
 * isolates (U+202A-202E, U+2066-2069: they make a name display as another), and backslashes (a path
 * separator on Windows). Lone surrogates are caught by LONE_SURROGATE.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\\]/;
/** A UTF-16 surrogate not in a pair (in `u` mode a pair is one code point, so only lone ones match). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Check a tensor name: it becomes a file path and a key in headers, so it must be well-formed
 * Unicode (a lone surrogate encodes to U+FFFD, and two names would become one), with no empty, `.`
 * or `..` segments and no control characters.
 */
export function checkName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw specError(path, 'must be a non-empty string', value);
  if (value.length > MAX_NAME_LENGTH) throw specError(path, `must be at most ${MAX_NAME_LENGTH} characters`, value);
  if (LONE_SURROGATE.test(value)) {
    throw specError(path, 'must be well-formed Unicode (no lone surrogates such as \\ud800)', value);
  }
  if (FORBIDDEN.test(value)) {
    throw specError(path, 'must not contain control characters (C0, C1, bidi controls) or backslashes', value);
  }
  for (const seg of value.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw specError(path, 'must be "/"-separated parts, none empty, "." or ".." (like dense_1/kernel)', value);
    }
    // Each part becomes a file or directory name (plus an extension such as ".arrows").
    if (Buffer.byteLength(seg) > MAX_NAME_PART_BYTES) {
      throw specError(path, `must have "/"-separated parts of at most ${MAX_NAME_PART_BYTES} bytes (they become file names)`, value);
    }
  }
  return value;
}

/**
 * The key two names clash on: their UTF-8 bytes, as written into files and headers. (For the
 * well-formed names checkName lets through this is one-to-one with the string; keying on the bytes
 * keeps the uniqueness rule true to what is written even if that check changes.)
 */
export function nameKey(name: string): string {
  // ASCII is its own UTF-8: the name itself, not a copy per tensor.
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(name)) return name;
  return Buffer.from(name, 'utf8').toString('latin1');
}
