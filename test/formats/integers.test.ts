/*
 * Integer and bool tensors (int64, int32, uint8, bool) in every format that has them: the bytes
 * each writer puts in the file are read back by the format's own reader (the one inspect uses) and
 * compared with the stream's bytes; the headers say the right type. Arrow's bool is bit-packed,
 * checked bit by bit against an independent reader (apache-arrow). numpy, safetensors, torch,
 * pyarrow and polars read the same files in test/interop/formats-integers.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generate } from '../../src/generate/generate.js';
import { READERS } from '../../src/formats/registry.js';
import { tensorChunks, tensorValues } from '../../src/io/chunks.js';
import { ByteSource } from '../../src/io/source.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorHeader, TensorSink } from '../../src/formats/types.js';
import type { WeightsSpec } from '../../src/weights-spec/types.js';
import { readNpy, readSafetensors } from './read.js';
import { pipeOf } from '../inspect/helpers.js';

vi.mock('../../src/version.js', () => ({ TOOL_VERSION: '0.0.0-golden' }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iw-ints-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One of each integer dtype; sizes that are not whole blocks, chunks or bytes of bits (bool rows of
 * 13 across two 65,536-value blocks, some zeroed), a scalar, an empty tensor, int64 values past 2^53.
 */
const SPEC: WeightsSpec = resolveSpec({
  seed: 3,
  tensors: [
    { name: 'num_batches_tracked', shape: [], initializer: 'zeros', dtype: 'int64' },
    { name: 'big', shape: [2, 3], initializer: { type: 'constant', value: -(2 ** 62) - 2 ** 40 }, dtype: 'int64' },
    { name: 'ids', shape: [3, 70001], initializer: { type: 'constant', value: -123456789 }, dtype: 'int32' },
    { name: 'bytes', shape: [13], initializer: { type: 'constant', value: 255 }, dtype: 'uint8' },
    // Zeroed rows make a bool pattern that a misplaced bit would change.
    { name: 'mask', shape: [10083, 13], initializer: 'ones', dtype: 'bool', zero_rows: [0, 2, 5041, 5042, 10082] },
    { name: 'off', shape: [3, 3], initializer: 'zeros', dtype: 'bool' },
    { name: 'none', shape: [0, 4], initializer: 'ones', dtype: 'int32' },
  ],
});
const NPY: Record<string, string> = { int64: '<i8', int32: '<i4', uint8: '|u1', bool: '|b1' };
const ST: Record<string, string> = { int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };
const streamBytes = (name: string) => Buffer.concat([...tensorChunks(SPEC.tensors.find((t) => t.name === name)!)]);

/** Every tensor a reader delivers from the file at `path` (or from a pipe of its bytes, read once), with its bytes. */
async function readBack(path: string, name: string, pipe = false): Promise<Map<string, { header: TensorHeader; data: Buffer }>> {
  const data = readFileSync(path);
  const out = new Map<string, { header: TensorHeader; data: Buffer }>();
  const sink: TensorSink = {
    wants: () => true,
    metadata: () => undefined,
    skipped: (n, dtype) => { throw new Error(`${n} (${dtype}) skipped`); },
    tensor(header) {
      const parts: Buffer[] = [];
      return { push: (b) => { parts.push(Buffer.from(b)); }, end: () => { out.set(header.name, { header, data: Buffer.concat(parts) }); } };
    },
  };
  const reader = READERS.find((r) => r.detect(data.subarray(0, 512)))!;
  const src = pipe ? ByteSource.stream(pipeOf(data, 1000), name) : await ByteSource.file(path, name);
  try {
    await reader.read(src, sink, name);
  } finally {
    await src.close();
  }
  return out;
}

