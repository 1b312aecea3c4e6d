import type { ByteSource } from '../../io/source.js';
import type { ElementType, TensorSink } from '../../inspect/types.js';
import { checkedSize, deliver, q, showShape, utf8 } from '../reader.js';

/** The safetensors library's own limit on the JSON header (MAX_HEADER_SIZE). */
const MAX_HEADER = 100_000_000;

// Null-prototype tables: a hostile header's "constructor" or "__proto__" dtype must not find anything.
const DTYPES: Record<string, ElementType> = Object.assign(Object.create(null) as Record<string, ElementType>, { F16: 'float16', BF16: 'bfloat16', F32: 'float32', F64: 'float64' });
const OTHER_WIDTH: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, I32: 4, U32: 4, I64: 8, U64: 8 });

/** One tensor entry of the header, checked. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Parse and check a safetensors JSON header (pure): entries sorted by offset, starting at 0 and
 * tiling the data with no hole and no overlap, each exactly shape × dtype bytes. Returns the
 * entries and `__metadata__`, or a reason the header is unusable.
 */
export function parseSafetensorsHeader(text: string): { entries: SafetensorsEntry[]; metadata: Record<string, unknown> | undefined } | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'header is not valid JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'header is not a JSON object';
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, unknown> | undefined;
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return '__metadata__ is not an object';
      metadata = v as Record<string, unknown>;
      continue;
    }
    if (typeof v !== 'object' || v === null) return `tensor ${q(name)}: entry is not an object`;
    const e = v as Record<string, unknown>;
    const dtype = e.dtype;
    const shape = e.shape;
    const offs = e.data_offsets;
    if (typeof dtype !== 'string') return `tensor ${q(name)}: dtype is not a string`;
    if (!Array.isArray(shape)) return `tensor ${q(name)}: shape is not a list`;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      return `tensor ${q(name)}: data_offsets is not a pair of non-negative integers`;
    }
    const [begin, end] = offs as [number, number];
    if (end < begin) return `tensor ${q(name)}: data_offsets [${begin}, ${end}] end before they begin`;
    const width = DTYPES[dtype] !== undefined ? undefined : OTHER_WIDTH[dtype];
    if (DTYPES[dtype] === undefined && width === undefined) return `tensor ${q(name)}: unknown dtype ${q(dtype)}`;
    const size = checkedSize(shape, DTYPES[dtype] ?? 'float32');
    if (typeof size === 'string') return `tensor ${q(name)}: ${size}`;
    const bytes = DTYPES[dtype] !== undefined ? size.bytes : size.count * width!;
    if (end - begin !== bytes) return `tensor ${q(name)}: shape ${showShape(shape)} of ${dtype} is ${bytes} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`;
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin > at) return `tensor ${q(e.name)}: a hole in the data before offset ${e.begin} (previous tensor ends at ${at})`;
    if (e.begin < at) return `tensor ${q(e.name)}: data_offsets overlap the previous tensor (begin ${e.begin} < ${at})`;
    at = e.end;
  }
  return { entries, metadata };
}

/** A safetensors file: 8-byte header length, the JSON header, then the tensors back to back. */
export async function readSafetensors(src: ByteSource, sink: TensorSink): Promise<void> {
  const lenBuf = await src.exact(8, 'safetensors header length');
  const n = lenBuf.readBigUInt64LE(0);
  if (n > BigInt(MAX_HEADER)) throw src.fail(`safetensors header length ${n} is past the ${MAX_HEADER}-byte limit`);
  const hlen = Number(n);
  if (src.remaining !== undefined && hlen > src.remaining) throw src.fail(`safetensors header length ${hlen} runs past the end of the file (${src.remaining} bytes left)`);
  const text = utf8(await src.exact(hlen, 'safetensors header', MAX_HEADER));
  if (text === undefined) throw src.fail('safetensors header is not valid UTF-8');
  const parsed = parseSafetensorsHeader(text);
  if (typeof parsed === 'string') throw src.fail(parsed);
  if (parsed.metadata !== undefined) sink.metadata(parsed.metadata);
  const dataLen = parsed.entries.length === 0 ? 0 : parsed.entries[parsed.entries.length - 1]!.end;
  if (src.remaining !== undefined && src.remaining !== dataLen) {
    throw src.fail(src.remaining < dataLen ? `truncated: the header declares ${dataLen} data bytes, the file has ${src.remaining}` : `${src.remaining - dataLen} bytes after the last tensor`);
  }
  for (const e of parsed.entries) {
    const dtype = DTYPES[e.dtype];
    const where = `tensor ${q(e.name)}`;
    if (dtype === undefined) {
      sink.skipped?.(e.name, e.dtype, e.shape, `${e.dtype} is not a float type`);
      await src.skip(e.end - e.begin, where);
      continue;
    }
    await deliver(src, sink, { name: e.name, dtype, shape: e.shape }, e.end - e.begin, where);
  }
  if (!(await src.atEnd())) throw src.fail('data after the last tensor');
}
