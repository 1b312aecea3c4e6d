import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tensorChunks } from '../../src/io/chunks.js';
import { tensor } from '../helpers/spec.js';

/*
 * Golden sha256 of the data bytes (little-endian, no header) of stream version 1. These pin the
 * stream: if one changes, every user's weights change. Do not update them to make a test pass;
 * a new stream is a new STREAM_VERSION (docs/stream.md). Made with stream v1 on 2026-11-29 (after the fix of
 * the ziggurat's fast-path table, before any release).
 */
const GOLDEN: [string, string, number[], Parameters<typeof tensor>[2], string][] = [
  ['float32, Keras defaults', 'dense_1/kernel', [784, 128], { seed: 42 }, '590c8daa5d854867622719cadfd049a0bf215fd40c14ed03ba9b47b6708b1c2f'],
  ['float64, string seed, not a whole number of blocks', 'w', [70001], { seed: 'golden', dtype: 'float64', mean: 3, stddev: 2 }, '9101e65d54b930962878e4e07a30a094e81cb9c77b34c15cb1f1e235656e996e'],
  ['float16, seed 0, two blocks and one element', 'half', [3, 65537], { seed: 0, dtype: 'float16' }, '37cb5a540b0ffe9971f23433ddd9e8fb5abc630691fc9532f37dcdf823fde3a4'],
  ['bfloat16, negative seed', 'brain', [1000], { seed: -5, dtype: 'bfloat16', stddev: 1 }, '419be8c51a1e8950f85a04d9bb6bc0199819c77b0e0767d7ac170ce32bbe9d96'],
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
    const { tensorValues } = await import('../../src/io/chunks.js');
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