describe('integer and bool tensors in every format', () => {
  it('the stream holds the constants as the dtype says: two\'s complement int64 past 2^53, 0/1 bytes for bool', () => {
    const big = SPEC.tensors.find((t) => t.name === 'big')!;
    expect(streamBytes('big').readBigInt64LE(0)).toBe(-(2n ** 62n) - 2n ** 40n);
    expect([...tensorValues(big)]).toEqual(new Array(6).fill(-(2 ** 62) - 2 ** 40));
    expect(new Set(streamBytes('mask'))).toEqual(new Set([0, 1]));
    expect(streamBytes('mask').reduce((a, b) => a + b, 0)).toBe((10083 - 5) * 13);
    expect(streamBytes('mask').length).toBe(10083 * 13);
    expect(streamBytes('bytes')).toEqual(Buffer.alloc(13, 255));
  });

  for (const format of ['npz', 'safetensors', 'tar'] as const) {
    it(`${format}: each tensor reads back with its dtype and shape, bytes equal to the stream's`, async () => {
      const path = join(dir, `w.${format}`);
      await generate({ spec: SPEC, output: path, threads: 1 });
      const back = await readBack(path, 'w');
      for (const t of SPEC.tensors) {
        const got = back.get(t.name);
        expect(got?.header, t.name).toMatchObject({ dtype: t.dtype, shape: t.shape });
        expect(got!.data.equals(streamBytes(t.name)), t.name).toBe(true);
      }
    });
  }

  it('npy: numpy\'s type strings (<i8, <i4, |u1, |b1) in the header, the stream\'s bytes after it', async () => {
    await generate({ spec: SPEC, output: join(dir, 'npy/'), format: 'npy', threads: 1 });
    for (const t of SPEC.tensors) {
      const path = join(dir, 'npy', `${t.name}.npy`);
      const r = readNpy(readFileSync(path));
      expect({ dtype: r.dtype, shape: r.shape }, t.name).toEqual({ dtype: NPY[t.dtype], shape: t.shape });
      expect(r.data.equals(streamBytes(t.name)), t.name).toBe(true);
      expect((await readBack(path, t.name)).get(t.name)!.data.equals(streamBytes(t.name)), t.name).toBe(true);
    }
  });

  it('safetensors: the header names I64, I32, U8 and BOOL', async () => {
    const path = join(dir, 'w.safetensors');
    await generate({ spec: SPEC, output: path, threads: 1 });
    const { tensors } = readSafetensors(readFileSync(path));
    for (const t of SPEC.tensors) expect(tensors.get(t.name)?.dtype, t.name).toBe(ST[t.dtype]);
  });

  for (const format of ['arrow', 'arrow-stream'] as const) {
    const where = format === 'arrow' ? 'from the file' : 'from the file and from a pipe';
    it(`${format}: Int64, Int32, Uint8 and bit-packed Bool columns read back as the stream's bytes, ${where}`, async () => {
      const out = join(dir, `${format}/`);
      await generate({ spec: SPEC, output: out, format, threads: 1, chunkBlocks: 1 });
      const ext = format === 'arrow' ? 'arrow' : 'arrows';
      for (const t of SPEC.tensors) {
        const file = join(out, `${t.name}.${ext}`);
        // apache-arrow puts a file's schema only in its footer, which a pipe reaches last.
        for (const pipe of format === 'arrow' ? [false] : [false, true]) {
          const got = (await readBack(file, t.name, pipe)).get(t.name);
          // A 0-d tensor is one row of a plain column, read back as () from the shape gen records.
          expect(got?.header, `${t.name} pipe=${pipe}`).toMatchObject({ dtype: t.dtype, shape: t.shape });
          expect(got!.data.equals(streamBytes(t.name)), `${t.name} pipe=${pipe}`).toBe(true);
        }
      }
    });
  }

  it('arrow: a bool column is a bitmap, LSB first, one byte per 8 values per batch (apache-arrow reads the same values)', async () => {
    const spec = resolveSpec({ seed: 1, tensors: [{ name: 'm', shape: [21], initializer: 'ones', dtype: 'bool' }] });
    await generate({ spec, output: join(dir, 'm.arrow'), threads: 1 });
    const { tableFromIPC } = await import('apache-arrow');
    const table = tableFromIPC(readFileSync(join(dir, 'm.arrow')));
    const col = table.getChildAt(0)!;
    expect(String(col.type)).toBe('Bool');
    expect(col.toArray().length).toBe(21);
    expect([...col]).toEqual(new Array(21).fill(true));
    const data = col.data[0]!;
    // 21 values: bytes 0xff, 0xff and five bits of 0x1f (the three padding bits are 0).
    expect([...data.values.subarray(0, 3)]).toEqual([0xff, 0xff, 0x1f]);
  });

  it('the float formats without these types refuse them before writing: nothing is left behind', async () => {
    // bfloat16 is the one type Arrow lacks; integers are in every format gen writes.
    const spec = resolveSpec({ seed: 1, tensors: [{ name: 'w', shape: [2], initializer: 'zeros', dtype: 'bfloat16' }] });
    await expect(generate({ spec, output: join(dir, 'w.arrow'), threads: 1 })).rejects.toMatchObject({ exitCode: 2 });
    expect(existsSync(join(dir, 'w.arrow'))).toBe(false);
  });
});
