import { describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { tensorChunks, tensorValues } from '../../src/io/chunks.js';
import { zeroRowsInBlock } from '../../src/init/zero-rows.js';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { resolveSpec, specToJson } from '../../src/weights-spec/parse.js';
import type { TensorSpec } from '../../src/weights-spec/types.js';
import { MAX_ZERO_ROWS } from '../../src/weights-spec/zero-rows.js';

/* Spec field zero_rows (issue 10): rows along the first dimension set to exactly 0 after the draws. */

const one = (fields: Record<string, unknown>, dtype = 'float32'): TensorSpec =>
  resolveSpec({ seed: 7, dtype, tensors: [{ name: 'emb', shape: [3, BLOCK_SIZE + 1], initializer: 'normal', ...fields }] }).tensors[0]!;

function specErr(fields: Record<string, unknown>): InitWeightsError {
  try {
    one(fields);
  } catch (e) {
    expect(e).toBeInstanceOf(InitWeightsError);
    expect((e as InitWeightsError).exitCode).toBe(2);
    expect((e as Error).message).not.toMatch(/\n/);
    return e as InitWeightsError;
  }
  throw new Error('expected a spec error');
}

function bytes(t: TensorSpec, chunkBlocks: number): Buffer {
  return Buffer.concat([...tensorChunks(t, chunkBlocks)]);
}

describe('zero_rows in a spec', () => {
  it('resolves to sorted, unique rows; an empty list is the same as none', () => {
    expect(one({ zero_rows: [2, 0] }).zeroRows).toEqual([0, 2]);
    expect(one({ zero_rows: [] }).zeroRows).toBeUndefined();
    expect('zeroRows' in one({})).toBe(false);
  });

  it.each([
    ['a row past the first dimension', { zero_rows: [3] }, 'tensors[0].zero_rows[0]', /from 0 to 2/],
    ['a negative row', { zero_rows: [-1] }, 'tensors[0].zero_rows[0]', /integer row index/],
    ['a fractional row', { zero_rows: [0.5] }, 'tensors[0].zero_rows[0]', /integer row index/],
    ['a row given twice', { zero_rows: [1, 1] }, 'tensors[0].zero_rows', /must not list a row twice/],
    ['a list that is not a list', { zero_rows: 0 }, 'tensors[0].zero_rows', /must be a list/],
    ['a 0-d tensor', { shape: [], zero_rows: [0] }, 'tensors[0].zero_rows', /at least one dimension/],
    ['more rows than the bound', { shape: [MAX_ZERO_ROWS + 2], zero_rows: Array.from({ length: MAX_ZERO_ROWS + 1 }, (_, i) => i) }, 'tensors[0].zero_rows', /at most 65536 rows/],
  ])('refuses %s', (_what, fields, field, message) => {
    const e = specErr(fields);
    expect(e.detail.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('is written into manifests only when a tensor has zero rows (old specs keep their provenance bytes)', () => {
    const plain = resolveSpec({ seed: 1, tensors: [{ name: 'w', shape: [2], initializer: 'zeros' }] });
    expect(JSON.stringify(specToJson(plain))).toBe('{"version":1,"seed":1,"dtype":"float32","tensors":[{"name":"w","shape":[2],"initializer":{"type":"zeros"},"dtype":"float32","seed":1}]}');
    const again = resolveSpec(specToJson(resolveSpec({ seed: 1, tensors: [{ name: 'w', shape: [4, 2], initializer: 'ones', zero_rows: [3] }] })));
    expect(again.tensors[0]!.zeroRows).toEqual([3]);
  });
});

describe('zero rows in the stream', () => {
  it.each(['float32', 'float16', 'bfloat16', 'float64'])('%s: the rows are exactly +0 and every other element keeps its bytes', (dtype) => {
    // Row 1 spans blocks 1 and 2 (rows are BLOCK_SIZE + 1 long): the zeroing crosses a block edge.
    const plain = one({}, dtype);
    const padded = one({ zero_rows: [1] }, dtype);
    const a = tensorValues(plain);
    const b = tensorValues(padded);
    const row = BLOCK_SIZE + 1;
    let zeros = 0;
    for (let i = 0; i < a.length; i++) {
      if (i >= row && i < 2 * row) {
        if (Object.is(b[i], 0)) zeros++;
      } else if (!Object.is(a[i], b[i])) {
        throw new Error(`element ${i} changed: ${a[i]} -> ${b[i]}`);
      }
    }
    expect(zeros, 'every element of row 1 is +0').toBe(row);
    expect(a.subarray(row, 2 * row).some((v) => v !== 0), 'the draws were not zero to begin with').toBe(true);
  });

  it('gives the same bytes for every chunk size (blocks regenerate alone)', () => {
    const t = one({ zero_rows: [0, 2] }, 'float16');
    const ref = bytes(t, 1);
    for (const chunk of [2, 3, 7]) expect(bytes(t, chunk).equals(ref), `chunk of ${chunk} blocks`).toBe(true);
    // The last element (alone in the tensor's last block) is in row 2.
    expect(tensorValues(t, t.size - 1, 1)[0]).toBe(0);
  });
});

describe('zeroRowsInBlock', () => {
  const run = (rows: number[], rowLength: number, start: number, count: number) => {
    const out = new Float64Array(count).fill(9);
    zeroRowsInBlock(rows, rowLength, start, count, out);
    return [...out];
  };
  it('zeroes only the parts of the rows inside the block', () => {
    // Elements 4..11 of a tensor with rows of 3: rows 1 (3..5), 2 (6..8) and 5 (15..17).
    expect(run([1, 2, 5], 3, 4, 8)).toEqual([0, 0, 0, 0, 0, 9, 9, 9]);
    expect(run([0], 3, 4, 8)).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    expect(run([3], 3, 4, 8)).toEqual([9, 9, 9, 9, 9, 0, 0, 0]);
    expect(run([], 3, 0, 2)).toEqual([9, 9]);
  });
});
