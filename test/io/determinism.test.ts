import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { tensorChunks, tensorValues } from '../../src/io/chunks.js';
import { tensor } from '../helpers/spec.js';

function bytesOf(t: ReturnType<typeof tensor>, chunkBlocks?: number): Buffer {
  return Buffer.concat([...tensorChunks(t, chunkBlocks)]);
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

describe('the stream is reproducible by contract', () => {
  const big = tensor('layer/kernel', [3, BLOCK_SIZE + 17], { seed: 7 });

  it('gives the same bytes for the same spec and seed', () => {
    expect(sha(bytesOf(big))).toBe(sha(bytesOf(tensor('layer/kernel', [3, BLOCK_SIZE + 17], { seed: 7 }))));
  });

  it('gives the same bytes whatever the chunk size', () => {
    const ref = sha(bytesOf(big, 4));
    for (const chunk of [1, 2, 3, 5, 1000]) expect(sha(bytesOf(big, chunk))).toBe(ref);
  });

  it('gives the same values for any element range, aligned to blocks or not', () => {
    const all = tensorValues(big);
    for (const [start, count] of [[0, 10], [BLOCK_SIZE - 5, 10], [2 * BLOCK_SIZE + 3, BLOCK_SIZE + 1], [big.size - 1, 1]] as const) {
      expect(tensorValues(big, start, count)).toEqual(all.subarray(start, start + count));
    }
  });

  it('depends on the shape only through the element count (values are indexed by element)', () => {
    const flat = tensor('layer/kernel', [3 * (BLOCK_SIZE + 17)], { seed: 7 });
    expect(sha(bytesOf(flat))).toBe(sha(bytesOf(big)));
  });

  it('does not change a tensor when others are reordered, added or removed', () => {
    const make = (names: string[]) =>
      resolveSpec({ seed: 5, tensors: names.map((name) => ({ name, shape: [100, 30], initializer: 'normal' })) });
    const a = make(['x', 'y']);
    const b = make(['z', 'y', 'x', 'w']);
    const byName = (s: typeof a, n: string) => s.tensors.find((t) => t.name === n)!;
    expect(bytesOf(byName(b, 'x'))).toEqual(bytesOf(byName(a, 'x')));
    expect(bytesOf(byName(b, 'y'))).toEqual(bytesOf(byName(a, 'y')));
  });

  it('gives two tensors with the same seed different values (the name is part of the seed)', () => {
    const a = tensorValues(tensor('dense_1/kernel', [1000], { seed: 1 }));
    const b = tensorValues(tensor('dense_2/kernel', [1000], { seed: 1 }));
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBe(0);
  });

  it('gives different values for different seeds, and seed 0 is a seed like any other', () => {
    const z0 = tensorValues(tensor('w', [1000], { seed: 0 }));
    const z1 = tensorValues(tensor('w', [1000], { seed: 1 }));
    expect(z0).toEqual(tensorValues(tensor('w', [1000], { seed: 0 })));
    expect(z0).not.toEqual(z1);
    expect(new Set(z0).size).toBe(1000);
  });

  it('treats a string seed that spells an integer as that integer', () => {
    expect(tensorValues(tensor('w', [50], { seed: '42' }))).toEqual(tensorValues(tensor('w', [50], { seed: 42 })));
    expect(tensorValues(tensor('w', [50], { seed: '042' }))).not.toEqual(tensorValues(tensor('w', [50], { seed: 42 })));
  });

  it('scales the same standard normal draws by mean and stddev (one float64 expression)', () => {
    const z = tensorValues(tensor('w', [500], { seed: 3, dtype: 'float64', mean: 0, stddev: 1 }));
    const x = tensorValues(tensor('w', [500], { seed: 3, dtype: 'float64', mean: 2, stddev: 0.5 }));
    for (let i = 0; i < z.length; i++) expect(x[i]).toBe(2 + 0.5 * z[i]!);
  });

  it('rounds float32 once from the float64 value', () => {
    const f64 = tensorValues(tensor('w', [2000], { seed: 3, dtype: 'float64' }));
    const f32 = tensorValues(tensor('w', [2000], { seed: 3, dtype: 'float32' }));
    for (let i = 0; i < f64.length; i++) expect(f32[i]).toBe(Math.fround(f64[i]!));
  });

  it('handles empty and scalar tensors', () => {
    expect(bytesOf(tensor('e', [3, 0, 2])).length).toBe(0);
    expect(bytesOf(tensor('s', [])).length).toBe(4);
    expect(tensorValues(tensor('s', [])).length).toBe(1);
  });
});
