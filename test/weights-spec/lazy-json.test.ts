import { describe, expect, it } from 'vitest';
import { jsonTextMutations } from '../fuzz/mutate.js';
import { parseObjectLazily } from '../../src/weights-spec/lazy-json.js';
import { parseSpecText } from '../../src/weights-spec/parse.js';

/*
 * A spec's `tensors` list is kept as text and parsed an entry at a time (issue 9 #8: a 100k-tensor
 * spec's tree beside its text). The value must be what JSON.parse gives, and any text that is not
 * JSON must leave the error to JSON.parse of the whole (parseObjectLazily answers undefined).
 */
describe('an object parsed with one list left as text', () => {
  const base = JSON.stringify({ version: 1, seed: 7, tensors: [{ name: 'w', shape: [2], initializer: { type: 'normal', mean: 0, stddev: 0.1 } }, { name: 'b', shape: [2], initializer: 'zeros' }] });

  it('equals JSON.parse for edge cases and 5000 seeded mutations, or defers to it', () => {
    const cases = ['{}', ' { } ', '{"tensors":[]}', ' {"seed" : 2 , "tensors" : [ 1 , [2] , {"a":"]"} ] } ', '{"tensors":5}', '{"tensors":[1,]}', '{"tensors":[1 2]}',
      '{"a":1,}', '{"a":1}}', '{"x":1:2}', '{1:2}', '{"tensors":[],"tensors":[3]}', '{"__proto__":{"a":1},"tensors":[{"__proto__":2}]}', '{"2":1,"1":0,"b":2,"a":3}',
      '{"t\\u0065nsors":[1]}', '{"tensors":["\\ud800"]}', '{"a":"}"', '{"tensors":[', base];
    cases.push(...jsonTextMutations(base, 5000, 777));
    let lazy = 0;
    for (const text of cases) {
      let whole: unknown;
      let valid = true;
      try {
        whole = JSON.parse(text);
      } catch {
        valid = false;
      }
      const got = parseObjectLazily(text, 'tensors');
      if (!valid) expect(got, text).toBeUndefined();
      if (got === undefined) continue;
      lazy++;
      expect(JSON.stringify(got), text).toBe(JSON.stringify(whole));
      expect(got, text).toEqual(whole);
      expect(Object.keys(got), text).toEqual(Object.keys(whole as object));
    }
    expect(lazy).toBeGreaterThan(100);
  });

  it('gives a list that reads as an array and cannot be changed', () => {
    const got = parseObjectLazily('{"tensors":[{"a":1},[2],"s",null]}', 'tensors')!;
    const list = got.tensors as unknown[];
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBe(4);
    expect([...list]).toEqual([{ a: 1 }, [2], 's', null]);
    expect(list.map((v) => typeof v)).toEqual(['object', 'object', 'string', 'object']);
    expect(list.some((v) => v === 's')).toBe(true);
    expect(1 in list && !(4 in list)).toBe(true);
    expect(list[4]).toBeUndefined();
    expect(() => {
      'use strict';
      list[0] = 1;
    }).toThrow(TypeError);
    expect(() => list.push(1)).toThrow(TypeError);
  });
});

describe('a spec of many tensors parsed an entry at a time', () => {
  it('resolves as before, and its errors still name the entry', () => {
    const tensors = Array.from({ length: 300 }, (_, i) => ({ name: `t${i}`, shape: [i % 3], initializer: i % 2 ? 'zeros' : { type: 'normal', stddev: 0.1 } }));
    const spec = parseSpecText(JSON.stringify({ seed: 3, tensors }));
    expect(spec.tensors.map((t) => [t.name, t.shape, t.initializer.type])).toEqual(tensors.map((t) => [t.name, t.shape, typeof t.initializer === 'string' ? t.initializer : t.initializer.type]));
    const bad = [...tensors.slice(0, 200), { name: 't7', shape: [1], initializer: 'zeros' }];
    expect(() => parseSpecText(JSON.stringify({ seed: 3, tensors: bad }))).toThrow(/tensors\[200\]\.name: must be unique \(tensors\[7\] has it too\)/);
  });
});
