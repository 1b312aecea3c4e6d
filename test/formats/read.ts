/*
 * Minimal readers for what the writers produce, used to check round trips in-process (the real
 * consumers, numpy, pyarrow, polars, safetensors and torch, are checked in test/interop/). Each
 * returns every tensor's raw little-endian data, so comparisons are bit-exact.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from 'node:zlib';

export interface ReadTensor {
  readonly shape: number[];
  readonly dtype: string;
  readonly data: Buffer;
}

/** A .npy file: header dict parsed loosely, then the data. */
export function readNpy(file: Buffer): ReadTensor {
  const version = file[6]!;
  const hlen = version === 1 ? file.readUInt16LE(8) : file.readUInt32LE(8);
  const start = (version === 1 ? 10 : 12) + hlen;
  const dict = file.subarray(0, start).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(dict)![1]!;
  const shape = /'shape': \(([^)]*)\)/.exec(dict)![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { shape, dtype: descr, data: file.subarray(start) };
}

/** Every member of a zip (stored or deflated), checked against its CRC-32, by the central directory. */
export function readZip(file: Buffer): Map<string, Buffer> {
  let end = file.length - 22;
  while (end >= 0 && file.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('no end of central directory');
  let count = file.readUInt16LE(end + 10);
  let cd = file.readUInt32LE(end + 16);
  if (cd === 0xffffffff || count === 0xffff) {
    const rec = Number(file.readBigUInt64LE(end - 20 + 8));
    count = Number(file.readBigUInt64LE(rec + 32));
    cd = Number(file.readBigUInt64LE(rec + 48));
  }
  const out = new Map<string, Buffer>();
  for (let i = 0, p = cd; i < count; i++) {
    const method = file.readUInt16LE(p + 10);
    const crc = file.readUInt32LE(p + 16);
    let csize = file.readUInt32LE(p + 20);
    let size = file.readUInt32LE(p + 24);
    const nlen = file.readUInt16LE(p + 28);
    const xlen = file.readUInt16LE(p + 30);
    const clen = file.readUInt16LE(p + 32);
    let offset = file.readUInt32LE(p + 42);
    const name = file.subarray(p + 46, p + 46 + nlen).toString('utf8');
    let x = p + 46 + nlen + 4;
    if (size === 0xffffffff) { size = Number(file.readBigUInt64LE(x)); x += 8; }
    if (csize === 0xffffffff) { csize = Number(file.readBigUInt64LE(x)); x += 8; }
    if (offset === 0xffffffff) offset = Number(file.readBigUInt64LE(x));
    const local = offset + 30 + file.readUInt16LE(offset + 26) + file.readUInt16LE(offset + 28);
    const raw = file.subarray(local, local + csize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes, central directory says ${size}`);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    out.set(name, data);
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

/** A safetensors file: header, metadata, then each tensor by its offsets. */
export function readSafetensors(file: Buffer): { metadata: Record<string, string>; tensors: Map<string, ReadTensor> } {
  const n = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> };
  const tensors = new Map<string, ReadTensor>();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    tensors.set(name, { shape: e.shape, dtype: e.dtype, data: file.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1]) });
  }
  return { metadata: header.__metadata__ ?? {}, tensors };
}

/** An Arrow IPC file or stream, through apache-arrow's reader: the column's values as bytes. */
export async function readArrow(file: Buffer): Promise<{ metadata: Map<string, string>; fieldMetadata: Map<string, string>; data: Buffer; rows: number }> {
  const { tableFromIPC } = await import('apache-arrow');
  const table = tableFromIPC(file);
  const parts: Buffer[] = [];
  for (const batch of table.batches) {
    let data = batch.data.children[0]!;
    if (data.children.length > 0) data = data.children[0]!;
    // The reader's views run to the 8-byte padding of each buffer: keep the data's own elements.
    const v = (data.values as Float32Array).subarray(data.offset, data.offset + data.length);
    parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }
  return { metadata: table.schema.metadata, fieldMetadata: table.schema.fields[0]!.metadata, data: Buffer.concat(parts), rows: table.numRows };
}
