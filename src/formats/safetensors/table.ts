/*
 * The tensors of a scanned safetensors header, held compactly in typed arrays: dtype code, begin
 * offset and dims per tensor (the end follows: begin + shape × dtype, which the scanner checked),
 * and each name as a byte range, first of the header and, once the scan is done, of a buffer of
 * the names alone, so the header itself can be let go. A hash table of entry indices finds
 * repeated names while scanning without a string per tensor.
 */
import { q } from '../reader.js';
import type { EntryScratch } from './entry.js';
import { stringEnd } from '../json-lex.js';
import { release } from './release.js';

/**
 * Bytes of the shortest entry a header can hold, `"":{"dtype":"U8","shape":[],"data_offsets":[0,0]}`:
 * a header of n bytes holds at most n / 49 tensors, the most the columns ever grow to.
 */
export const MIN_ENTRY_BYTES = 49;

/** Entries the columns first hold; they double as entries come (sized from the header's length, a long `__metadata__` cost ~40 MB of columns). */
const FIRST_CAPACITY = 1024;

/** `a` moved to a new array of length `n` (longer: zeros follow; shorter: cut); `a` is freed. */
function resized<A extends Int32Array | Uint32Array | Uint8Array | Float64Array>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(n >= a.length ? a : a.subarray(0, n));
  release(a);
  return b;
}

/** Slots of the open-addressing table for n entries (at most half full). */
const slotsFor = (n: number): number => 2 ** Math.ceil(Math.log2(2 * n + 2));

/** FNV-1a over a string's UTF-16 code units: equal names hash equal however they were escaped. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Name of the JSON string (quotes included) at bytes[start, end). */
function decodeName(bytes: Buffer, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(bytes.toString('utf8', start, end)) as string) : bytes.toString('utf8', start + 1, end - 1);
}

/** The tensors of one header in typed columns; entry i in header order, position k in data order. */
export class SafetensorsTable {
  /** Tensors held. */
  count = 0;
  /** Where each name's JSON string starts: in the header while scanning, in `names` after `finish`. */
  private nameAt: Int32Array;
  /** The header while scanning; then only the names, back to back (name i ends where i + 1 begins). */
  private names: Buffer;
  private nameBytes = 0;
  private done = false;
  /** dtype code, plus 0x80 when the name has escapes. */
  private flags: Uint8Array;
  private begins: Float64Array;
  /** Entry i's dims are dims[dimStart[i], dimStart[i + 1]). */
  private dimStart: Int32Array;
  private dims = new Float64Array(1024);
  private hashes: Uint32Array;
  /** Open addressing: entry index + 1, or 0 for an empty slot. */
  private slots: Int32Array;
  /** Data order: position k holds entry order[k]; undefined when the header is already in order. */
  private order: Uint32Array | undefined;
  /** Most entries the header can hold. */
  private readonly limit: number;

  /** @param widths bytes per element by dtype code. */
  constructor(
    header: Buffer,
    private readonly widths: readonly number[],
  ) {
    this.limit = Math.floor(header.length / MIN_ENTRY_BYTES) + 1;
    const n = Math.min(this.limit, FIRST_CAPACITY);
    this.names = header;
    this.nameAt = new Int32Array(n + 1);
    this.flags = new Uint8Array(n);
    this.begins = new Float64Array(n);
    this.dimStart = new Int32Array(n + 1);
    this.hashes = new Uint32Array(n);
    this.slots = new Int32Array(slotsFor(n));
  }

