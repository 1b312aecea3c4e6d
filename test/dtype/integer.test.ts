/*
 * Integer and bool dtypes: what the table says they hold, how values become bytes and back, and
 * the rule that only exact constants go in them (a random initializer, a fraction, a value out of
 * range or a bool other than 0/1 is one clear line, exit 2, nothing written).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIntegerLE, writeIntegers } from '../../src/dtype/integer.js';
import { DTYPES, DTYPE_NAMES, isIntegerDtype, type IntegerDtype } from '../../src/dtype/table.js';
import { InitWeightsError } from '../../src/errors.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runInspectCli as runCli } from '../inspect/helpers.js';

const INTEGERS: IntegerDtype[] = ['int64', 'int32', 'uint8', 'bool'];

function roundTrip(dtype: IntegerDtype, values: number[]): number[] {
  const bytes = new Uint8Array(values.length * DTYPES[dtype].bytes);
  writeIntegers(Float64Array.from(values), bytes, dtype);
  const dv = new DataView(bytes.buffer);
  return values.map((_, i) => readIntegerLE(dv, i, dtype));
}

describe('the integer dtypes in the table', () => {
  it('are int64, int32, uint8 and bool, with numpy\'s type strings and widths', () => {
    expect(DTYPE_NAMES.filter(isIntegerDtype)).toEqual(INTEGERS);
    expect(INTEGERS.map((d) => [DTYPES[d].npy, DTYPES[d].bytes])).toEqual([['<i8', 8], ['<i4', 4], ['|u1', 1], ['|b1', 1]]);
  });

  it('bound int64 by what a JSON number holds exactly: 2^63 - 1024 is the largest float64 below 2^63', () => {
    expect(DTYPES.int64.max).toBe(9223372036854774784);
    expect(BigInt(DTYPES.int64.max)).toBe(2n ** 63n - 1024n);
    expect(DTYPES.int64.min).toBe(-(2 ** 63));
  });
});

describe('integer values to bytes and back', () => {
  it('keep every value at the edges of each range', () => {
    expect(roundTrip('int64', [0, -1, 2 ** 53 + 2, -(2 ** 63), DTYPES.int64.max])).toEqual([0, -1, 2 ** 53 + 2, -(2 ** 63), DTYPES.int64.max]);
    expect(roundTrip('int32', [0, -1, 2 ** 31 - 1, -(2 ** 31)])).toEqual([0, -1, 2 ** 31 - 1, -(2 ** 31)]);
    expect(roundTrip('uint8', [0, 1, 255])).toEqual([0, 1, 255]);
    expect(roundTrip('bool', [0, 1, 1, 0])).toEqual([0, 1, 1, 0]);
  });

  it('write little-endian two\'s complement (the bytes numpy reads as <i8)', () => {
    const bytes = new Uint8Array(8);
    writeIntegers(Float64Array.from([-2]), bytes, 'int64');
    expect([...bytes]).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });
});

const tensor = (initializer: unknown, dtype: string, shape: number[] = [3]) => ({ seed: 1, tensors: [{ name: 'counter', shape, initializer, dtype }] });
const refusal = (spec: unknown): string => {
  try {
    resolveSpec(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(InitWeightsError);
    expect((err as InitWeightsError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('the spec was accepted');
};

describe('only exact constants go in integer and bool tensors', () => {
  for (const dtype of INTEGERS) {
    it(`${dtype}: zeros, ones and an in-range constant are accepted`, () => {
      for (const init of ['zeros', 'ones', { type: 'constant', value: dtype === 'bool' ? 1 : dtype === 'uint8' ? 255 : -7 }]) {
        expect(resolveSpec(tensor(init, dtype)).tensors[0]!.dtype).toBe(dtype);
      }
    });
  }

  for (const init of ['normal', 'uniform', 'truncated_normal', 'glorot_uniform', 'he_normal', 'orthogonal', 'identity']) {
    it(`${init} with int64 is refused in one line naming the tensor, the initializer and the dtype`, () => {
      const msg = refusal(tensor(init, 'int64', [3, 3]));
      expect(msg).not.toContain('\n');
      expect(msg).toMatch(new RegExp(`^spec tensors\\[0\\]\\.initializer: ${init} cannot initialize tensor "counter" of dtype int64: integer and bool tensors take only zeros, ones or constant`));
    });
  }

  const cases: [string, IntegerDtype, number, RegExp][] = [
    ['a fraction', 'int32', 2.5, /constant writes 2\.5, and tensor "counter" of dtype int32 holds only integers from -2147483648 to 2147483647/],
    ['past int32', 'int32', 2 ** 31, /holds only integers from -2147483648 to 2147483647/],
    ['a negative uint8', 'uint8', -1, /constant writes -1, and tensor "counter" of dtype uint8 holds only integers from 0 to 255/],
    ['256 in uint8', 'uint8', 256, /holds only integers from 0 to 255/],
    ['2 in a bool', 'bool', 2, /constant writes 2, and tensor "counter" of dtype bool holds only 0 \(false\) or 1 \(true\)/],
    ['2^63 in int64', 'int64', 2 ** 63, /holds only integers from -2\^63 to 2\^63 - 1024/],
  ];
  for (const [what, dtype, value, rule] of cases) {
    it(`a constant that the dtype cannot hold is refused: ${what}`, () => {
      expect(refusal(tensor({ type: 'constant', value }, dtype))).toMatch(rule);
    });
  }

  it('the float dtypes keep their rule: any finite constant, random initializers welcome', () => {
    expect(resolveSpec(tensor({ type: 'constant', value: 2.5 }, 'float32')).tensors[0]!.initializer.type).toBe('constant');
    expect(resolveSpec(tensor('normal', 'float16')).tensors[0]!.initializer.type).toBe('normal');
  });
});

describe('the CLI on an integer dtype with a random initializer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iw-intdtype-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gen --dtype int64 with the default initializer (normal): one line, exit 2, nothing written', async () => {
    const out = join(dir, 'w.npy');
    const r = await runCli(['gen', '--shape', '3,4', '--dtype', 'int64', '--seed', '1', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/normal cannot initialize tensor "\w+" of dtype int64/);
    expect(existsSync(out)).toBe(false);
  });

  it('a spec with a bool mask given 0.5: one line, exit 2, no file in the directory', async () => {
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(tensor({ type: 'constant', value: 0.5 }, 'bool')));
    const r = await runCli(['gen', '--spec', join(dir, 'spec.json'), '-o', join(dir, 'w.safetensors')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['init-weights: spec tensors[0].initializer: constant writes 0.5, and tensor "counter" of dtype bool holds only 0 (false) or 1 (true), got {"type":"constant","value":0.5}']);
    expect(readdirSync(dir)).toEqual(['spec.json']);
  });

  it('gen --dtype int64 --init zeros writes the file', async () => {
    const out = join(dir, 'w.npy');
    const r = await runCli(['gen', '--shape', '3,4', '--dtype', 'int64', '--init', 'zeros', '--seed', '1', '-o', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
