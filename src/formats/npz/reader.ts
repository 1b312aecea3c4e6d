import { once } from 'node:events';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ByteSource } from '../../io/source.js';
import type { FormatReader, TensorSink } from '../types.js';
import { q, utf8 } from '../reader.js';
import { readNpy } from '../npy/reader.js';
import {
  decodeCentralDirectory,
  decodeEnd,
  decodeZip64End,
  END_BYTES,
  SIG_CENTRAL,
  SIG_DESCRIPTOR,
  SIG_END,
  SIG_LOCAL,
  ZIP32_MAX,
  ZIP64_END_BYTES,
  zip64Extra,
} from './header.js';

/** Largest central directory read (16k members take about 1 MiB). */
const MAX_CENTRAL_DIRECTORY = 64 << 20;

/** What the central directory says, read once per archive: the member count, and deflated members' sizes. */
interface Central {
  /** Members, when the end record's count agrees with the records that fill the directory. */
  readonly members: number | undefined;
  readonly deflatedSizes: Map<number, number>;
}

/**
 * The central directory of an archive on disk (undefined for a pipe or when it cannot be found). A
 * streamed, deflated member's size is only there; its member count lets the report begin before
 * the first member is read, so the report of an archive of many arrays is not held to the end.
 */
async function readCentral(src: ByteSource): Promise<Central | undefined> {
  const readAt = src.readAt;
  const size = src.size;
  if (readAt === undefined || size === undefined) return undefined;
  const tailLen = Math.min(size, END_BYTES + 65535);
  let end = decodeEnd(await readAt(size - tailLen, tailLen));
  if (end?.zip64At !== undefined) end = decodeZip64End(await readAt(end.zip64At, ZIP64_END_BYTES));
  if (end === undefined || end.cdOffset + end.cdSize > size || end.cdSize > MAX_CENTRAL_DIRECTORY) return undefined;
  const cd = decodeCentralDirectory(await readAt(end.cdOffset, end.cdSize));
  return { members: cd.exact && cd.members === end.entries ? cd.members : undefined, deflatedSizes: cd.deflatedSizes };
}

/**
 * A .npz: a zip of NAME.npy members, read front to back through the local headers, so a pipe works
 * too. Stored and deflated members, data descriptors and ZIP64 sizes are understood. The CRC-32 is
 * not checked (statistics do not need it; np.load checks it).
 */
export async function readNpz(src: ByteSource, sink: TensorSink): Promise<void> {
  const central = await readCentral(src);
  if (central?.members !== undefined) sink.count?.(central.members);
  for (;;) {
    if (await src.atEnd()) throw src.fail('truncated: the zip ends before its central directory');
    const at = src.position;
    const sigBuf = await src.exact(4, 'zip record signature');
    const sig = sigBuf.readUInt32LE(0);
    if (sig === SIG_CENTRAL || sig === SIG_END) return; // the central directory repeats what we read
    if (sig !== SIG_LOCAL) throw src.fail(`offset ${at}: not a zip record (signature 0x${sig.toString(16).padStart(8, '0')})`);
    const h = await src.exact(26, 'zip local header');
    const flags = h.readUInt16LE(2);
    const method = h.readUInt16LE(4);
    let csize = h.readUInt32LE(14);
    let usize = h.readUInt32LE(18);
    const nameLen = h.readUInt16LE(22);
    const extraLen = h.readUInt16LE(24);
    const nameBytes = await src.exact(nameLen, 'zip member name');
    const extra = await src.exact(extraLen, 'zip extra field');
    const name = utf8(nameBytes);
    if (name === undefined) throw src.fail(`zip member at offset ${at}: name is not valid UTF-8`);
    if ((flags & 1) !== 0) throw src.fail(`zip member ${q(name)} is encrypted`);
    const z64 = zip64Extra(extra, { u: usize === ZIP32_MAX, c: csize === ZIP32_MAX, off: false });
    if (z64?.u !== undefined) usize = z64.u;
    if (z64?.c !== undefined) csize = z64.c;
    const streamed = (flags & 8) !== 0;
    const sizesKnown = !streamed || csize !== 0;
    if (!name.endsWith('.npy')) throw src.fail(`zip member ${q(name)} is not a .npy file`);
    const where = `member ${q(name)}`;
    const tensor = name.slice(0, -4);
    if (method === 0) {
      const used = await readNpy(src, sink, tensor, where, sizesKnown ? csize : undefined);
      if (sizesKnown && used !== csize) throw src.fail(`${where}: ${csize - used} bytes after the array`);
    } else if (method === 8) {
      let c: number | undefined = sizesKnown ? csize : undefined;
      c ??= central?.deflatedSizes.get(at);
      if (c !== undefined && src.remaining !== undefined && c > src.remaining) throw src.fail(`truncated: ${where} declares ${c} compressed bytes, only ${src.remaining} left`);
      await readDeflated(src, sink, tensor, where, c, sizesKnown ? usize : undefined);
    } else {
      throw src.fail(`${where}: unsupported compression method ${method} (inspect reads stored and deflate)`);
    }
    if (streamed) await skipDescriptor(src, z64 !== undefined);
  }
}

