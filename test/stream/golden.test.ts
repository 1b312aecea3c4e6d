import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tensorChunks } from '../../src/stream/generate.js';
import { tensor } from '../helpers/spec.js';

/*
 * Golden sha256 of the data bytes (little-endian, no header) of stream version 1. These pin the
 * stream: if one changes, every user's weights change. Do not update them to make a test pass;
 * a new stream is a new STREAM_VERSION (docs/stream.md). Made with stream v1 on 2026-11-29.
 */
const GOLDEN: [string, string, number[], Parameters<typeof tensor>[2], string][] = [
  ['float32, Keras defaults', 'dense_1/kernel', [784, 128], { seed: 42 }, '7c90afb315ca3bedea43180129c9f649ebf9694149e031adfe6b902cfdaff5e0'],
  ['float64, string seed, not a whole number of blocks', 'w', [70001], { seed: 'golden', dtype: 'float64', mean: 3, stddev: 2 }, '749da712cd7a6d81e062f38d07dff280d254cd2f18218500dc336bc83371fe6a'],
  ['float16, seed 0, two blocks and one element', 'half', [3, 65537], { seed: 0, dtype: 'float16' }, 'c045276f1dd4059f0b081cb356b52c4fb134204fbb73cd3f6aafabb1bae9931e'],
  ['bfloat16, negative seed', 'brain', [1000], { seed: -5, dtype: 'bfloat16', stddev: 1 }, 'bad5cfb322e56c5f28fd88593e1890f80e23d208f050462c95721aa10c16c8a5'],
];

describe('stream v1 golden hashes', () => {
  for (const [label, name, shape, options, digest] of GOLDEN) {
    it(`${label}: ${name} ${JSON.stringify(shape)}`, () => {
      const h = createHash('sha256');
      for (const chunk of tensorChunks(tensor(name, shape, options), 3)) h.update(chunk);
      expect(h.digest('hex')).toBe(digest);
    });
  }

  it('the first values of dense_1/kernel with seed 42 are these (readable pin)', async () => {
    const { tensorValues } = await import('../../src/stream/generate.js');
    const v = Array.from(tensorValues(tensor('dense_1/kernel', [784, 128], { seed: 42 }), 0, 4), (x) => x.toPrecision(9));
    expect(v).toMatchInlineSnapshot(`
      [
        "-0.0252309963",
        "-0.000420707365",
        "0.0621758141",
        "-0.0456158407",
      ]
    `);
  });
});
