/*
 * ZIP records for a streamed archive (PKWARE APPNOTE 6.3.x), pure: values in, bytes out.
 * Members are written with data descriptors (flag bit 3) because the CRC-32 is only known after the
 * data; every other field is fixed (DOS time 1980-01-01 00:00, Unix mode 0644) so the same tensors
 * give the same bytes. ZIP64 records appear only where a size, an offset or the entry count
 * overflows the classic 32/16-bit fields.
 */

/** Largest value of a classic 4-byte field; this value itself means "see the ZIP64 extra". */
export const ZIP32_MAX = 0xffffffff;
const ZIP16_MAX = 0xffff;

/** Record signatures (APPNOTE 4.3): local header, data descriptor, central header, end records. */
export const SIG_LOCAL = 0x04034b50;
export const SIG_DESCRIPTOR = 0x08074b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_END = 0x06054b50;
export const SIG_ZIP64_END = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
/** Fixed sizes of the classic end record and the ZIP64 end record. */
export const END_BYTES = 22;
export const ZIP64_END_BYTES = 56;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01, the earliest DOS date
const VERSION_ZIP64 = 45;
const VERSION_DEFAULT = 20;
const MADE_BY_UNIX = 3 << 8;
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;
const MAX_COMMENT = 0xffff;

/** The largest a deflated member can grow, for deciding its ZIP64 width before writing it. */
export function deflatedBound(size: number): number {
  // zlib's deflateBound is about n + n/4096 + n/16384 + 13, plus 5 bytes per sync-flushed chunk
  // (chunks are at least 128 KiB): n/1024 + 64 covers both with room to spare.
  return size + Math.ceil(size / 1024) + 64;
}

/** Whether a member of `size` uncompressed bytes needs ZIP64 sizes in its local header and descriptor. */
export function memberNeedsZip64(size: number, method: number): boolean {
  return (method === METHOD_DEFLATE ? deflatedBound(size) : size) >= ZIP32_MAX;
}

function u64(buf: Buffer, value: number, offset: number): void {
  buf.writeBigUInt64LE(BigInt(value), offset);
}

/** Local file header of a member whose CRC and sizes follow in a data descriptor. */
export function encodeLocalHeader(name: string, method: number, zip64: boolean): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0); // ZIP64 extended information
    extra.writeUInt16LE(16, 2); // sizes are zero here: they are in the descriptor
  }
  const h = Buffer.alloc(30);
  h.writeUInt32LE(SIG_LOCAL, 0);
  h.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  h.writeUInt16LE(FLAG_DESCRIPTOR | FLAG_UTF8, 6);
  h.writeUInt16LE(method, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(0, 14); // crc-32: in the descriptor
  h.writeUInt32LE(zip64 ? ZIP32_MAX : 0, 18);
  h.writeUInt32LE(zip64 ? ZIP32_MAX : 0, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, nameBytes, extra]);
}

/** Data descriptor after a member's data: 8-byte sizes when its local header was ZIP64. */
export function encodeDataDescriptor(crc: number, compressedSize: number, size: number, zip64: boolean): Buffer {
  if (!zip64 && (compressedSize >= ZIP32_MAX || size >= ZIP32_MAX)) {
    throw new RangeError(`zip member of ${size} bytes was not declared ZIP64`);
  }
  const d = Buffer.alloc(zip64 ? 24 : 16);
  d.writeUInt32LE(SIG_DESCRIPTOR, 0);
  d.writeUInt32LE(crc >>> 0, 4);
  if (zip64) {
    u64(d, compressedSize, 8);
    u64(d, size, 16);
  } else {
    d.writeUInt32LE(compressedSize, 8);
    d.writeUInt32LE(size, 12);
  }
  return d;
}

/** What the central directory says of one member. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the member's local header from the start of the archive. */
  readonly offset: number;
  /** Whether its local header carried a ZIP64 extra (then "version needed" is 4.5 here too). */
  readonly zip64: boolean;
}

