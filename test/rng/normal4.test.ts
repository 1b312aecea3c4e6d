import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksByteLength, encodeBlocksInto } from '../../src/io/chunks.js';
import { roundInto16 } from '../../src/dtype/round.js';
import { fillNormal4, simdKernelAvailable, useSimdKernel } from '../../src/rng/normal4.js';
import { BLOCK_SIZE, blockGenerator } from '../../src/rng/stream.js';
import { NORMAL4_WASM } from '../../src/rng/wasm/normal4.wasm.js';
import { fillNormal, ZIGGURAT_R } from '../../src/rng/ziggurat.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';

/*
 * The SIMD kernel (src/rng/wasm/normal4.as.ts) is only a faster way to draw fillNormal's values:
 * every value must be the JS kernel's, bit for bit, on both the fast and the slow paths, and every
 * output byte the same with the kernel on or off.
 */
describe('SIMD normal kernel', () => {
  afterEach(() => useSimdKernel(true));

  it('is available on this Node (WebAssembly SIMD)', () => {
    expect(simdKernelAvailable()).toBe(true);
  });

  it('is compiled from its committed source', () => {
    const fresh = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--print'], { encoding: 'utf8' });
    expect(fresh).toBe(NORMAL4_WASM);
  });

  for (const float32 of [true, false]) {
    it(`draws fillNormal's values exactly (${float32 ? 'float32' : 'float64'}), tails and wedges included`, () => {
      let beyondR = 0;
      let compared = 0;
      const cases = [
        { seed: 42, name: 'w', mean: 0, stddev: 1 },
        { seed: 'run-7', name: 'layers.0.q_proj.weight', mean: 0.25, stddev: 0.02 },
        { seed: -3, name: 'é', mean: -1e3, stddev: 7.5 },
      ];
      for (const c of cases) {
        for (const first of [0, 4, 1000]) {
          const gens = [0, 1, 2, 3].map((l) => blockGenerator(c.seed, c.name, first + l));
          const got = fillNormal4(gens, BLOCK_SIZE, c.mean, c.stddev, float32 ? "float32" : "float64").slice();
          for (let l = 0; l < 4; l++) {
            const want = float32 ? new Float32Array(BLOCK_SIZE) : new Float64Array(BLOCK_SIZE);
            fillNormal(blockGenerator(c.seed, c.name, first + l), want, 0, BLOCK_SIZE, c.mean, c.stddev);
            for (let i = 0; i < BLOCK_SIZE; i++) {
              if (!Object.is(got[l * BLOCK_SIZE + i], want[i])) throw new Error(`block ${first + l} element ${i}: ${got[l * BLOCK_SIZE + i]} != ${want[i]}`);
              if (Math.abs((want[i]! - c.mean) / c.stddev) > ZIGGURAT_R) beyondR++;
            }
            compared += BLOCK_SIZE;
          }
        }
      }
      expect(compared).toBe(36 * BLOCK_SIZE);
      // The tail beyond R (the base layer's exact tail, the rarest slow path) was exercised: P(|z| > R) ~ 2.6e-4.
      expect(beyondR).toBeGreaterThan(100);
    });
  }

  for (const dtype of ['bfloat16', 'float16'] as const) {
    it(`rounds to ${dtype} as roundInto16 does, subnormals, zeros and overflow included`, () => {
      const cases = [
        { mean: 0, stddev: 0.02 }, // float16 subnormals near 0
        { mean: 0, stddev: 3e4 }, // float16 overflow to infinity
        { mean: 1, stddev: 1e-6 }, // ties and near-ties around 1
        { mean: 0, stddev: 1e-40 }, // bfloat16 subnormals
      ];
      for (const c of cases) {
        const gens = [0, 1, 2, 3].map((l) => blockGenerator(5, 'h', l));
        const got = fillNormal4(gens, BLOCK_SIZE, c.mean, c.stddev, dtype).slice();
        const values = new Float64Array(BLOCK_SIZE);
        const want = new Uint16Array(BLOCK_SIZE);
        for (let l = 0; l < 4; l++) {
          fillNormal(blockGenerator(5, 'h', l), values, 0, BLOCK_SIZE, c.mean, c.stddev);
          roundInto16(values, want, dtype === 'bfloat16');
          expect(Buffer.from(got.buffer, got.byteOffset + l * BLOCK_SIZE * 2, BLOCK_SIZE * 2).equals(Buffer.from(want.buffer))).toBe(true);
        }
      }
    });
  }

  it('gives the same bytes on and off for every dtype, chunking, zeroed rows and partial blocks', () => {
    const size = 9 * BLOCK_SIZE + 777;
    const tensors = ['float32', 'float64', 'float16', 'bfloat16'].flatMap((dtype) => [
      { name: `n.${dtype}`, shape: [size], dtype, initializer: { type: 'normal', mean: 0.5, stddev: 0.1 } },
      { name: `emb.${dtype}`, shape: [size / 7 | 0, 7], dtype, initializer: { type: 'normal', stddev: 0.02 }, zero_rows: [0, 5000, 9000] },
      { name: `he.${dtype}`, shape: [size / 7 | 0, 7], dtype, initializer: { type: 'kaiming_normal' } },
    ]);
    const spec = resolveSpec({ seed: 11, tensors });
    const digest = (on: boolean, chunkBlocks: number): string[] => {
      useSimdKernel(on);
      return spec.tensors.map((t) => {
        const h = createHash('sha256');
        const blocks = Math.ceil(t.size / BLOCK_SIZE);
        for (let b = 0; b < blocks; b += chunkBlocks) {
          const n = Math.min(chunkBlocks, blocks - b);
          const out = new Uint8Array(blocksByteLength(t, b, n));
          encodeBlocksInto(t, b, n, out);
          h.update(out);
        }
        return h.digest('hex');
      });
    };
    const reference = digest(false, 1);
    expect(digest(true, 4)).toEqual(reference);
    expect(digest(true, 6)).toEqual(reference); // groups of four, then blocks one by one
    expect(digest(true, 10)).toEqual(reference);
    expect(new Set(reference).size).toBe(reference.length);
  });
});
