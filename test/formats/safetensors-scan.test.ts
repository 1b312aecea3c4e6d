import { describe, expect, it } from 'vitest';
import { parseSafetensorsHeader } from '../../src/formats/safetensors/header.js';
import { skipValue } from '../../src/formats/json-lex.js';

/** What the header holds, in data order, or the reason it was refused. */
function entries(text: string): string | { name: string; dtype: string; shape: readonly number[]; begin: number; end: number }[] {
  const r = parseSafetensorsHeader(text);
  return typeof r === 'string' ? r : r.entries;
}

const F32 = (name: string, shape: number[], begin: number): string => `${JSON.stringify(name)}: {"dtype": "F32", "shape": ${JSON.stringify(shape)}, "data_offsets": [${begin}, ${begin + 4 * shape.reduce((a, b) => a * b, 1)}]}`;

describe('the safetensors header scanner (issue 9 #5: no object graph per tensor)', () => {
  it('reads entries in any key order, with any whitespace, escaped names and extra keys, as JSON.parse would', () => {
    const text = `\n {"b\\u0041": {"shape" :[ 2 ],"data_offsets":[8,16] ,"dtype":"F32"},\t"a": {"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8], "extra": {"x": [1, {"y": null}]}},
      "__metadata__": {"format": "pt", "n": "1"}, "c": {"dtype": "I8", "shape": [1e0, 3], "data_offsets": [16, 19]}}   `;
    expect(entries(text)).toEqual([
      { name: 'a', dtype: 'F32', shape: [2], begin: 0, end: 8 },
      { name: 'bA', dtype: 'F32', shape: [2], begin: 8, end: 16 },
      { name: 'c', dtype: 'I8', shape: [1, 3], begin: 16, end: 19 },
    ]);
    expect((parseSafetensorsHeader(text) as { metadata: unknown }).metadata).toEqual({ format: 'pt', n: '1' });
  });

  it('keeps the header order of empty tensors that share an offset, and takes names like "__proto__" as names', () => {
    expect(entries(`{${F32('z', [0], 0)}, ${F32('__proto__', [1], 0)}, ${F32('y', [0], 0)}}`)).toMatchObject([{ name: 'z' }, { name: 'y' }, { name: '__proto__' }]);
  });

  it('refuses a name that appears twice, however it is escaped', () => {
    expect(entries(`{${F32('a', [1], 0)}, ${F32('a', [1], 4)}}`)).toMatch(/tensor "a": the name appears twice/);
    expect(entries(`{"\\u0061": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, ${F32('a', [1], 4)}}`)).toMatch(/"a": the name appears twice/);
    expect(entries(`{"__metadata__": {}, ${F32('a', [0], 0)}, "__metadata__": {}}`)).toMatch(/__metadata__ appears twice/);
  });

  it('words entry problems as before: dims, dtype, offsets, sizes', () => {
    expect(entries(`{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}`)).toMatch(/negative dimension/);
    expect(entries(`{"a": {"dtype": "F32", "shape": [12345678901234567], "data_offsets": [0, 0]}}`)).toMatch(/has a dimension that is not an integer/);
    expect(entries(`{"a": {"dtype": "F32", "shape": [${new Array(65).fill(1).join(',')}], "data_offsets": [0, 4]}}`)).toMatch(/65 dimensions/);
    expect(entries(`{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}`)).toMatch(/shape \(3,\) of F32 is 12 bytes, data_offsets \[0, 8\] hold 8/);
    expect(entries(`{"a": {"dtype": "F32", "shape": [1]}}`)).toMatch(/data_offsets is not a pair/);
    expect(entries(`{"a": [1]}`)).toMatch(/dtype is not a string/);
    expect(entries(`{"a": 1}`)).toMatch(/entry is not an object/);
    expect(entries(`{"__metadata__": [], ${F32('a', [0], 0)}}`)).toMatch(/__metadata__ is not an object/);
    expect(entries(`{${F32('a', [1], 0)}, ${F32('b', [1], 2)}}`)).toMatch(/"b": data_offsets overlap the previous tensor \(begin 2 < 4\)/);
  });

  it('refuses what is not JSON, even after an entry problem, and tells a non-object apart', () => {
    for (const bad of ['', '{', '{"a": }', `{${F32('a', [0], 0)},}`, `{${F32('a', [0], 0)}} x`, '{"a\u0001": 1}', '{"a": "\\q"}', '{"a": tru}', '{"a": [1}', '{"a": 01}']) {
      expect(entries(bad), bad).toBe('header is not valid JSON');
    }
    expect(entries(`{"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}, "b": [}`)).toBe('header is not valid JSON');
    expect(entries('[1, 2]')).toBe('header is not a JSON object');
    expect(entries('{}')).toEqual([]);
  });

  it('skips values nested 100,000 deep without recursion', () => {
    const deep = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(skipValue(deep, 0)).toBe(deep.length);
    expect(skipValue(Buffer.from(`${'['.repeat(100_000)}${']'.repeat(99_999)}`), 0)).toBe(-1);
    expect(entries(`{"a": ${'{"x":'.repeat(50_000)}1${'}'.repeat(50_000)}}`)).toMatch(/dtype is not a string/);
  });
});
