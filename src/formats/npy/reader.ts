import type { ByteSource } from '../../io/source.js';
import type { FormatReader, TensorSink } from '../types.js';
import { checkedSize, deliver, showShape } from '../reader.js';
import { NPY_MAGIC, NPY_MAX_HEADER, parseNpyDict } from './header.js';

/**
 * Read one .npy array from `src` and deliver it as tensor `name`. `limit` is how many bytes the
 * array may take (a member's size); the file's size bounds it otherwise. Statistics ignore order,
 * so Fortran-ordered arrays are read as they are.
 */
export async function readNpy(src: ByteSource, sink: TensorSink, name: string, where: string, limit?: number): Promise<number> {
  const start = src.position;
  const avail = limit ?? src.remaining;
  const pre = await src.exact(8, `${where} magic`);
  if (!pre.subarray(0, 6).equals(NPY_MAGIC)) throw src.fail(`${where}: not a .npy array (bad magic)`);
  const major = pre[6]!;
  if (major < 1 || major > 3) throw src.fail(`${where}: unsupported .npy version ${major}.${pre[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  const lenBuf = await src.exact(lenBytes, `${where} header length`);
  const hlen = lenBytes === 2 ? lenBuf.readUInt16LE(0) : lenBuf.readUInt32LE(0);
  if (hlen > NPY_MAX_HEADER) throw src.fail(`${where}: header length ${hlen} is past the ${NPY_MAX_HEADER}-byte limit`);
  if (avail !== undefined && 8 + lenBytes + hlen > avail) throw src.fail(`${where}: header length ${hlen} runs past the end of the data (${avail} bytes)`);
  const raw = await src.exact(hlen, `${where} header`);
  const text = major === 3 ? new TextDecoder('utf-8', { fatal: false }).decode(raw) : raw.toString('latin1');
  const h = parseNpyDict(text);
  if (typeof h === 'string') throw src.fail(`${where}: ${h}`);
  const size = checkedSize(h.shape, h.dtype);
  if (typeof size === 'string') throw src.fail(`${where}: ${size}`);
  const headerBytes = src.position - start;
  if (avail !== undefined && size.bytes > avail - headerBytes) {
    throw src.fail(`${where}: shape ${showShape(h.shape)} needs ${size.bytes} bytes of ${h.dtype} data, only ${avail - headerBytes} present`);
  }
  await deliver(src, sink, { name, dtype: h.dtype, shape: h.shape, bigEndian: h.bigEndian }, size.bytes, `${where} data`);
  return src.position - start;
}

/** A lone .npy file: one array named after the file, and nothing after it. */
export const npyReader: FormatReader = {
  input: 'npy',
  detect: (head) => head.length >= 6 && head.subarray(0, 6).equals(NPY_MAGIC),
  async read(src, sink, name) {
    sink.count?.(1);
    await readNpy(src, sink, name, 'array');
    if (!(await src.atEnd())) throw src.fail('data after the array');
  },
};
