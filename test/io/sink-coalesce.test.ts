import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSink } from '../../src/io/sink.js';

/*
 * FileSink gathers small writes into one buffer and opens a direct file only when a write must go
 * out (a small one is written whole at close). Whatever the mix of sizes, the file holds exactly
 * the bytes written, in order, and the reported size and sha256 are theirs.
 */
const dir = mkdtempSync(join(tmpdir(), 'iw-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic chunks: sizes cycle through tiny, around the 256 KiB gathering size, and large. */
function chunks(sizes: readonly number[]): Buffer[] {
  return sizes.map((n, i) => Buffer.alloc(n, (i * 37 + 11) & 0xff));
}

const MIXES: Record<string, number[]> = {
  'nothing': [],
  'one tiny piece': [3],
  'many small pieces past the gathering size': Array.from({ length: 300 }, (_, i) => 1000 + i),
  'small, exactly 256 KiB, large, small': [10, 256 * 1024, 3 << 20, 7],
  'pieces that fill the buffer to the byte': [128 * 1024, 128 * 1024, 1, 256 * 1024 - 1, 5],
};

describe('FileSink with writes of mixed sizes', () => {
  for (const [label, sizes] of Object.entries(MIXES)) {
    for (const direct of [true, false]) {
      it(`${label} (${direct ? 'direct' : 'temp and rename'}): the file is the bytes written`, async () => {
        const path = join(dir, `${label.replace(/\W+/g, '-')}-${direct}.bin`);
        const data = chunks(sizes);
        const sink = await FileSink.create(path, { direct });
        for (const c of data) await sink.write(c);
        const out = await sink.close();
        const want = Buffer.concat(data);
        const got = readFileSync(path);
        expect(got.equals(want)).toBe(true);
        expect(out.bytes).toBe(want.length);
        expect(out.sha256).toBe(createHash('sha256').update(want).digest('hex'));
      });
    }
  }

  it('an aborted direct sink that never wrote leaves no file', async () => {
    const path = join(dir, 'aborted.bin');
    const sink = await FileSink.create(path, { direct: true });
    await sink.write(Buffer.alloc(10));
    await sink.abort();
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});

describe('FileSink and callers that reuse their buffers', () => {
  it('once write() resolves, every earlier chunk is on disk: a large chunk reused after a small write still lands intact', async () => {
    const path = join(dir, 'reuse.bin');
    const sink = await FileSink.create(path);
    const large = Buffer.alloc(1 << 20, 0xab);
    const small = Buffer.alloc(16, 0xcd);
    await sink.write(large);
    await sink.write(small);
    large.fill(0x00); // what a buffer ring does with a chunk it believes written
    await sink.close();
    expect(readFileSync(path).equals(Buffer.concat([Buffer.alloc(1 << 20, 0xab), Buffer.alloc(16, 0xcd)]))).toBe(true);
  });
});
