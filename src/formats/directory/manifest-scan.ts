import { BACKSLASH, COMMA, LBRACE, LBRACKET, QUOTE, RBRACE, RBRACKET, skipValue, stringEnd, ws } from '../json-lex.js';

/*
 * manifest.json read from its bytes without building its tree: one linear pass checks the whole
 * text is JSON, the top-level members are parsed one by one, and the `files` list (half of a ~50 MB
 * manifest at 100k tensors) is parsed one entry at a time when it is read. Parsed whole, the
 * manifest was an object graph of ~2-3x its size beside its text.
 */

/** The bytes are not one JSON value (JSON.parse would have thrown). */
export class ManifestNotJson extends Error {}

/** A manifest.json scanned by {@link scanManifest}. */
export interface ScannedManifest {
  /**
   * The manifest as its provenance readers take it: JSON.parse's value, except that a `files` list
   * is left out (read it with `files`) and an object `spec` is its JSON text (findProvenance scans
   * a spec given as text one tensor at a time; verify resolves it from the text).
   */
  readonly value: unknown;
  /**
   * The entries of the `files` list (the last one given, as JSON.parse keeps), in order, each read
   * where it lies; undefined when the manifest has no `files` list. Reads the scanned bytes: take
   * what is needed before letting go of them.
   */
  readonly files: (() => Generator<ManifestEntry>) | undefined;
}

const text = (b: Buffer, start: number, end: number): string => b.toString('utf8', start, end);

/**
 * Scan the JSON text in `bytes` from `start` (a tar reader skips a byte order mark). Throws
 * ManifestNotJson when it is not valid JSON. Linear in the size, no recursion on its depth.
 */
export function scanManifest(bytes: Buffer, start = 0): ScannedManifest {
  const end = skipValue(bytes, start);
  if (end < 0 || ws(bytes, end) !== bytes.length) throw new ManifestNotJson();
  let pos = ws(bytes, start);
  if (bytes[pos] !== LBRACE) return { value: JSON.parse(text(bytes, pos, end)) as unknown, files: undefined };
  const value: Record<string, unknown> = {};
  let filesAt: number | undefined;
  pos = ws(bytes, pos + 1);
  // The whole value is valid (skipValue said so): every member is `"key": value` then `,` or `}`.
  while (bytes[pos] !== RBRACE) {
    const ke = stringEnd(bytes, pos);
    const key = JSON.parse(text(bytes, pos, ke)) as string;
    const vs = ws(bytes, ws(bytes, ke) + 1);
    const ve = skipValue(bytes, vs);
    if (key === 'files' && bytes[vs] === LBRACKET) {
      filesAt = vs;
      delete value.files;
    } else {
      if (key === 'files') filesAt = undefined;
      const v = key === 'spec' && bytes[vs] === LBRACE ? text(bytes, vs, compact(bytes, vs, ve)) : (JSON.parse(text(bytes, vs, ve)) as unknown);
      // As JSON.parse does: an own property even for "__proto__"; a repeated key keeps its place.
      Object.defineProperty(value, key, { value: v, writable: true, enumerable: true, configurable: true });
    }
    pos = ws(bytes, ve);
    if (bytes[pos] === COMMA) pos = ws(bytes, pos + 1);
  }
  return { value, files: filesAt === undefined ? undefined : entriesFrom(bytes, filesAt) };
}

/**
 * Drop the whitespace between the tokens of the valid JSON value at bytes[start, end), in place
 * (the text moves left); returns its new end. The same value, without the indentation that is
 * over half of a recorded spec's text (24 MB -> ~10 MB at 100k tensors).
 */
function compact(bytes: Buffer, start: number, end: number): number {
  let to = start;
  for (let i = start; i < end;) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    const next = c === QUOTE ? stringEnd(bytes, i) : i + 1;
    bytes.copyWithin(to, i, next);
    to += next - i;
    i = next;
  }
  return to;
}

/**
 * One entry of a scanned `files` list, read member by member without building the entry: get(key)
 * is JSON.parse(entry)[key] for an object entry (the last value given for the key), else undefined.
 * Valid only until the next entry is taken.
 */
export class ManifestEntry {
  constructor(
    private readonly bytes: Buffer,
    /** Where the entry's value starts. */
    public at: number,
  ) {}

  get(key: string): unknown {
    const b = this.bytes;
    if (b[this.at] !== LBRACE) return undefined;
    let found = -1;
    let pos = ws(b, this.at + 1);
    while (b[pos] !== RBRACE) {
      const ke = stringEnd(b, pos);
      const vs = ws(b, ws(b, ke) + 1);
      if (isKey(b, pos, ke, key)) found = vs;
      pos = ws(b, skipValue(b, vs));
      if (b[pos] === COMMA) pos = ws(b, pos + 1);
    }
    return found < 0 ? undefined : (JSON.parse(text(b, found, skipValue(b, found))) as unknown);
  }
}

/** Whether the JSON string at bytes[start, end) (quotes included) is `key` (an ASCII key). */
function isKey(b: Buffer, start: number, end: number, key: string): boolean {
  if (end - start === key.length + 2) {
    for (let i = 0; i < key.length; i++) if (b[start + 1 + i] !== key.charCodeAt(i)) return false;
    return true;
  }
  // Escaped, as in "\u0070ath": decoded to compare (only such a key is longer than it reads).
  for (let i = start + 1; i < end; i++) if (b[i] === BACKSLASH) return JSON.parse(text(b, start, end)) === key;
  return false;
}

/** The entries of the (valid) JSON array opening at `at`, one reused ManifestEntry moving along it. */
function entriesFrom(bytes: Buffer, at: number): () => Generator<ManifestEntry> {
  return function* entries() {
    let pos = ws(bytes, at + 1);
    if (bytes[pos] === RBRACKET) return;
    const entry = new ManifestEntry(bytes, pos);
    for (;;) {
      entry.at = pos;
      yield entry;
      pos = ws(bytes, skipValue(bytes, pos));
      if (bytes[pos] !== COMMA) return;
      pos = ws(bytes, pos + 1);
    }
  };
}
