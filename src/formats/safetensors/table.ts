/*
 * The tensors of a scanned safetensors header, held compactly in typed arrays: each name as a byte
 * range of the header (decoded when asked for), dtype code, data offsets and dims. A hash table of
 * entry indices finds repeated names without keeping a string per tensor.
 */
import { q } from '../reader.js';
import type { EntryScratch } from './entry.js';

type Column = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** `a` with room for at least `need` items (doubling, so pushes stay amortised O(1)). */
function room<T extends Column>(a: T, need: number): T {
  if (need <= a.length) return a;
  const grown = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  grown.set(a as ArrayLike<number>);
  return grown;
}

/** FNV-1a over a string's UTF-16 code units: equal names hash equal however they were escaped. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class SafetensorsTable {
  /** Tensors held. */
  count = 0;
  private nameStart = new Int32Array(64);
  private nameEnd = new Int32Array(64);
  /** dtype code, plus 0x80 when the name has escapes. */
  private flags = new Uint8Array(64);
  private begins = new Float64Array(64);
  private ends = new Float64Array(64);
  /** Entry i's dims are dims[dimStart[i], dimStart[i + 1]). */
  private dimStart = new Int32Array(65);
  private dims = new Float64Array(256);
  private hashes = new Uint32Array(64);
  /** Open addressing: entry index + 1, or 0 for an empty slot. */
  private slots = new Int32Array(128);
  /** Data order: position k holds entry order[k]; undefined when the header is already in order. */
  private order: Uint32Array | undefined;

  constructor(private readonly header: Buffer) {}

  /** The name whose JSON string (quotes included) is header[start, end). */
  decode(start: number, end: number, escaped: boolean): string {
    return escaped ? (JSON.parse(this.header.toString('utf8', start, end)) as string) : this.header.toString('utf8', start + 1, end - 1);
  }

  /** Add an entry; false (and nothing added) when its name is already held. */
  push(start: number, end: number, escaped: boolean, name: string, s: EntryScratch): boolean {
    const h = hashOf(name);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let j = this.slots[slot]!; j !== 0; j = this.slots[slot]!) {
      if (this.hashes[j - 1] === h && this.entryName(j - 1) === name) return false;
      slot = (slot + 1) & mask;
    }
    const i = this.count++;
    this.nameStart = room(this.nameStart, i + 1);
    this.nameEnd = room(this.nameEnd, i + 1);
    this.flags = room(this.flags, i + 1);
    this.begins = room(this.begins, i + 1);
    this.ends = room(this.ends, i + 1);
    this.hashes = room(this.hashes, i + 1);
    this.dimStart = room(this.dimStart, i + 2);
    const d0 = this.dimStart[i]!;
    this.dims = room(this.dims, d0 + s.ndims);
    this.nameStart[i] = start;
    this.nameEnd[i] = end;
    this.flags[i] = s.code | (escaped ? 0x80 : 0);
    this.begins[i] = s.begin;
    this.ends[i] = s.end;
    this.hashes[i] = h;
    this.dims.set(s.dims.subarray(0, s.ndims), d0);
    this.dimStart[i + 1] = d0 + s.ndims;
    this.slots[slot] = i + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = this.hashes[i]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = i + 1;
    }
    this.slots = slots;
  }

  private entryName(i: number): string {
    return this.decode(this.nameStart[i]!, this.nameEnd[i]!, (this.flags[i]! & 0x80) !== 0);
  }

  /**
   * Put the entries in data order (by begin, then end, then header order) and check they start
   * at 0 and tile the data: a reason when they do not. The name table is dropped: it is done.
   */
  orderAndTile(): string | undefined {
    this.slots = new Int32Array(0);
    const { begins, ends } = this;
    let sorted = true;
    for (let i = 1; i < this.count && sorted; i++) sorted = begins[i - 1]! < begins[i]! || (begins[i - 1] === begins[i] && ends[i - 1]! <= ends[i]!);
    if (!sorted) this.order = Uint32Array.from({ length: this.count }, (_, i) => i).sort((x, y) => begins[x]! - begins[y]! || ends[x]! - ends[y]! || x - y);
    let at = 0;
    for (let k = 0; k < this.count; k++) {
      const b = this.begin(k);
      if (b > at) return `tensor ${q(this.name(k))}: a hole in the data before offset ${b} (previous tensor ends at ${at})`;
      if (b < at) return `tensor ${q(this.name(k))}: data_offsets overlap the previous tensor (begin ${b} < ${at})`;
      at = this.end(k);
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

  end(k: number): number {
    return this.ends[this.at(k)]!;
  }

  /** Bytes of data the header declares (the last tensor's end). */
  get dataLength(): number {
    return this.count === 0 ? 0 : this.end(this.count - 1);
  }
}
