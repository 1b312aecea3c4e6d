import type { ByteSource } from '../../io/source.js';
import type { ElementType, TensorSink } from '../../inspect/types.js';
import { checkedSize, deliver, showShape } from '../reader.js';

/** numpy's magic string. */
export const NPY_MAGIC = Buffer.from('\x93NUMPY', 'latin1');
/** Longest header read: numpy itself refuses over 10,000 characters unless told otherwise. */
const MAX_HEADER = 1 << 20;

/** What a .npy header says. */
export interface NpyHeader {
  readonly dtype: ElementType;
  readonly bigEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
}

const DESCRS: Record<string, { dtype: ElementType; bigEndian: boolean }> = {
  '<f4': { dtype: 'float32', bigEndian: false },
  '>f4': { dtype: 'float32', bigEndian: true },
  '<f8': { dtype: 'float64', bigEndian: false },
  '>f8': { dtype: 'float64', bigEndian: true },
  '<f2': { dtype: 'float16', bigEndian: false },
  '>f2': { dtype: 'float16', bigEndian: true },
  // numpy has no bfloat16; ml_dtypes (and init-weights) store it as 2 raw bytes.
  '<V2': { dtype: 'bfloat16', bigEndian: false },
  '|V2': { dtype: 'bfloat16', bigEndian: false },
};

/**
 * Parse the Python-literal dict of a .npy header (pure). Only the three keys numpy writes, with
 * literal values, are accepted: this is a parser for one shape of dict, not a Python evaluator.
 */
export function parseNpyDict(text: string): NpyHeader | string {
  const m = /^\s*\{\s*(.*?)\s*,?\s*\}\s*$/s.exec(text);
  if (m === null) return 'header is not a Python dict';
  const body = m[1]!;
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(body);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(body);
  const shape = /'shape'\s*:\s*\(([^()]*)\)/.exec(body);
  if (descr === null || fortran === null || shape === null) return "header lacks 'descr', 'fortran_order' or 'shape'";
  const kind = DESCRS[descr[1]!];
  if (kind === undefined) return `unsupported dtype ${JSON.stringify(descr[1]!.slice(0, 20))} (inspect reads float16, bfloat16 as <V2, float32, float64)`;
  const inner = shape[1]!.trim();
  const dims: number[] = [];
  if (inner !== '') {
    for (const part of inner.split(',')) {
      const t = part.trim();
      if (t === '') continue;
      if (!/^-?\d+L?$/.test(t)) return `shape (${inner.slice(0, 40)}) has a dimension that is not an integer`;
      dims.push(Number(t.replace('L', '')));
    }
  }
  return { dtype: kind.dtype, bigEndian: kind.bigEndian, fortranOrder: fortran[1] === 'True', shape: dims };
}

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
  if (hlen > MAX_HEADER) throw src.fail(`${where}: header length ${hlen} is past the ${MAX_HEADER}-byte limit`);
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
