import { describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { parseSpecText, resolveSpec } from '../../src/weights-spec/parse.js';
import { parseShapeFlag } from '../../src/cli/shape-flag.js';

const ok = (tensors: unknown[], extra: Record<string, unknown> = {}) => resolveSpec({ seed: 1, tensors, ...extra });
const t = (fields: Record<string, unknown> = {}) => ({ name: 'w', shape: [2, 3], initializer: 'zeros', ...fields });

function specErrorOf(fn: () => unknown): InitWeightsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InitWeightsError);
    return err as InitWeightsError;
  }
  throw new Error('expected an error');
}

describe('a spec file', () => {
  it('resolves file-level seed and dtype into every tensor, and tensors override them', () => {
    const s = ok([t(), t({ name: 'b', dtype: 'float16', seed: 'other' })], { dtype: 'float64' });
    expect(s.tensors[0]).toMatchObject({ name: 'w', dtype: 'float64', seed: 1, size: 6 });
    expect(s.tensors[1]).toMatchObject({ name: 'b', dtype: 'float16', seed: 'other' });
  });

  it('fills in initializer defaults (Keras RandomNormal: mean 0, stddev 0.05)', () => {
    expect(ok([t({ initializer: 'normal' })]).tensors[0]!.initializer).toEqual({ type: 'normal', params: { mean: 0, stddev: 0.05 } });
    expect(ok([t({ initializer: { type: 'normal', stddev: 2 } })]).tensors[0]!.initializer.params).toEqual({ mean: 0, stddev: 2 });
  });

  it('draws a seed when none is given, and says so', () => {
    const s = resolveSpec({ tensors: [t()] });
    expect(s.seedDrawn).toBe(true);
    expect(Number.isSafeInteger(s.seed)).toBe(true);
  });

  it('keeps seed 0, mean 0 and stddev 0 as real values', () => {
    const s = resolveSpec({ seed: 0, tensors: [t({ initializer: { type: 'normal', mean: 0, stddev: 0 } })] });
    expect(s.seed).toBe(0);
    expect(s.seedDrawn).toBe(false);
    expect(s.tensors[0]!.initializer.params).toEqual({ mean: 0, stddev: 0 });
  });

  it('accepts 0-d and zero-length shapes', () => {
    expect(ok([t({ shape: [] })]).tensors[0]!.size).toBe(1);
    expect(ok([t({ shape: [3, 0, 2] })]).tensors[0]!.size).toBe(0);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a negative dimension', { seed: 1, tensors: [t({ shape: [3, -1] })] }, /^spec tensors\[0\]\.shape\[1\]: must be a non-negative integer, got -1$/],
    ['a fractional dimension', { seed: 1, tensors: [t({ shape: [2.5] })] }, /tensors\[0\]\.shape\[0\]: must be a non-negative integer, got 2\.5/],
    ['a string dimension', { seed: 1, tensors: [t({ shape: ['3'] })] }, /shape\[0\]: must be a non-negative integer, got "3"/],
    ['huge dimensions around a zero (numpy cannot load them)', { seed: 1, tensors: [t({ shape: [1e6, 0, 1e6, 1e6, 1e6] })] }, /shape: must have at most 2\^53 - 1 elements in all \(counting non-zero dimensions\)/],
    ['a shape that is not a list', { seed: 1, tensors: [t({ shape: 784 })] }, /tensors\[0\]\.shape: must be an array/],
    ['an element count past 2^53', { seed: 1, tensors: [t({ shape: [2 ** 30, 2 ** 30, 2 ** 30] })] }, /shape: must have at most 2\^53 - 1 elements/],
    ['a negative stddev', { seed: 1, tensors: [t({ initializer: { type: 'normal', stddev: -1 } })] }, /initializer\.stddev: must be >= 0, got -1/],
    ['a string mean', { seed: 1, tensors: [t({ initializer: { type: 'normal', mean: 'x' } })] }, /initializer\.mean: must be a finite number, got "x"/],
    ['an unknown initializer', { seed: 1, tensors: [t({ initializer: 'glorot_fancy' })] }, /initializer: must be one of normal, uniform, truncated_normal, zeros, ones, constant, .*, identity, got "glorot_fancy"/],
    ['an unknown initializer parameter', { seed: 1, tensors: [t({ initializer: { type: 'normal', std: 1 } })] }, /initializer\.std: is not a known field \(known: type, mean, stddev\)/],
    ['a missing required parameter', { seed: 1, tensors: [t({ initializer: { type: 'constant' } })] }, /initializer\.value: is required by constant/],
    ['an unknown dtype', { seed: 1, dtype: 'int8', tensors: [t()] }, /^spec dtype: must be one of float32, float64, float16, bfloat16, int64, int32, uint8, bool, got "int8"$/],
    ['duplicate names', { seed: 1, tensors: [t(), t()] }, /tensors\[1\]\.name: must be unique \(tensors\[0\] has it too\), got "w"/],
    ['a name with ..', { seed: 1, tensors: [t({ name: 'a/../b' })] }, /tensors\[0\]\.name: must be "\/"-separated parts/],
    ['an empty name', { seed: 1, tensors: [t({ name: '' })] }, /name: must be a non-empty string/],
    ['a fractional seed', { seed: 1.5, tensors: [t()] }, /^spec seed: must be an integer/],
    ['an unknown top-level field', { seed: 1, tensor: [] }, /^spec tensor: is not a known field/],
    ['no tensors', { seed: 1, tensors: [] }, /tensors: must list at least one tensor/],
    ['a newer schema version', { version: 2, seed: 1, tensors: [t()] }, /^spec version: must be 1/],
    ['a missing initializer', { seed: 1, tensors: [{ name: 'w', shape: [1] }] }, /initializer: is required/],
  ];
  for (const [label, raw, message] of bad) {
    it(`rejects ${label} with one line naming the field, the rule and the value`, () => {
      const err = specErrorOf(() => resolveSpec(raw));
      expect(err.code).toBe('E_SPEC');
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('\n');
    });
  }

  it('reports malformed JSON with its line and column', () => {
    const err = specErrorOf(() => parseSpecText('{\n  "seed": 1,\n  "tensors": [,]\n}', 'model.json'));
    expect(err.message).toMatch(/^model\.json: not valid JSON: expected a value, found "," at line 3, column 15$/);
  });

  it('reports an empty file as empty', () => {
    expect(specErrorOf(() => parseSpecText('', 'model.json')).message).toBe('model.json: not valid JSON: the file is empty');
  });
});

describe('the --shape flag', () => {
  const good: [string, number[]][] = [['784,128', [784, 128]], ['784x128', [784, 128]], ['5', [5]], ['5,', [5]], ['()', []], ['(3, 0, 2)', [3, 0, 2]], ['', []]];
  for (const [text, dims] of good) it(`reads ${JSON.stringify(text)} as ${JSON.stringify(dims)}`, () => expect(parseShapeFlag(text)).toEqual(dims));
  for (const text of ['3,-1', '2.5', 'a,b', '1,,2', '99999999999999999999', '134217728,134217728', '1000000,0,1000000,1000000,1000000']) {
    it(`rejects ${JSON.stringify(text)}`, () => expect(() => parseShapeFlag(text)).toThrow(/^--shape: /));
  }
});

describe('JSON error positions', () => {
  const cases: [string, RegExp][] = [
    ['{"a": 1', /expected "," or "}", found the end of the text at line 1, column 8/],
    ['{"a": 1}x', /expected the end of the text, found "x" at line 1, column 9/],
    ['{a: 1}', /expected a string in double quotes, found "a" at line 1, column 2/],
    ['{"a": tru}', /expected a value, found "t" at line 1, column 7/],
    ['[1, 2,]', /expected a value, found "]" at line 1, column 7/],
  ];
  for (const [text, message] of cases) {
    it(`locates the fault in ${JSON.stringify(text)}`, () => {
      expect(() => parseSpecText(text, 's.json')).toThrow(message);
    });
  }
});
