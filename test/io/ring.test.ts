import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/*
 * Files reuse a few chunk buffers in turn (BufferRing); streams get fresh ones. Writing the same
 * spec both ways, one block per chunk so buffers are reused many times, must give the same bytes.
 */
describe('reused chunk buffers', () => {
  const spec = resolveSpec({
    seed: 'ring',
    tensors: [
      { name: 'a', shape: [5, 65536 + 3], initializer: 'normal', dtype: 'float16' },
      { name: 'b', shape: [4 * 65536 + 1], initializer: 'glorot_uniform' },
      { name: 'c', shape: [3, 65536], initializer: 'truncated_normal', dtype: 'float64' },
    ],
  });

  for (const [format, file] of [['tar', 'w.tar'], ['npz', 'w.npz'], ['safetensors', 'w.safetensors']] as const) {
    it(`give a ${format} file the same bytes as the ${format} stream`, async () => {
      const parts: Buffer[] = [];
      const stdout = new Writable({ write(c: Buffer, _e, cb) { parts.push(Buffer.from(c)); cb(); } });
      await generate({ spec, output: '-', format, stdout, chunkBlocks: 1, threads: 1 });
      await generate({ spec, output: tmp.path(file), chunkBlocks: 1, threads: 1 });
      expect(readFileSync(tmp.path(file)).equals(Buffer.concat(parts))).toBe(true);
    });
  }
});
