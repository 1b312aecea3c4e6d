import { once } from 'node:events';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ByteSource } from '../../io/source.js';
import type { TensorSink } from '../../inspect/types.js';
import { q, utf8 } from '../reader.js';
import { readNpy } from '../npy/reader.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const DESCRIPTOR = 0x08074b50;
const U32_MAX = 0xffffffff;

/** Sizes from a ZIP64 extended-information extra field (id 1), in the order present. */
function zip64Sizes(extra: Buffer, wantU: boolean, wantC: boolean): { u?: number; c?: number } | undefined {
  let i = 0;
  while (i + 4 <= extra.length) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    const body = extra.subarray(i + 4, i + 4 + len);
    if (id === 1) {
      let j = 0;
      const out: { u?: number; c?: number } = {};
      if (wantU && j + 8 <= body.length) {
        out.u = Number(body.readBigUInt64LE(j));
        j += 8;
      }
      if (wantC && j + 8 <= body.length) out.c = Number(body.readBigUInt64LE(j));
      return out;
    }
    i += 4 + len;
  }
  return undefined;
}

/**
 * The compressed size of the member whose local header is at `offset`, from the central directory
 * (files only: the size of a streamed, deflated member is only there).
 */
async function centralSize(src: ByteSource, offset: number): Promise<number | undefined> {
  const readAt = src.readAt;
  const size = src.size;
  if (readAt === undefined || size === undefined) return undefined;
  const tailLen = Math.min(size, 22 + 65535);
  const tail = await readAt(size - tailLen, tailLen);
  const e = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (e === -1 || e + 22 > tail.length) return undefined;
  let cdSize = tail.readUInt32LE(e + 12);
  let cdOffset = tail.readUInt32LE(e + 16);
  if ((cdSize === U32_MAX || cdOffset === U32_MAX) && e >= 20 && tail.readUInt32LE(e - 20) === 0x07064b50) {
    const recAt = Number(tail.readBigUInt64LE(e - 20 + 8));
    const rec = await readAt(recAt, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== 0x06064b50) return undefined;
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > size || cdSize > 64 << 20) return undefined;
  const cd = await readAt(cdOffset, cdSize);
  let i = 0;
  while (i + 46 <= cd.length && cd.readUInt32LE(i) === CENTRAL) {
    const nameLen = cd.readUInt16LE(i + 28);
    const extraLen = cd.readUInt16LE(i + 30);
    const commentLen = cd.readUInt16LE(i + 32);
    let c = cd.readUInt32LE(i + 20);
    const u = cd.readUInt32LE(i + 24);
    let off = cd.readUInt32LE(i + 42);
    const extra = cd.subarray(i + 46 + nameLen, i + 46 + nameLen + extraLen);
    if (c === U32_MAX || u === U32_MAX || off === U32_MAX) {
      // ZIP64 order: uncompressed, compressed, offset — each only when its field is saturated.
      let j = 0;
      let k = 0;
      while (k + 4 <= extra.length) {
        const id = extra.readUInt16LE(k);
        const len = extra.readUInt16LE(k + 2);
        if (id === 1) {
          const body = extra.subarray(k + 4, k + 4 + len);
          if (u === U32_MAX) j += 8;
          if (c === U32_MAX && j + 8 <= body.length) {
            c = Number(body.readBigUInt64LE(j));
            j += 8;
          }
          if (off === U32_MAX && j + 8 <= body.length) off = Number(body.readBigUInt64LE(j));
          break;
        }
        k += 4 + len;
      }
    }
    if (off === offset) return c;
    i += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

/**
 * A .npz: a zip of NAME.npy members, read front to back through the local headers, so a pipe works
 * too. Stored and deflated members, data descriptors and ZIP64 sizes are understood. The CRC-32 is
 * not checked (statistics do not need it; np.load checks it).
 */
export async function readNpz(src: ByteSource, sink: TensorSink): Promise<void> {
  for (;;) {
    if (await src.atEnd()) throw src.fail('truncated: the zip ends before its central directory');
    const at = src.position;
    const sigBuf = await src.exact(4, 'zip record signature');
    const sig = sigBuf.readUInt32LE(0);
    if (sig === CENTRAL || sig === END) return; // the central directory repeats what we read
    if (sig !== LOCAL) throw src.fail(`offset ${at}: not a zip record (signature 0x${sig.toString(16).padStart(8, '0')})`);
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
    const z64 = zip64Sizes(extra, usize === U32_MAX, csize === U32_MAX);
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
      c ??= await centralSize(src, at);
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
  if (first.length === 4 && Buffer.from(first).readUInt32LE(0) === DESCRIPTOR) await src.skip(4, 'zip data descriptor');
  await src.skip(zip64 ? 20 : 12, 'zip data descriptor');
}
