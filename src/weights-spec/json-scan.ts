import { fieldPath } from './path.js';

/**
 * Deepest nesting of objects and arrays a spec may have. A spec needs 4 levels (top, tensors,
 * tensor, shape or initializer); 64 leaves room and keeps every later walk of the value shallow.
 */
export const MAX_SPEC_DEPTH = 64;

/** What the structural scan found: the first bracket past the depth limit, the first repeated key. */
export interface JsonScan {
  /** Offset of the first `[` or `{` that opens level MAX_SPEC_DEPTH + 1. */
  readonly tooDeepAt?: number;
  /** The first key given twice in one object: its field path and offset of its second occurrence. */
  readonly duplicate?: { readonly path: string; readonly key: string; readonly pos: number };
}

type Frame = { list: true; index: number } | { list: false; keys: Set<string>; key: string; expectKey: boolean };

/** The path of the value the frames point into (the top frame's current key or index). */
function framePath(stack: readonly Frame[]): string {
  let path = '';
  for (const f of stack) path = f.list ? `${path}[${f.index}]` : fieldPath(path, f.key);
  return path;
}

/** The decoded text of the string literal text[start..end] (quotes included), as JSON.parse would give. */
function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return raw; // invalid JSON: the syntax error is reported instead
  }
}

/**
 * One linear pass over JSON text, without recursion and without building values: the nesting depth
 * (checked before JSON.parse so that no parser or walker meets untrusted depth) and keys repeated in
 * one object (JSON.parse silently keeps the last). Tolerates invalid JSON (the parser reports it).
 */
export function scanJson(text: string, maxDepth = MAX_SPEC_DEPTH): JsonScan {
  const stack: Frame[] = [];
  let duplicate: JsonScan['duplicate'];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && !top.list && top.expectKey && j < text.length) {
        const key = decodeKey(text, i, j);
        if (duplicate === undefined && top.keys.has(key)) {
          top.key = key;
          duplicate = { path: framePath(stack), key, pos: i };
        }
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) return { tooDeepAt: i, ...(duplicate ? { duplicate } : {}) };
      stack.push(c === 0x5b ? { list: true, index: 0 } : { list: false, keys: new Set(), key: '', expectKey: true });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.list === true) top.index++;
      else if (top !== undefined) top.expectKey = true;
    }
  }
  return duplicate ? { duplicate } : {};
}
