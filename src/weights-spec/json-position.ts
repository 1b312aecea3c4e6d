import { MAX_SPEC_DEPTH } from './json-scan.js';

/** 1-based line and column of offset `pos` in `text`, in one pass (no copies of the text). */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < pos; nl = text.indexOf('\n', nl + 1)) {
    line++;
    start = nl + 1;
  }
  return { line, column: pos - start + 1 };
}

/**
 * Where JSON text first goes wrong, and what was expected there. V8's JSON.parse messages do not
 * always carry a position ("Unexpected token ','"), so spec errors find it with this small scanner
 * (RFC 8259 grammar, no values built). Returns undefined when the text is valid. It recurses once
 * per nesting level, so it stops at `maxDepth` levels (callers check the depth first with scanJson).
 */
export function findJsonError(text: string, maxDepth = MAX_SPEC_DEPTH): { pos: number; expected: string } | undefined {
  let i = 0;
  let depth = 0;
  const fail = (expected: string): never => {
    throw { pos: i, expected };
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const string = (): void => {
    if (text[i] !== '"') fail('a string in double quotes');
    i++;
    for (;;) {
      if (i >= text.length) fail('a closing "');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('no raw control characters in a string');
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('a valid escape');
      }
      i++;
    }
    i++;
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail('a value');
    i += m![0].length;
  };
  /** The items of an object or array after its opening bracket, up to `close`. */
  const sequence = (close: '}' | ']', item: () => void): void => {
    if (++depth > maxDepth) fail(`at most ${maxDepth} levels of nesting`);
    i++;
    ws();
    if (text[i] === close) {
      i++;
      depth--;
      return;
    }
    for (;;) {
      item();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        depth--;
        return;
      }
      fail(`"," or "${close}"`);
    }
  };
  const member = (): void => {
    ws();
    string();
    ws();
    if (text[i] !== ':') fail('":" after the field name');
    i++;
    value();
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') sequence('}', member);
    else if (c === '[') sequence(']', value);
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the text');
    return undefined;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'pos' in err) return err as { pos: number; expected: string };
    throw err;
  }
}
