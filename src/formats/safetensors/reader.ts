import { isUtf8 } from 'node:buffer';
import type { ByteSource } from '../../io/source.js';
import type { FormatReader, TensorSink } from '../types.js';
import { deliver, q } from '../reader.js';
import { SAFETENSORS_MAX_HEADER, SAFETENSORS_READ_DTYPES } from './header.js';
import { DTYPE_NAMES, metadataText, scanSafetensorsHeader } from './scan.js';
import type { SafetensorsTable } from './table.js';
import { release } from './release.js';

// The header parser moved to header.ts; re-exported for callers of its old home (weights-spec/like).
export { parseSafetensorsHeader } from './header.js';

/**
 * A safetensors file: 8-byte header length, the JSON header, then the tensors back to back. The
 * header is scanned into compact columns and its tensors are delivered one at a time, so a header
 * of a million entries costs its own bytes plus a few dozen bytes per entry.
 */
export async function readSafetensors(src: ByteSource, sink: TensorSink): Promise<void> {
  const t = announce(await readHeader(src), sink);
  const dataLen = t.dataLength;
  if (src.remaining !== undefined && src.remaining !== dataLen) {
    throw src.fail(src.remaining < dataLen ? `truncated: the header declares ${dataLen} data bytes, the file has ${src.remaining}` : `${src.remaining - dataLen} bytes after the last tensor`);
  }
  for (let k = 0; k < t.count; k++) {
    const name = t.name(k);
    const stDtype = DTYPE_NAMES[t.code(k)]!;
    const dtype = SAFETENSORS_READ_DTYPES[stDtype];
    const bytes = t.end(k) - t.begin(k);
    const where = `tensor ${q(name)}`;
    if (dtype === undefined) {
      sink.skipped?.(name, stDtype, t.shape(k), `inspect does not summarise ${stDtype}`);
      await src.skip(bytes, where);
      continue;
    }
    await deliver(src, sink, { name, dtype, shape: t.shape(k) }, bytes, where);
  }
  if (!(await src.atEnd())) throw src.fail('data after the last tensor');
}

/**
 * Give the sink the header's metadata and tensor count; returns the table alone, so the metadata (a
 * recorded spec can be tens of MB) is not held while the tensors are read. Called once the header
 * is let go (the metadata arrives as text, already out of the header).
 */
function announce(scanned: { table: SafetensorsTable; readCount: number; metadata: string | undefined }, sink: TensorSink): SafetensorsTable {
  if (scanned.metadata !== undefined) sink.metadata(JSON.parse(scanned.metadata) as Record<string, unknown>);
  sink.count?.(scanned.readCount);
  return scanned.table;
}

/**
 * The header, read and scanned. Its bytes live only in this call: the table keeps copies of the
 * names, so the (up to 100 MB) header is garbage by the time the metadata is looked at.
 */
async function readHeader(src: ByteSource): Promise<{ table: SafetensorsTable; readCount: number; metadata: string | undefined }> {
  const lenBuf = await src.exact(8, 'safetensors header length');
  const n = lenBuf.readBigUInt64LE(0);
  if (n > BigInt(SAFETENSORS_MAX_HEADER)) throw src.fail(`safetensors header length ${n} is past the ${SAFETENSORS_MAX_HEADER}-byte limit`);
  const hlen = Number(n);
  if (src.remaining !== undefined && hlen > src.remaining) throw src.fail(`safetensors header length ${hlen} runs past the end of the file (${src.remaining} bytes left)`);
  // One copy, filled as bytes arrive: an unfilled allocUnsafe buffer costs no memory, so a pipe
  // that claims a long header and ends early holds only what it sent.
  const header = Buffer.allocUnsafe(hlen);
  let got = 0;
  await src.stream(hlen, 'safetensors header', (b) => {
    header.set(b, got);
    got += b.length;
  });
  if (!isUtf8(header)) throw src.fail('safetensors header is not valid UTF-8');
  const scanned = scanSafetensorsHeader(header);
  // The metadata as text, then the header let go before the text is parsed.
  const metadata = typeof scanned === 'string' ? undefined : metadataText(header, scanned);
  release(header);
  if (typeof scanned === 'string') throw src.fail(scanned);
  return { table: scanned.table, readCount: scanned.readCount, metadata };
}

/** safetensors: a little-endian u64 header length (under the cap), then a JSON object. */
export const safetensorsReader: FormatReader = {
  input: 'safetensors',
  detect: (b) => b.length >= 9 && b.readBigUInt64LE(0) < BigInt(SAFETENSORS_MAX_HEADER) && b[8] === 0x7b,
  read: (src, sink) => readSafetensors(src, sink),
};
