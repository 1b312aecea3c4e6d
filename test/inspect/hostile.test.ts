import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Table, tableToIPC, makeVector, type Vector } from 'apache-arrow';
import { ByteSource } from '../../src/io/source.js';
import { readNpz } from '../../src/formats/npz/reader.js';
import { encodeCentralHeader, encodeDataDescriptor, encodeEnd, encodeLocalHeader, METHOD_DEFLATE } from '../../src/formats/npz/header.js';
import { MAX_MANIFEST_BYTES as MAX_MANIFEST } from '../../src/formats/directory/header.js';
import { inspect, inspectEach, SIDE_BY_SIDE_BUDGET } from '../../src/inspect/inspect.js';
import { tempDir } from '../helpers/cli.js';
import { npyBytes, pipeOf, safetensorsBytes } from './helpers.js';

/* Regression tests for the hostile-input defects of issue 9 that live in the readers. */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const rejects = (p: Promise<unknown>): Promise<void> => expect(p).rejects.toMatchObject({ code: 'E_READ', exitCode: 1 });

describe('a .npy header is parsed in linear time (issue 9 #1)', () => {
  it('a 60 KB header of spaces is refused at once instead of backtracking for hours', async () => {
    const path = tmp.path('spaces.npy');
    const h = Buffer.from(`{${' '.repeat(60_000)}\n`, 'latin1');
    const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
    writeFileSync(path, Buffer.concat([pre, h]));
    await expect(inspect({ input: path })).rejects.toThrow(/header is not a Python dict/);
  });
});

describe('only regular files are opened (issue 9 #2, #3)', () => {
  it('a FIFO is refused without blocking, alone or inside a directory', async () => {
    const fifo = tmp.path('f.npy');
    execFileSync('mkfifo', [fifo]);
    await expect(inspect({ input: fifo })).rejects.toThrow(/not a regular file/);
    const dir = tmp.path('fifo-dir');
    mkdirSync(dir);
    execFileSync('mkfifo', [`${dir}/a.npy`]);
    writeFileSync(`${dir}/manifest.json`, JSON.stringify({ files: [{ tensor: 'a', path: 'a.npy' }] }));
    await expect(inspect({ input: dir })).rejects.toThrow(/a\.npy: is not a regular file/);
  });

  it('a manifest.json that is a FIFO, too large, or a symlink to /dev/zero is refused unread', async () => {
    const fifoDir = tmp.path('fifo-manifest');
    mkdirSync(fifoDir);
    execFileSync('mkfifo', [`${fifoDir}/manifest.json`]);
    await expect(inspect({ input: fifoDir })).rejects.toThrow(/manifest\.json: is not a regular file/);
    const big = tmp.path('big-manifest');
    mkdirSync(big);
    writeFileSync(`${big}/manifest.json`, '');
    truncateSync(`${big}/manifest.json`, MAX_MANIFEST + 1); // sparse: no disk used
    await expect(inspect({ input: big })).rejects.toThrow(`more than the ${MAX_MANIFEST}-byte limit`);
    const zero = tmp.path('zero-manifest');
    mkdirSync(zero);
    symlinkSync('/dev/zero', `${zero}/manifest.json`);
    await expect(inspect({ input: zero })).rejects.toThrow(/symlink that leaves the directory/);
  });
});

describe('a directory is read without leaving it (issue 9 #20: refused, not followed)', () => {
  it('a manifest entry that is a symlink to a file outside is an error; the walk ignores symlinks', async () => {
    const outside = tmp.path('outside.npy');
    writeFileSync(outside, npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(4)));
    const dir = tmp.path('link-dir');
    mkdirSync(dir);
    symlinkSync(outside, `${dir}/a.npy`);
    writeFileSync(`${dir}/manifest.json`, JSON.stringify({ files: [{ tensor: 'a', path: 'a.npy' }] }));
    await expect(inspect({ input: dir })).rejects.toThrow(/a\.npy: is a symlink that leaves the directory/);
    const walked = tmp.path('walk-dir');
    mkdirSync(walked);
    symlinkSync(outside, `${walked}/a.npy`);
    await expect(inspect({ input: walked })).rejects.toThrow(/neither manifest\.json nor weights files/);
  });
});