/** Read-ahead kept to give back what follows a deflate stream of unknown size (a pipe). */
const MAX_READ_AHEAD = 1 << 20;

/**
 * Inflate a member into the .npy reader. With `csize` unknown (a streamed member on a pipe), the
 * deflate stream finds its own end: zlib reports how many input bytes it consumed
 * (`bytesWritten`), and what was read past that is given back to the source.
 */
async function readDeflated(src: ByteSource, sink: TensorSink, tensor: string, where: string, csize: number | undefined, usize: number | undefined): Promise<void> {
  const start = src.position;
  const inflater = createInflateRaw();
  const kept: Buffer[] = [];
  let keptBytes = 0;
  async function* pieces(): AsyncGenerator<Buffer> {
    for (;;) {
      const p = await src.nextPiece(16384);
      if (p === null) return;
      kept.push(p);
      keptBytes += p.length;
      while (keptBytes - kept[0]!.length > MAX_READ_AHEAD) keptBytes -= kept.shift()!.length;
      yield p;
    }
  }
  const input = csize === undefined
    ? Readable.from(pieces(), { objectMode: false, highWaterMark: 16384 })
    : Readable.from(src.chunks(csize, `${where} compressed data`));
  input.on('error', (e) => inflater.destroy(e));
  input.pipe(inflater);
  const inner = ByteSource.stream(inflater, src.name);
  try {
    const used = await readNpy(inner, sink, tensor, where, usize);
    if (!(await inner.atEnd())) throw src.fail(`${where}: data after the array`);
    if (usize !== undefined && used !== usize) throw src.fail(`${where}: ${usize - used} bytes after the array`);
  } catch (err) {
    if ((err as { code?: string }).code === 'E_READ') throw err;
    throw src.fail(`${where}: bad deflate data (${(err as Error).message})`);
  } finally {
    input.unpipe(inflater);
    input.destroy();
    inflater.destroy();
    if (!input.closed) await once(input, 'close').catch(() => undefined);
  }
  if (csize === undefined) {
    const excess = src.position - start - inflater.bytesWritten;
    if (excess > keptBytes) throw src.fail(`${where}: read too far past the deflate stream`);
    const tail = Buffer.concat(kept);
    src.unshift(tail.subarray(tail.length - excess));
    return;
  }
  // The deflate stream may end before its declared size: step to the member's end.
  const rest = start + csize - src.position;
  if (rest > 0) await src.skip(rest, `${where} compressed data`);
}

/** A data descriptor: optional signature, CRC-32, then 4- or 8-byte sizes (8 after ZIP64). */
async function skipDescriptor(src: ByteSource, zip64: boolean): Promise<void> {
  const first = await src.peek(4);
  if (first.length === 4 && Buffer.from(first).readUInt32LE(0) === SIG_DESCRIPTOR) await src.skip(4, 'zip data descriptor');
  await src.skip(zip64 ? 20 : 12, 'zip data descriptor');
}

/** numpy's .npz: a zip, from its local header or empty-archive end record signature. */
export const npzReader: FormatReader = {
  input: 'npz',
  detect: (b) => b.length >= 4 && (b.readUInt32LE(0) === SIG_LOCAL || b.readUInt32LE(0) === SIG_END),
  read: (src, sink) => readNpz(src, sink),
};