  /** Double the columns (up to the limit) and rehash the names held. */
  private grow(): void {
    const n = Math.min(this.limit, this.flags.length * 2);
    this.nameAt = resized(this.nameAt, n + 1);
    this.flags = resized(this.flags, n);
    this.begins = resized(this.begins, n);
    this.dimStart = resized(this.dimStart, n + 1);
    this.hashes = resized(this.hashes, n);
    release(this.slots);
    this.slots = new Int32Array(slotsFor(n));
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = this.hashes[i]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = i + 1;
    }
  }

  /** The name whose JSON string is header[start, end) (while scanning). */
  decode(start: number, end: number, escaped: boolean): string {
    return decodeName(this.names, start, end, escaped);
  }

  /** Add an entry whose name is header[start, end); false (nothing added) when the name is held. */
  push(start: number, end: number, escaped: boolean, name: string, s: EntryScratch): boolean {
    if (this.count === this.flags.length && this.count < this.limit) this.grow();
    const h = hashOf(name);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let j = this.slots[slot]!; j !== 0; j = this.slots[slot]!) {
      if (this.hashes[j - 1] === h && this.entryName(j - 1) === name) return false;
      slot = (slot + 1) & mask;
    }
    const i = this.count++;
    if (i >= this.flags.length) throw new RangeError('safetensors header holds more entries than its size allows');
    const d0 = this.dimStart[i]!;
    if (d0 + s.ndims > this.dims.length) {
      this.dims = resized(this.dims, Math.max(d0 + s.ndims, this.dims.length * 2));
    }
    this.nameAt[i] = start;
    this.nameBytes += end - start;
    this.flags[i] = s.code | (escaped ? 0x80 : 0);
    this.begins[i] = s.begin;
    this.hashes[i] = h;
    this.dims.set(s.dims.subarray(0, s.ndims), d0);
    this.dimStart[i + 1] = d0 + s.ndims;
    this.slots[slot] = i + 1;
    return true;
  }

  private entryName(i: number): string {
    const start = this.nameAt[i]!;
    const end = this.done ? this.nameAt[i + 1]! : stringEnd(this.names, start);
    return decodeName(this.names, start, end, (this.flags[i]! & 0x80) !== 0);
  }

  private entryEnd(i: number): number {
    let count = 1;
    for (let d = this.dimStart[i]!; d < this.dimStart[i + 1]!; d++) count *= this.dims[d]!;
    return this.begins[i]! + count * this.widths[this.flags[i]! & 0x7f]!;
  }

  /**
   * End the scan: copy the names out of the header (which the table then no longer holds), put
   * the entries in data order (by begin, then end, then header order) and check that they start
   * at 0 and tile the data. Returns a reason when they do not.
   */
  finish(): string | undefined {
    release(this.slots);
    release(this.hashes);
    this.slots = new Int32Array(0);
    this.hashes = new Uint32Array(0);
    const names = Buffer.allocUnsafe(this.nameBytes);
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const start = this.nameAt[i]!;
      const end = stringEnd(this.names, start);
      this.names.copy(names, at, start, end);
      this.nameAt[i] = at;
      at += end - start;
    }
    this.nameAt[this.count] = at;
    this.names = names;
    this.done = true;
    // Columns cut to the entries held (they grew by doubling).
    this.nameAt = resized(this.nameAt, this.count + 1);
    this.flags = resized(this.flags, this.count);
    this.begins = resized(this.begins, this.count);
    this.dimStart = resized(this.dimStart, this.count + 1);
    this.dims = resized(this.dims, this.dimStart[this.count]!);
    const begins = this.begins;
    let sorted = true;
    for (let i = 1; i < this.count && sorted; i++) sorted = begins[i - 1]! < begins[i]! || (begins[i - 1] === begins[i] && this.entryEnd(i - 1) <= this.entryEnd(i));
    if (!sorted) this.order = Uint32Array.from({ length: this.count }, (_, i) => i).sort((x, y) => begins[x]! - begins[y]! || this.entryEnd(x) - this.entryEnd(y) || x - y);
    let end = 0;
    for (let k = 0; k < this.count; k++) {
      const b = this.begin(k);
      if (b > end) return `tensor ${q(this.name(k))}: a hole in the data before offset ${b} (previous tensor ends at ${end})`;
      if (b < end) return `tensor ${q(this.name(k))}: data_offsets overlap the previous tensor (begin ${b} < ${end})`;
      end = this.end(k);
    }
    return undefined;
  }

  private at(k: number): number {
    return this.order === undefined ? k : this.order[k]!;
  }

  /** Name of the k-th tensor in data order. */
  name(k: number): string {
    return this.entryName(this.at(k));
  }

  /** dtype code of the k-th tensor in data order. */
  code(k: number): number {
    return this.flags[this.at(k)]! & 0x7f;
  }

  /** Shape of the k-th tensor in data order (a new array). */
  shape(k: number): number[] {
    const i = this.at(k);
    const out: number[] = [];
    for (let d = this.dimStart[i]!; d < this.dimStart[i + 1]!; d++) out.push(this.dims[d]!);
    return out;
  }

  /** Data offsets of the k-th tensor in data order. */
  begin(k: number): number {
    return this.begins[this.at(k)]!;
  }

  /** End of the k-th tensor's data (begin + shape × dtype bytes, as checked). */
  end(k: number): number {
    return this.entryEnd(this.at(k));
  }

  /** Bytes of data the header declares (the last tensor's end). */
  get dataLength(): number {
    return this.count === 0 ? 0 : this.end(this.count - 1);
  }
}
