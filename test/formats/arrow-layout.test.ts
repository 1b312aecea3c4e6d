import { describe, expect, it } from 'vitest';
import { arrowLayout, FIXED_SHAPE_TENSOR } from '../../src/formats/arrow/layout.js';
import { wholeRows } from '../../src/formats/arrow/writer.js';

async function* from(chunks: number[][]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield Uint8Array.from(c);
}
async function collect(it: AsyncIterable<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const c of it) out.push([...c]);
  return out;
}

describe('the Arrow layout of a tensor', () => {
  it('rank >= 2: R rows of a fixed_shape_tensor column whose shape is the trailing dimensions', () => {
    const l = arrowLayout([784, 128]);
    expect([l.rows, l.rowValues]).toEqual([784, 128]);
    expect(Object.fromEntries(l.fieldMetadata!)).toEqual({ 'ARROW:extension:name': FIXED_SHAPE_TENSOR, 'ARROW:extension:metadata': '{"shape":[128]}' });
    expect(arrowLayout([2, 3, 4]).rowValues).toBe(12);
  });

  it('refuses rows longer than an Arrow fixed-size list holds (2^31 - 1 values), naming formats that can', () => {
    expect(() => arrowLayout([2, 2 ** 16, 2 ** 15])).toThrow(/at most 2147483647 values.*npy, npz or safetensors/);
    expect(arrowLayout([2, 2 ** 31 - 1]).rowValues).toBe(2 ** 31 - 1);
  });

  it('rank 1 is a plain column, rank 0 a single row', () => {
    expect(arrowLayout([5])).toEqual({ rows: 5, rowValues: 1, fieldMetadata: undefined });
    expect(arrowLayout([])).toEqual({ rows: 1, rowValues: 1, fieldMetadata: undefined });
  });
});

describe('cutting chunks into whole rows', () => {
  it('passes chunks that are whole rows through as they are', async () => {
    expect(await collect(wholeRows(from([[1, 2, 3, 4], [5, 6]]), 2))).toEqual([[1, 2, 3, 4], [5, 6]]);
  });

  it('carries a partial row over to the next chunk, so every batch is whole rows and no byte is lost', async () => {
    expect(await collect(wholeRows(from([[1, 2, 3, 4], [5, 6, 7, 8, 9]]), 3))).toEqual([[1, 2, 3], [4, 5, 6, 7, 8, 9]]);
    expect(await collect(wholeRows(from([[1], [2], [3, 4]]), 4))).toEqual([[1, 2, 3, 4]]);
  });

  it('fails when the data ends in the middle of a row', async () => {
    await expect(collect(wholeRows(from([[1, 2, 3]]), 2))).rejects.toThrow(/left over/);
  });
});
