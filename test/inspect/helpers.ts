import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { REPO_ROOT } from '../helpers/python.js';

/** fixtures/inspect/files: made by fixtures/inspect/make_fixtures.py with numpy, safetensors, pyarrow, torch. */
export const FIXTURES = join(REPO_ROOT, 'fixtures', 'inspect', 'files');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** numpy's statistics of each fixture tensor (expected.json, written by the same script). */
export interface Expected {
  dtype: string;
  shape: number[];
  count: number;
  nan: number;
  posInf: number;
  negInf: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  skewness?: number | null;
  excessKurtosis?: number | null;
  quantiles?: number[];
}

export function expected(): Record<string, Record<string, Expected>> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures', 'inspect', 'expected.json'), 'utf8')) as Record<string, Record<string, Expected>>;
}

/** A readable that hands out `data` in pieces of `size` bytes, like a pipe. */
export function pipeOf(data: Uint8Array, size = 4093): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(Buffer.from(data.subarray(i, i + size)));
  return Readable.from(pieces);
}

import { Writable } from 'node:stream';
import { run } from '../../src/cli/run.js';

/** Run the CLI in-process with binary stdin; `tty` marks stdout as a terminal. */
export async function runInspectCli(argv: string[], opts: { stdin?: Uint8Array; tty?: boolean; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sinkOf = (into: Buffer[]): Writable & { isTTY?: boolean } =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  const stdout = sinkOf(out);
  stdout.isTTY = opts.tty ?? false;
  const stderr = sinkOf(err);
  const stdin = pipeOf(opts.stdin ?? new Uint8Array(0));
  const code = await run(argv, { stdout, stderr, stdin, env: opts.env ?? {} });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** A .npy file: magic, version 1.0, the dict padded to 64 bytes, then `data`. */
export function npyBytes(dict: string, data: Uint8Array, version = 1): Buffer {
  const lenBytes = version === 1 ? 2 : 4;
  const pad = 64 - ((8 + lenBytes + dict.length + 1) % 64);
  const header = `${dict}${' '.repeat(pad % 64)}\n`;
  const pre = Buffer.alloc(8 + lenBytes);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = version;
  if (lenBytes === 2) pre.writeUInt16LE(header.length, 8);
  else pre.writeUInt32LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), data]);
}

export function f32(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

/** A safetensors file from a header object and data bytes (the header padded to 8 with spaces). */
export function safetensorsBytes(header: unknown, data: Uint8Array): Buffer {
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), data]);
}

/** A one-member stored zip (local header, data, central directory, end record), name as raw bytes. */
export function zipBytes(name: Uint8Array, data: Uint8Array): Buffer {
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = 30 + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