/** Central directory header of one member; ZIP64 extra fields for exactly the values that overflow. */
export function encodeCentralHeader(e: ZipEntry): Buffer {
  const nameBytes = Buffer.from(e.name, 'utf8');
  const big: number[] = [];
  // APPNOTE 4.5.3: the order is fixed (size, compressed size, offset), and only overflowing ones appear.
  if (e.size >= ZIP32_MAX) big.push(e.size);
  if (e.compressedSize >= ZIP32_MAX) big.push(e.compressedSize);
  if (e.offset >= ZIP32_MAX) big.push(e.offset);
  const extra = Buffer.alloc(big.length > 0 ? 4 + 8 * big.length : 0);
  if (big.length > 0) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * big.length, 2);
    big.forEach((v, i) => u64(extra, v, 4 + 8 * i));
  }
  const needs = e.zip64 || big.length > 0 ? VERSION_ZIP64 : VERSION_DEFAULT;
  const h = Buffer.alloc(46);
  h.writeUInt32LE(SIG_CENTRAL, 0);
  h.writeUInt16LE(MADE_BY_UNIX | needs, 4);
  h.writeUInt16LE(needs, 6);
  h.writeUInt16LE(FLAG_DESCRIPTOR | FLAG_UTF8, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(Math.min(e.compressedSize, ZIP32_MAX), 20);
  h.writeUInt32LE(Math.min(e.size, ZIP32_MAX), 24);
  h.writeUInt16LE(nameBytes.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment length
  h.writeUInt16LE(0, 34); // disk number start
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE(UNIX_FILE_0644, 38);
  h.writeUInt32LE(Math.min(e.offset, ZIP32_MAX), 42);
  return Buffer.concat([h, nameBytes, extra]);
}

/**
 * The records after the central directory: ZIP64 end record and locator when the entry count, the
 * directory's size or its offset overflow, then the classic end record with the archive comment.
 */
export function encodeEnd(entries: number, cdOffset: number, cdSize: number, comment: Buffer = Buffer.alloc(0)): Buffer {
  if (comment.length > MAX_COMMENT) throw new RangeError(`zip comment of ${comment.length} bytes (at most ${MAX_COMMENT})`);
  const zip64 = entries >= ZIP16_MAX || cdOffset >= ZIP32_MAX || cdSize >= ZIP32_MAX;
  const parts: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(ZIP64_END_BYTES);
    rec.writeUInt32LE(SIG_ZIP64_END, 0);
    u64(rec, 44, 4); // size of the rest of this record
    rec.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
    rec.writeUInt16LE(VERSION_ZIP64, 14);
    rec.writeUInt32LE(0, 16); // this disk
    rec.writeUInt32LE(0, 20); // disk with the central directory
    u64(rec, entries, 24);
    u64(rec, entries, 32);
    u64(rec, cdSize, 40);
    u64(rec, cdOffset, 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    loc.writeUInt32LE(0, 4);
    u64(loc, cdOffset + cdSize, 8); // where the ZIP64 end record starts
    loc.writeUInt32LE(1, 16); // total disks
    parts.push(rec, loc);
  }
  const end = Buffer.alloc(END_BYTES);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Math.min(entries, ZIP16_MAX), 8);
  end.writeUInt16LE(Math.min(entries, ZIP16_MAX), 10);
  end.writeUInt32LE(Math.min(cdSize, ZIP32_MAX), 12);
  end.writeUInt32LE(Math.min(cdOffset, ZIP32_MAX), 16);
  end.writeUInt16LE(comment.length, 20);
  parts.push(end, comment);
  return Buffer.concat(parts);
}

/**
 * Sizes from a ZIP64 extended-information extra field (id 1). Its 8-byte values appear in a fixed
 * order (uncompressed, compressed, offset), each only when the classic field is saturated.
 */
export function zip64Extra(extra: Buffer, has: { u: boolean; c: boolean; off: boolean }): { u?: number; c?: number; off?: number } | undefined {
  let i = 0;
  while (i + 4 <= extra.length) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 1) {
      const body = extra.subarray(i + 4, i + 4 + len);
      const out: { u?: number; c?: number; off?: number } = {};
      let j = 0;
      for (const key of ['u', 'c', 'off'] as const) {
        if (!has[key]) continue;
        if (j + 8 <= body.length) out[key] = Number(body.readBigUInt64LE(j));
        j += 8;
      }
      return out;
    }
    i += 4 + len;
  }
  return undefined;
}

/** Where the central directory lies, from the archive's last bytes (`tail`, ending at `size`). */
export function decodeEnd(tail: Buffer): { entries: number; cdSize: number; cdOffset: number; zip64At?: number } | undefined {
  const e = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (e === -1 || e + END_BYTES > tail.length) return undefined;
  const out = { entries: tail.readUInt16LE(e + 10), cdSize: tail.readUInt32LE(e + 12), cdOffset: tail.readUInt32LE(e + 16) };
  const saturated = out.cdSize === ZIP32_MAX || out.cdOffset === ZIP32_MAX || out.entries === ZIP16_MAX;
  if (saturated && e >= 20 && tail.readUInt32LE(e - 20) === SIG_ZIP64_LOCATOR) return { ...out, zip64At: Number(tail.readBigUInt64LE(e - 20 + 8)) };
  return out;
}

/** The ZIP64 end record's entry count, directory size and offset, or undefined when malformed. */
export function decodeZip64End(rec: Buffer): { entries: number; cdSize: number; cdOffset: number } | undefined {
  if (rec.length < ZIP64_END_BYTES || rec.readUInt32LE(0) !== SIG_ZIP64_END) return undefined;
  return { entries: Number(rec.readBigUInt64LE(32)), cdSize: Number(rec.readBigUInt64LE(40)), cdOffset: Number(rec.readBigUInt64LE(48)) };
}

/**
 * One pass over a central directory: how many member records it holds and whether they fill it
 * exactly, and each deflated member's local-header offset → its compressed size (a stored member's
 * size is always in its local header).
 */
export function decodeCentralDirectory(cd: Buffer): { members: number; exact: boolean; deflatedSizes: Map<number, number> } {
  const sizes = new Map<number, number>();
  let members = 0;
  let i = 0;
  while (i + 46 <= cd.length && cd.readUInt32LE(i) === SIG_CENTRAL) {
    members++;
    const nameLen = cd.readUInt16LE(i + 28);
    const extraLen = cd.readUInt16LE(i + 30);
    const commentLen = cd.readUInt16LE(i + 32);
    if (cd.readUInt16LE(i + 10) === METHOD_DEFLATE) {
      const c = cd.readUInt32LE(i + 20);
      const u = cd.readUInt32LE(i + 24);
      const off = cd.readUInt32LE(i + 42);
      const extra = cd.subarray(i + 46 + nameLen, i + 46 + nameLen + extraLen);
      const big = c === ZIP32_MAX || u === ZIP32_MAX || off === ZIP32_MAX ? zip64Extra(extra, { u: u === ZIP32_MAX, c: c === ZIP32_MAX, off: off === ZIP32_MAX }) : undefined;
      const at = big?.off ?? off;
      if (!sizes.has(at)) sizes.set(at, big?.c ?? c);
    }
    i += 46 + nameLen + extraLen + commentLen;
  }
  return { members, exact: i === cd.length, deflatedSizes: sizes };
}
