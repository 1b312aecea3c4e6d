/*
 * JSON text walked one piece at a time, without recursion and without building the whole value:
 * a top-level object's members and an array's elements are delimited by a linear walk over the
 * characters, and each piece is left to JSON.parse (which also checks it). Used where a text is
 * large and mostly one list (a spec's `tensors`): only one element is an object at a time.
 * In valid text a piece ends exactly where its value ends; when a piece or the structure around it
 * is not valid the walk throws NotJson, and callers fall back to JSON.parse of the whole text.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The text is not JSON the walk can read piece by piece (JSON.parse of the whole says why, if it is not JSON at all). */
export class NotJson extends Error {}

/** Index of the first character at or after `pos` that is not JSON whitespace. */
export function skipWhitespace(s: string, pos: number): number {
  while (pos < s.length) {
    const c = s.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    pos++;
  }
  return pos;
}

/**
 * Where the value (or key) starting at `pos` ends: at the first `,`, `:`, or unopened `}` or `]`
 * outside strings and brackets, trailing whitespace left out. Every piece lies inside the top-level
 * object, so running out of text is an error. Whether the piece is valid is for JSON.parse to say;
 * in valid text this is exactly the value's end.
 */
export function pieceEnd(s: string, pos: number): number {
  let depth = 0;
  let i = pos;
  let last = pos;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < s.length && s.charCodeAt(i) !== QUOTE; i++) if (s.charCodeAt(i) === BACKSLASH) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (c === 0x2c || c === 0x3a)) break;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) last = i + 1;
  }
  if (i >= s.length) throw new NotJson();
  return last;
}

/** Call `each` with the range of every element of the array opening at `pos`; returns the index past its `]`. */
export function eachElement(s: string, pos: number, each: (start: number, end: number) => void): number {
  pos = skipWhitespace(s, pos + 1);
  if (s[pos] === ']') return pos + 1;
  for (;;) {
    const e = pieceEnd(s, pos);
    each(pos, e);
    pos = skipWhitespace(s, e);
    if (s[pos] === ',') pos = skipWhitespace(s, pos + 1);
    else if (s[pos] === ']') return pos + 1;
    else throw new NotJson();
  }
}

/**
 * Walk the object that is the whole of `s` (after whitespace; the caller checked it opens with
 * `{`): `member` gets each key (parsed) and where its value starts, and returns the index past the
 * value. Throws NotJson when the text around the pieces is not an object's.
 */
export function eachMember(s: string, member: (key: string, valueStart: number) => number): void {
  let pos = skipWhitespace(s, skipWhitespace(s, 0) + 1);
  let first = true;
  for (;;) {
    if (s[pos] === '}' && first) break;
    const ke = pieceEnd(s, pos);
    const key = JSON.parse(s.slice(pos, ke)) as unknown;
    const colon = skipWhitespace(s, ke);
    if (typeof key !== 'string' || s[colon] !== ':') throw new NotJson();
    pos = skipWhitespace(s, member(key, skipWhitespace(s, colon + 1)));
    first = false;
    if (s[pos] === ',') pos = skipWhitespace(s, pos + 1);
    else if (s[pos] === '}') break;
    else throw new NotJson();
  }
  if (skipWhitespace(s, pos + 1) !== s.length) throw new NotJson();
}

/** Whether `s` (after whitespace) opens an object, the shape eachMember walks. */
export function opensObject(s: string): boolean {
  return s[skipWhitespace(s, 0)] === '{';
}
