import { describe, expect, it } from 'vitest';
import { escapeText, show, specError } from '../../src/errors.js';
import { fieldPath } from '../../src/weights-spec/path.js';

describe('escapeText: untrusted text on one terminal line', () => {
  const cases: [string, string, string][] = [
    ['a newline', 'a\nb', 'a\\u000ab'],
    ['ESC and BEL (an OSC title sequence)', '\u001b]0;x\u0007', '\\u001b]0;x\\u0007'],
    ['DEL and C1 CSI', '\u007f\u009b', '\\u007f\\u009b'],
    ['bidi overrides and isolates', '\u202a\u202e\u2066\u2069', '\\u202a\\u202e\\u2066\\u2069'],
    ['lone surrogates', 'a\ud800b\udfff', 'a\\ud800b\\udfff'],
  ];
  for (const [label, input, output] of cases) it(`escapes ${label}`, () => expect(escapeText(input)).toBe(output));

  it('keeps printable text, real surrogate pairs and the bidi marks that are not overrides', () => {
    const fine = 'dense_1/kernel ünïcødé 😀 \u200e\u200f';
    expect(escapeText(fine)).toBe(fine);
  });
});

describe('show: a value echoed in an error', () => {
  it('prints what JSON.stringify prints for small values', () => {
    const values: unknown[] = [{ type: 'normal', stddev: 1, a: [1, 2, { b: null }] }, [1, 'x', null, true], {}, [], { a: undefined, b: 1 }, [undefined], null, true];
    for (const v of values) expect(show(v)).toBe(JSON.stringify(v));
    expect(show(NaN)).toBe('NaN');
    expect(show(undefined)).toBe('nothing');
  });

  it('cuts long values to 80 characters', () => {
    const long = { k: 'x'.repeat(200) };
    expect(show(long)).toBe(`${JSON.stringify(long).slice(0, 77)}...`);
    expect(show('y'.repeat(100))).toBe(`"${'y'.repeat(77)}..."`);
  });

  it('escapes controls that JSON.stringify leaves raw (C1, bidi)', () => {
    expect(show('a\u009bb\u202e')).toBe('"a\\u009bb\\u202e"');
    expect(show({ ['k\u2066']: 'v\u0085' })).toBe('{"k\\u2066":"v\\u0085"}');
  });

  it('walks neither a deeply nested nor a huge value in full (no stack overflow)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(show(deep)).toBe(`${'['.repeat(77)}...`);
    expect(show(new Array(10_000_000).fill(0))).toBe(`[${'0,'.repeat(38)}...`);
  });

  it('makes every spec error one line, whatever the path and value hold', () => {
    const e = specError(fieldPath('tensors[0]', 'evil\nkey'), 'is not a known field', 'two\nlines\u001b[2J');
    expect(e.message).toBe('spec tensors[0]["evil\\nkey"]: is not a known field, got "two\\nlines\\u001b[2J"');
  });
});
