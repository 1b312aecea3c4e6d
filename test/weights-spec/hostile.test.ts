import { describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { findJsonError } from '../../src/weights-spec/json-position.js';
import { MAX_SPEC_DEPTH, scanJson } from '../../src/weights-spec/json-scan.js';
import { parseSpecText, resolveSpec } from '../../src/weights-spec/parse.js';
import { MAX_TENSORS } from '../../src/weights-spec/types.js';

/*
 * Hostile specs (issue 9, defects 7, 8, 10, 17, 20): each is refused with one line naming the field,
 * the rule and the value, exit code 2, and no raw control character; none crashes.
 */

/** Control and display-changing characters that must never reach a terminal raw. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

function refusal(fn: () => unknown): InitWeightsError {
  expect.hasAssertions();
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InitWeightsError);
    const e = err as InitWeightsError;
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toMatch(RAW_CONTROL);
    return e;
  }
  throw new Error('expected a refusal');
}

const tensor = (name: unknown, i = 0): Record<string, unknown> => ({ name, shape: [i % 3], initializer: 'zeros' });
const specText = (names: readonly string[]): string =>
  JSON.stringify({ seed: 1, tensors: names.map((n) => tensor(n)) });

describe('nesting depth (defect 7)', () => {
  it(`refuses '[' * 100000 with one line, not "Maximum call stack size exceeded"`, () => {
    const e = refusal(() => parseSpecText('['.repeat(100_000), 'd.json'));
    expect(e.message).toBe(`d.json: must nest objects and lists at most ${MAX_SPEC_DEPTH} levels deep (level 65 opens at line 1, column 65)`);
    expect(e.detail).toMatchObject({ field: '(top level)', value: MAX_SPEC_DEPTH + 1 });
  });

  it('refuses deep objects and deep valid JSON the same way, before JSON.parse', () => {
    expect(refusal(() => parseSpecText('{"a":'.repeat(100_000))).message).toMatch(/at most 64 levels deep \(level 65 opens at line 1, column 321\)/);
    const deepValid = `{"tensors": ${'['.repeat(64)}${']'.repeat(64)}}`;
    expect(refusal(() => parseSpecText(deepValid)).message).toMatch(/at most 64 levels deep/);
  });

  it('accepts exactly 64 levels (the limit is on the 65th) and reports the real fault there', () => {
    const at64 = `{"tensors": ${'['.repeat(63)}${']'.repeat(63)}}`;
    expect(refusal(() => parseSpecText(at64)).message).toMatch(/^spec tensors\[0\]: must be an object with name, shape and initializer/);
  });

  it('does not count brackets inside strings', () => {
    const name = '['.repeat(150);
    expect(parseSpecText(specText([name])).tensors[0]!.name).toBe(name);
    expect(scanJson(JSON.stringify({ k: '{'.repeat(1000) })).tooDeepAt).toBeUndefined();
  });

  it('keeps the error-position scanner within its depth bound even when called alone', () => {
    expect(findJsonError('['.repeat(100_000))).toEqual({ pos: 64, expected: 'at most 64 levels of nesting' });
  });
});

describe('duplicate keys and the version (defect 20)', () => {
  it('refuses a key given twice, naming its path and where it repeats', () => {
    const text = '{"seed": 1, "tensors": [\n  {"name": "a", "shape": [1], "initializer": "zeros"},\n  {"name": "b", "shape": [1], "initializer": "zeros", "name": "c"}\n]}';
    const e = refusal(() => parseSpecText(text));
    expect(e.message).toBe('spec tensors[1].name: is given twice in one object (again at line 3, column 55); each field may appear once, got "name"');
    expect(e.detail.field).toBe('tensors[1].name');
  });

  it('compares keys after decoding escapes', () => {
    expect(refusal(() => parseSpecText('{"seed": 1, "se\\u0065d": 2, "tensors": []}')).message).toMatch(/^spec seed: is given twice/);
  });

  it('allows the same key in different objects', () => {
    expect(parseSpecText(specText(['a', 'b'])).tensors.map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('reports a syntax error before a duplicate key', () => {
    expect(refusal(() => parseSpecText('{"a": 1, "a": 2')).message).toMatch(/not valid JSON: expected "," or "}"/);
  });

  it('refuses "version": null (absent still means version 1)', () => {
    expect(refusal(() => resolveSpec({ version: null, seed: 1, tensors: [tensor('w')] })).message).toBe(
      'spec version: must be 1 (the schema this version of init-weights reads), got null',
    );
    expect(resolveSpec({ seed: 1, tensors: [tensor('w')] }).version).toBe(1);
  });
});

describe('untrusted text in messages (defect 17)', () => {
  const cases: [string, string, RegExp][] = [
    ['a newline in an unknown key', '{"tensors": [], "evil\\nline two": 1}', /^spec \["evil\\nline two"\]: is not a known field/],
    ['an OSC sequence in a key', '{"tensors": [], "\\u001b]0;pwned\\u0007": 1}', /^spec \["\\u001b\]0;pwned\\u0007"\]: is not a known field/],
    ['a CSI (C1) in a name', '{"seed": 1, "tensors": [{"name": "a\\u009b31mb", "shape": [1], "initializer": "zeros"}]}', /name: must not contain control characters .*, got "a\\u009b31mb"$/],
    ['a bidi override in a name', '{"seed": 1, "tensors": [{"name": "a\\u202egnp.exe", "shape": [1], "initializer": "zeros"}]}', /got "a\\u202egnp\.exe"$/],
    ['an isolate in a layer field', '{"layers": [{"type": "dense", "units": 1, "input_dim": 1, "x\\u2066": 1}]}', /^spec layers\[0\]\["x\\u2066"\]: is not a known field of a dense layer/],
    ['a C1 character where JSON is broken', '{"tensors": [\u0085]}', /expected a value, found "\\u0085" at line 1, column 14$/],
  ];
  for (const [label, text, message] of cases) {
    it(`escapes ${label}`, () => {
      expect(refusal(() => parseSpecText(text)).message).toMatch(message);
    });
  }

  it('escapes the source name', () => {
    expect(refusal(() => parseSpecText('{', 'x\u001b[2J.json')).message).toMatch(/^x\\u001b\[2J\.json: not valid JSON/);
  });
});

describe('names must be well-formed Unicode (defect 10)', () => {
  it('refuses a lone surrogate, so "a\\ud800" and "a\\ud801" cannot both become a\\ufffd', () => {
    const e = refusal(() => parseSpecText('{"seed": 1, "tensors": [{"name": "a\\ud800", "shape": [1], "initializer": "zeros"}, {"name": "a\\ud801", "shape": [1], "initializer": "zeros"}]}'));
    expect(e.message).toBe('spec tensors[0].name: must be well-formed Unicode (no lone surrogates such as \\ud800), got "a\\ud800"');
  });

  it('refuses a lone low surrogate and a string seed with one, and keeps real pairs', () => {
    refusal(() => resolveSpec({ seed: 1, tensors: [tensor('\udc00x')] }));
    expect(refusal(() => resolveSpec({ seed: 'a\ud800', tensors: [tensor('w')] })).message).toMatch(/^spec seed: .*well-formed string, got "a\\ud800"$/);
    expect(resolveSpec({ seed: '🌱', tensors: [tensor('emoji/😀'), tensor('emoji/😁')] }).tensors).toHaveLength(2);
  });
});

describe('many tensors (defect 8)', () => {
  it(`parses MAX_TENSORS (${MAX_TENSORS}) tensors from text (the issue's repro had 150,000)`, () => {
    const names = Array.from({ length: MAX_TENSORS }, (_, i) => `block_${i}/w`);
    const spec = parseSpecText(specText(names));
    expect(spec.tensors).toHaveLength(MAX_TENSORS);
    expect(spec.tensors[MAX_TENSORS - 1]!.name).toBe(`block_${MAX_TENSORS - 1}/w`);
  });

  it(`resolves MAX_TENSORS (${MAX_TENSORS}) tensors`, () => {
    const tensors = Array.from({ length: MAX_TENSORS }, (_, i) => tensor(`t${i}`, i));
    const spec = resolveSpec({ seed: 1, tensors });
    expect(spec.tensors).toHaveLength(MAX_TENSORS);
    expect(spec.tensors[MAX_TENSORS - 1]).toMatchObject({ name: `t${MAX_TENSORS - 1}`, shape: [(MAX_TENSORS - 1) % 3] });
  });

  it('refuses one more, before any per-tensor work, from tensors or from layers', () => {
    const tensors = new Array<unknown>(MAX_TENSORS + 1).fill(tensor('same'));
    expect(refusal(() => resolveSpec({ seed: 1, tensors })).message).toBe('spec tensors: must list at most 100000 tensors, got 100001');
    const layers = new Array<unknown>(MAX_TENSORS + 1).fill({ type: 'dense', units: 1, input_dim: 1 });
    expect(refusal(() => resolveSpec({ seed: 1, layers })).message).toBe('spec layers: must list at most 100000 layers, got 100001');
  });

  it('counts the tensors layers expand to', () => {
    // batch_norm layers hold 4 tensors each.
    const layers = new Array<unknown>(MAX_TENSORS / 4).fill({ type: 'batch_norm', dim: 1 });
    expect(refusal(() => resolveSpec({ seed: 1, layers, tensors: [tensor('extra')] })).message).toBe(
      'spec tensors: must list at most 100000 tensors (with those from layers), got 100001',
    );
  });
});
