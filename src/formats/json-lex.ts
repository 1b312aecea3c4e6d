/*
 * A linear, non-recursive JSON lexer over UTF-8 bytes, for scanning a large untrusted safetensors
 * header or manifest.json without building its object graph: whitespace, strings, numbers and a
 * validating value skipper whose nesting stack is one bit per level. Every function runs in time
 * linear in what it reads.
 */

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const BACKSLASH = 0x5c;

/** Index of the first byte at or after `pos` that is not JSON whitespace. */
export function ws(b: Uint8Array, pos: number): number {
  while (pos < b.length) {
    const c = b[pos]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    pos++;
  }
  return pos;
}

const isHex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));

/**
 * Index just past the JSON string that opens at `pos` (a quote), or -1 when it is not one (a raw
 * control character, a bad escape, no closing quote). `out.escaped` says whether it had escapes.
 */
export function stringEnd(b: Uint8Array, pos: number, out?: { escaped: boolean }): number {
  if (b[pos] !== QUOTE) return -1;
  let escaped = false;
  for (let i = pos + 1; i < b.length; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      if (out !== undefined) out.escaped = escaped;
      return i + 1;
    }
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      escaped = true;
      const e = b[++i];
      if (e === 0x75) {
        if (!(isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]))) return -1;
        i += 4;
      } else if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) {
        return -1;
      }
    }
  }
  return -1;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** Index just past the JSON number at `pos`, or -1 (grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?). */
export function numberEnd(b: Uint8Array, pos: number): number {
  let i = pos;
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i])) while (isDigit(b[i])) i++;
  else return -1;
  if (b[i] === 0x2e) {
    if (!isDigit(b[++i])) return -1;
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) return -1;
    while (isDigit(b[i])) i++;
  }
  return i;
}

const LITERALS = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];

/** Index just past a scalar (string, number, true, false, null) at `pos`, or -1. */
function scalarEnd(b: Uint8Array, pos: number): number {
  const c = b[pos];
  if (c === QUOTE) return stringEnd(b, pos);
  if (c === 0x2d || isDigit(c)) return numberEnd(b, pos);
  for (const lit of LITERALS) {
    if (c === lit[0] && pos + lit.length <= b.length && lit.every((x, k) => b[pos + k] === x)) return pos + lit.length;
  }
  return -1;
}

/** After an object's `{` or `,` (at `pos`, whitespace skipped): the key and its colon; index of the value, or -1. */
function keyEnd(b: Uint8Array, pos: number): number {
  const k = stringEnd(b, pos);
  if (k < 0) return -1;
  const colon = ws(b, k);
  return b[colon] === COLON ? ws(b, colon + 1) : -1;
}

/** The open containers of a JSON text, one bit per level (object or array): no recursion on depth. */
export class Nesting {
  private bits = new Uint32Array(4);
  /** Containers open. */
  depth = 0;

  /** Open an object (true) or an array. */
  push(object: boolean): void {
    if (this.depth >>> 5 >= this.bits.length) {
      const grown = new Uint32Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    const word = this.depth >>> 5;
    const bit = 1 << (this.depth & 31);
    this.bits[word] = object ? this.bits[word]! | bit : this.bits[word]! & ~bit;
    this.depth++;
  }

  /** Close the innermost container. */
  pop(): void {
    this.depth--;
  }

  /** Whether the innermost open container is an object. */
  inObject(): boolean {
    const d = this.depth - 1;
    return (this.bits[d >>> 5]! & (1 << (d & 31))) !== 0;
  }
}

/**
 * Index just past the JSON value that starts at `pos` (after optional whitespace), or -1 when it
 * is not valid JSON. Nesting is tracked one bit per level (object or array), with no recursion.
 */
export function skipValue(b: Uint8Array, pos: number): number {
  const open = new Nesting();
  pos = ws(b, pos);
  for (;;) {
    // A value starts at pos.
    const c = b[pos];
    if (c === LBRACE || c === LBRACKET) {
      open.push(c === LBRACE);
      pos = ws(b, pos + 1);
      if (b[pos] !== (c === LBRACE ? RBRACE : RBRACKET)) {
        if (c === LBRACE && (pos = keyEnd(b, pos)) < 0) return -1;
        continue;
      }
      pos++;
      open.pop();
    } else if ((pos = scalarEnd(b, pos)) < 0) {
      return -1;
    }
    // After a value: close containers, or take a comma and go on to the next value.
    for (;;) {
      if (open.depth === 0) return pos;
      pos = ws(b, pos);
      const obj = open.inObject();
      if (b[pos] === COMMA) {
        pos = ws(b, pos + 1);
        if (obj && (pos = keyEnd(b, pos)) < 0) return -1;
        break;
      }
      if (b[pos] !== (obj ? RBRACE : RBRACKET)) return -1;
      pos++;
      open.pop();
    }
  }
}
