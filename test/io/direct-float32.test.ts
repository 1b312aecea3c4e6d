import { describe, expect, it } from 'vitest';
import { encodeBlocksInto, blocksByteLength } from '../../src/io/chunks.js';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';

/*
 * float32 is drawn straight into the output's Float32Array (no float64 block, no narrowing pass).
 * The stream asks for the float64 value rounded once: element for element, the in-place float32
 * must equal Math.fround of the float64 stream, for every initializer that draws, on a size that is
 * not a multiple of the block, at an aligned offset into a larger buffer (a shared slot).
 */
describe('float32 drawn in place', () => {
  const size = 2 * BLOCK_SIZE + 1234;
  const inits = [
    { type: 'normal', mean: 0.25, stddev: 0.05 },
    { type: 'uniform', minval: -0.1, maxval: 0.3 },
    { type: 'truncated_normal', mean: 0, stddev: 1 },
  ];
  for (const initializer of inits) {
    it(`equals the float64 stream rounded once (${initializer.type})`, () => {
      const tensor = (dtype: string) => resolveSpec({ seed: 7, tensors: [{ name: 'w', shape: [size], dtype, initializer }] }).tensors[0]!;
      const blocks = Math.ceil(size / BLOCK_SIZE);
      const wide = new Uint8Array(blocksByteLength(tensor('float64'), 0, blocks));
      encodeBlocksInto(tensor('float64'), 0, blocks, wide);
      const slot = new Uint8Array(new SharedArrayBuffer(64 + size * 4), 64, size * 4);
      encodeBlocksInto(tensor('float32'), 0, blocks, slot);
      const f64 = new Float64Array(wide.buffer, 0, size);
      const f32 = new Float32Array(slot.buffer, 64, size);
      let mismatches = 0;
      for (let i = 0; i < size; i++) if (f32[i] !== Math.fround(f64[i]!)) mismatches++;
      expect(mismatches).toBe(0);
      expect(new Set(f32.subarray(0, 1000)).size).toBeGreaterThan(990); // real draws, not a constant
    });
  }
});
