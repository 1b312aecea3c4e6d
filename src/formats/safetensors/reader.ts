import type { ByteSource } from '../../io/source.js';
import type { FormatReader, TensorSink } from '../types.js';
import { deliver, q, utf8 } from '../reader.js';
import { parseSafetensorsHeader, SAFETENSORS_MAX_HEADER, SAFETENSORS_READ_DTYPES } from './header.js';

// The header parser moved to header.ts; re-exported for callers of its old home (weights-spec/like).
export { parseSafetensorsHeader } from './header.js';

/** A safetensors file: 8-byte header length, the JSON header, then the tensors back to back. */
export async function readSafetensors(src: ByteSource, sink: TensorSink): Promise<void> {
  const lenBuf = await src.exact(8, 'safetensors header length');
  const n = lenBuf.readBigUInt64LE(0);
  if (n > BigInt(SAFETENSORS_MAX_HEADER)) throw src.fail(`safetensors header length ${n} is past the ${SAFETENSORS_MAX_HEADER}-byte limit`);
  const hlen = Number(n);
  if (src.remaining !== undefined && hlen > src.remaining) throw src.fail(`safetensors header length ${hlen} runs past the end of the file (${src.remaining} bytes left)`);
  const text = utf8(await src.exact(hlen, 'safetensors header', SAFETENSORS_MAX_HEADER));
  if (text === undefined) throw src.fail('safetensors header is not valid UTF-8');
  const parsed = parseSafetensorsHeader(text);
  if (typeof parsed === 'string') throw src.fail(parsed);
  if (parsed.metadata !== undefined) sink.metadata(parsed.metadata);
  sink.count?.(parsed.entries.filter((e) => SAFETENSORS_READ_DTYPES[e.dtype] !== undefined).length);
  const dataLen = parsed.entries.length === 0 ? 0 : parsed.entries[parsed.entries.length - 1]!.end;
  if (src.remaining !== undefined && src.remaining !== dataLen) {
    throw src.fail(src.remaining < dataLen ? `truncated: the header declares ${dataLen} data bytes, the file has ${src.remaining}` : `${src.remaining - dataLen} bytes after the last tensor`);
  }
  for (const e of parsed.entries) {
    const dtype = SAFETENSORS_READ_DTYPES[e.dtype];
    const where = `tensor ${q(e.name)}`;
    if (dtype === undefined) {
      sink.skipped?.(e.name, e.dtype, e.shape, `inspect does not summarise ${e.dtype}`);
      await src.skip(e.end - e.begin, where);
      continue;
    }
    await deliver(src, sink, { name: e.name, dtype, shape: e.shape }, e.end - e.begin, where);
  }
  if (!(await src.atEnd())) throw src.fail('data after the last tensor');
}

/** safetensors: a little-endian u64 header length (under the cap), then a JSON object. */
export const safetensorsReader: FormatReader = {
  input: 'safetensors',
  detect: (b) => b.length >= 9 && b.readBigUInt64LE(0) < BigInt(SAFETENSORS_MAX_HEADER) && b[8] === 0x7b,
  read: (src, sink) => readSafetensors(src, sink),
};
