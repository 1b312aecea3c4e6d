/*
 * A bounds-checked FlatBuffers table reader: just what Arrow's IPC metadata needs (tables, scalars,
 * strings, vectors of tables and structs, unions). Every offset is untrusted; any read outside the
 * buffer throws a FlatbufferError instead of returning garbage.
 */

export class FlatbufferError extends Error {}

export class Table {
  private readonly vtable: number;
  private readonly vtSize: number;

  constructor(
    readonly buf: Buffer,
    readonly pos: number,
  ) {
    check(buf, pos, 4);
    this.vtable = pos - buf.readInt32LE(pos);
    check(buf, this.vtable, 4);
    this.vtSize = buf.readUInt16LE(this.vtable);
    if (this.vtSize < 4 || this.vtSize % 2 !== 0) throw new FlatbufferError('bad vtable');
    check(buf, this.vtable, this.vtSize);
  }

  /** The root table of a buffer. */
  static root(buf: Buffer): Table {
    check(buf, 0, 4);
    return new Table(buf, buf.readUInt32LE(0));
  }

  /** Absolute position of field `i`, or 0 when absent. */
  private field(i: number): number {
    const o = 4 + 2 * i;
    if (o + 2 > this.vtSize) return 0;
    const off = this.buf.readUInt16LE(this.vtable + o);
    return off === 0 ? 0 : this.pos + off;
  }

  private target(p: number): number {
    check(this.buf, p, 4);
    return p + this.buf.readUInt32LE(p);
  }

  uint8(i: number, dflt = 0): number {
    const p = this.field(i);
    return p === 0 ? dflt : (check(this.buf, p, 1), this.buf.readUInt8(p));
  }

  int16(i: number, dflt = 0): number {
    const p = this.field(i);
    return p === 0 ? dflt : (check(this.buf, p, 2), this.buf.readInt16LE(p));
  }

  int32(i: number, dflt = 0): number {
    const p = this.field(i);
    return p === 0 ? dflt : (check(this.buf, p, 4), this.buf.readInt32LE(p));
  }

  /** An int64 as a number; past 2^53 is an error (sizes and lengths only). */
  int64(i: number, dflt = 0): number {
    const p = this.field(i);
    if (p === 0) return dflt;
    check(this.buf, p, 8);
    const v = this.buf.readBigInt64LE(p);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new FlatbufferError('an integer past 2^53');
    return Number(v);
  }

  table(i: number): Table | undefined {
    const p = this.field(i);
    return p === 0 ? undefined : new Table(this.buf, this.target(p));
  }

  /** A string's raw bytes (the caller decodes them strictly). */
  stringBytes(i: number): Buffer | undefined {
    const p = this.field(i);
    if (p === 0) return undefined;
    const s = this.target(p);
    check(this.buf, s, 4);
    const len = this.buf.readUInt32LE(s);
    check(this.buf, s + 4, len);
    return this.buf.subarray(s + 4, s + 4 + len);
  }

  /** Start and length of a vector of `elemSize`-byte elements. */
  vector(i: number, elemSize: number): { start: number; length: number } | undefined {
    const p = this.field(i);
    if (p === 0) return undefined;
    const v = this.target(p);
    check(this.buf, v, 4);
    const length = this.buf.readUInt32LE(v);
    check(this.buf, v + 4, length * elemSize);
    return { start: v + 4, length };
  }

  /** The tables of a vector of tables. */
  tables(i: number): Table[] {
    const v = this.vector(i, 4);
    if (v === undefined) return [];
    const out: Table[] = [];
    for (let k = 0; k < v.length; k++) out.push(new Table(this.buf, this.target(v.start + 4 * k)));
    return out;
  }
}

function check(buf: Buffer, pos: number, len: number): void {
  if (!(pos >= 0 && len >= 0 && pos + len <= buf.length)) throw new FlatbufferError(`offset ${pos}+${len} is outside the ${buf.length}-byte buffer`);
}