describe('float64 infinities are counted (issue 9 #13)', () => {
  it('np.array([1, inf, 2, -inf]) has one +inf, one -inf, and statistics of 1 and 2', async () => {
    const path = tmp.path('inf.npy');
    writeFileSync(path, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", Buffer.from(new Float64Array([1, Infinity, 2, -Infinity]).buffer)));
    const t = (await inspect({ input: path })).tensors[0]!;
    expect(t).toMatchObject({ count: 4, posInf: 1, negInf: 1, nan: 0, finite: 2, min: 1, max: 2, mean: 1.5 });
  });
});

/** A zip of `n` deflated members written as a stream: sizes only in descriptors and the central directory. */
function streamedNpz(n: number): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const npy = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Buffer.from(new Float32Array([1, 2]).buffer));
  for (let i = 0; i < n; i++) {
    const name = `t${i}.npy`;
    const data = deflateRawSync(npy);
    const local = encodeLocalHeader(name, METHOD_DEFLATE, false);
    const desc = encodeDataDescriptor(0, data.length, npy.length, false);
    central.push(encodeCentralHeader({ name, method: METHOD_DEFLATE, crc: 0, compressedSize: data.length, size: npy.length, offset, zip64: false }));
    parts.push(local, data, desc);
    offset += local.length + data.length + desc.length;
  }
  const cd = Buffer.concat(central);
  return Buffer.concat([...parts, cd, encodeEnd(n, offset, cd.length)]);
}

describe('an npz central directory is read once (issue 9 #6)', () => {
  it('3000 streamed deflated members cost one read of the central directory, not one per member', async () => {
    const path = tmp.path('many.npz');
    writeFileSync(path, streamedNpz(3000));
    const src = await ByteSource.file(path);
    const readAt = src.readAt!;
    let reads = 0;
    (src as { readAt?: typeof readAt }).readAt = (o, n) => {
      reads++;
      return readAt(o, n);
    };
    let tensors = 0;
    await readNpz(src, { wants: () => true, tensor: () => ({ push: () => undefined, end: () => void tensors++ }), metadata: () => undefined });
    await src.close();
    expect(tensors).toBe(3000);
    expect(reads).toBeLessThanOrEqual(3);
  });
});

/** An Arrow IPC buffer of `columns` float32 columns of `rows` values from `value(column, row)`. */
function arrowColumns(columns: number, rows: number, value: (c: number, r: number) => number, stream: boolean): Uint8Array {
  const cols: Record<string, Vector> = {};
  for (let c = 0; c < columns; c++) cols[`c${c}`] = makeVector(Float32Array.from({ length: rows }, (_, r) => value(c, r)));
  return tableToIPC(new Table(cols), stream ? 'stream' : 'file');
}

describe('Arrow columns share one memory budget per input (issue 9 #4)', () => {
  // 510 values spanning every float32 binade: each column would fill its sketch's 512 pages.
  const spread = (c: number, r: number): number => (r % 2 === 0 ? 1 : -1) * 2 ** ((r % 254) - 126) * (1 + c / 1024);

  it('a file is read a column at a time: wide-spread columns past the side-by-side budget inspect', async () => {
    // 8 columns × 16 MiB of pages would pass 96 MiB side by side; in turn, one is alive at a time.
    const path = tmp.path('wide.arrow');
    writeFileSync(path, arrowColumns(8, 510, spread, false));
    const report = await inspect({ input: path });
    expect(report.tensors).toHaveLength(8);
    expect(report.tensors[7]).toMatchObject({ name: 'c7', shape: [510], count: 510 });
  });

  it('a pipe that would need more than the budget side by side is refused with one line', async () => {
    const bytes = arrowColumns(256, 510, spread, true);
    const err = inspect({ input: '-', stdin: pipeOf(bytes) });
    await rejects(err);
    await expect(err).rejects.toThrow(new RegExp(`more than ${SIDE_BY_SIDE_BUDGET >> 20} MiB of statistics`));
  });
});

describe('the report is emitted tensor by tensor (issue 9 #5)', () => {
  it('the first tensor is reported before the rest of a safetensors input has arrived', async () => {
    // Metadata makes the header longer than the 512 bytes format detection looks at.
    const header = { __metadata__: { note: 'x'.repeat(600) }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } };
    const bytes = safetensorsBytes(header, Buffer.from(new Float32Array([1, 2, 3, 4]).buffer));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const cut = bytes.length - 8; // everything up to tensor b's data
    const stdin = Readable.from((async function* () {
      yield bytes.subarray(0, cut);
      await gate; // b's bytes arrive only after a's report was emitted
      yield bytes.subarray(cut);
    })());
    const seen: string[] = [];
    await inspectEach({ input: '-', stdin }, {
      begin: (h) => void seen.push(`begin ${h.tensorCount}`),
      tensor: (t) => {
        seen.push(t.name);
        release();
      },
    });
    expect(seen).toEqual(['begin 2', 'a', 'b']);
  });

  it('50,000 empty tensors are reported through the CLI as JSON equal to the library report', async () => {
    const header: Record<string, unknown> = {};
    for (let i = 0; i < 50_000; i++) header[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    const path = tmp.path('empty-many.safetensors');
    writeFileSync(path, safetensorsBytes(header, new Uint8Array(0)));
    const { runInspectCli } = await import('./helpers.js');
    const cli = await runInspectCli(['inspect', path, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(`${JSON.stringify(await inspect({ input: path }), null, 2)}\n`);
  });
});
