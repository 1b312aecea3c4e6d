/*
 * A recorded spec read from its JSON text without building its object graph or copying the text:
 * the top-level object's members and the `tensors` list's entries are delimited by a walk over the
 * characters, and each piece is parsed on its own (which also checks it), so only one entry is an
 * object at a time. The answers are those of JSON.parse of the whole text followed by reading
 * `seed` and `tensors` (a repeated key: the last one counts; any invalid piece: not JSON).
 */
import { DeclaredTable } from './declared.js';

/** What a recorded spec says that inspect uses: its seed and, when it has a `tensors` list, their initializers. */
export interface SpecFacts {
  readonly seed: unknown;
  readonly tensors: DeclaredTable | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Not JSON: thrown inside the walk, caught at its top. */
class NotJson extends Error {}

/** The seed and declared initializers of a spec given as JSON text; undefined when it is not JSON. */
export function scanSpecText(text: string): SpecFacts | undefined {
  try {
    return scan(text);
  } catch {
    // NotJson, or a SyntaxError (or a nesting too deep) from a piece: the text is not usable JSON.
    return undefined;
  }
}

function scan(s: string): SpecFacts {
  let pos = ws(s, 0);
  if (s[pos] !== '{') {
    const v = JSON.parse(s) as unknown;
    return { seed: (v as { seed?: unknown } | null)?.seed, tensors: undefined };
  }
  let seed: unknown;
  let tensors: DeclaredTable | undefined;
  pos = ws(s, pos + 1);
  let first = true;
  for (;;) {
    if (s[pos] === '}' && first) break;
    const ke = pieceEnd(s, pos);
    const name = JSON.parse(s.slice(pos, ke)) as unknown;
    const colon = ws(s, ke);
    if (typeof name !== 'string' || s[colon] !== ':') throw new NotJson();
    const vs = ws(s, colon + 1);
    let ve: number;
    if (name === 'tensors' && s[vs] === '[') {
      const table = new DeclaredTable();
      ve = eachElement(s, vs, (a, b) => table.add(JSON.parse(s.slice(a, b)) as unknown));
      tensors = table;
    } else {
      ve = pieceEnd(s, vs);
      const value = JSON.parse(s.slice(vs, ve)) as unknown;
      if (name === 'seed') seed = value;
      else if (name === 'tensors') tensors = undefined;
    }
    pos = ws(s, ve);
    first = false;
    if (s[pos] === ',') pos = ws(s, pos + 1);
    else if (s[pos] === '}') break;
    else throw new NotJson();
  }
  if (ws(s, pos + 1) !== s.length) throw new NotJson();
  return { seed, tensors };
}

/** Call `each` with the range of every element of the array at `pos`; returns the index past it. */
function eachElement(s: string, pos: number, each: (start: number, end: number) => void): number {
  pos = ws(s, pos + 1);
  if (s[pos] === ']') return pos + 1;
  for (;;) {
    const e = pieceEnd(s, pos);
    each(pos, e);
    pos = ws(s, e);
    if (s[pos] === ',') pos = ws(s, pos + 1);
    else if (s[pos] === ']') return pos + 1;
    else throw new NotJson();
  }
}

/**
 * Where the value (or key) starting at `pos` ends: at the first `,`, `:`, or unopened `}` or `]`
 * outside strings and brackets, trailing whitespace left out. Every piece lies inside the top-level
 * object, so running out of text is an error. Whether the piece is valid is for JSON.parse to say;
 * in valid text this is exactly the value's end.
 */
function pieceEnd(s: string, pos: number): number {
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

/** Index of the first character at or after `pos` that is not JSON whitespace. */
function ws(s: string, pos: number): number {
  while (pos < s.length) {
    const c = s.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    pos++;
  }
  return pos;
}
