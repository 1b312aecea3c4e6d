import { eachElement, eachMember, NotJson, opensObject, pieceEnd } from './json-pieces.js';

/*
 * A spec's JSON text as values without its whole tree: the top-level object's members are parsed
 * one by one, and one list (`tensors`) stays text, an element parsed each time it is read. A spec
 * of 100k tensors with long names was ~40 MB of tree (objects, arrays, strings) beside its 27 MB
 * text for the whole resolution; now each entry is an object only while it is resolved.
 */

/** Two offsets per element: where its text starts and ends. */
type Spans = Uint32Array;

function pushSpan(spans: Spans, count: number, start: number, end: number): Spans {
  if (2 * count + 2 > spans.length) {
    const grown = new Uint32Array(spans.length * 2);
    grown.set(spans);
    spans = grown;
  }
  spans[2 * count] = start;
  spans[2 * count + 1] = end;
  return spans;
}

/** The element index a property key names, or -1 (not a canonical index below `count`). */
function indexOf(key: string | symbol, count: number): number {
  if (typeof key !== 'string') return -1;
  const i = Number(key);
  return Number.isInteger(i) && i >= 0 && i < count && String(i) === key ? i : -1;
}

/**
 * An array of `count` elements whose element i is JSON.parse of its text, made when read (the last
 * one read is kept: a resolver reads an entry a few times in a row); read-only, and its elements
 * are not to be changed. Array.isArray, length, indexing, iteration, the Array methods and
 * JSON.stringify see it as the array JSON.parse would have made.
 */
function textArray(text: string, spans: Spans, count: number): readonly unknown[] {
  const target: unknown[] = [];
  target.length = count;
  let last = -1;
  let lastValue: unknown;
  const item = (i: number): unknown => {
    if (i !== last) {
      lastValue = JSON.parse(text.slice(spans[2 * i], spans[2 * i + 1])) as unknown;
      last = i;
    }
    return lastValue;
  };
  return new Proxy(target, {
    get: (t, key, receiver) => {
      const i = indexOf(key, count);
      return i < 0 ? Reflect.get(t, key, receiver) : item(i);
    },
    has: (t, key) => indexOf(key, count) >= 0 || Reflect.has(t, key),
    getOwnPropertyDescriptor: (t, key) => {
      const i = indexOf(key, count);
      return i < 0 ? Reflect.getOwnPropertyDescriptor(t, key) : { value: item(i), writable: false, enumerable: true, configurable: true };
    },
    ownKeys: (t) => [...Array.from({ length: count }, (_, i) => String(i)), ...Reflect.ownKeys(t)],
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * The value of JSON text that is an object, as JSON.parse gives it, except that the array at
 * member `lazyKey` (the last such member, as JSON.parse keeps) is a read-only array parsed element
 * by element when read; every element is parsed once here, which checks it. Undefined when the
 * text is not an object or is not valid JSON: JSON.parse of the whole then gives the value or the
 * error.
 */
export function parseObjectLazily(text: string, lazyKey: string): Record<string, unknown> | undefined {
  if (!opensObject(text)) return undefined;
  const out: Record<string, unknown> = {};
  try {
    eachMember(text, (key, start) => {
      let end: number;
      let value: unknown;
      if (key === lazyKey && text[start] === '[') {
        let spans: Spans = new Uint32Array(64);
        let count = 0;
        end = eachElement(text, start, (a, b) => {
          JSON.parse(text.slice(a, b));
          spans = pushSpan(spans, count++, a, b);
        });
        value = textArray(text, spans.slice(0, 2 * count), count);
      } else {
        end = pieceEnd(text, start);
        value = JSON.parse(text.slice(start, end)) as unknown;
      }
      // As JSON.parse does: an own property even for "__proto__"; a repeated key keeps its place.
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      return end;
    });
  } catch (err) {
    if (err instanceof NotJson || err instanceof SyntaxError) return undefined;
    throw err;
  }
  return out;
}
