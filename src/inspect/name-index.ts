/*
 * Tensor names mapped to small integers, held compactly: the names' UTF-16 code units back to back
 * (exact for any string, lone surrogates included), a hash and a value per name in typed arrays,
 * and an open-addressing table of name indices. A recorded spec of 150,000 tensors takes a few MB
 * here; a Map of strings with an object per tensor took several times that.
 */

/** FNV-1a over a string's UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function grown<T extends Int32Array | Uint32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** name → non-negative integer; setting a name again replaces its value (as Map.set does). */
export class NameIndex {
  /** Names held. */
  size = 0;
  private bytes = Buffer.allocUnsafe(1024);
  private used = 0;
  /** Name i is bytes[starts[i], starts[i + 1]). */
  private starts = new Int32Array(65);
  private hashes = new Uint32Array(64);
  private values = new Int32Array(64);
  /** Name index + 1, or 0 for an empty slot; kept at most half full. */
  private slots = new Int32Array(128);

  /** The value of `name`, or -1. */
  get(name: string): number {
    const i = this.find(name, hashOf(name));
    return i < 0 ? -1 : this.values[this.slots[i]! - 1]!;
  }

  set(name: string, value: number): void {
    const h = hashOf(name);
    const i = this.find(name, h);
    if (i >= 0) {
      this.values[this.slots[i]! - 1] = value;
      return;
    }
    const n = this.size++;
    if (n >= this.hashes.length) {
      this.hashes = grown(this.hashes, 2 * n);
      this.values = grown(this.values, 2 * n);
      this.starts = grown(this.starts, 2 * n + 1);
    }
    const len = 2 * name.length;
    if (this.used + len > this.bytes.length) {
      const b = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.used + len));
      this.bytes.copy(b, 0, 0, this.used);
      this.bytes = b;
    }
    this.used += this.bytes.write(name, this.used, 'utf16le');
    this.starts[n + 1] = this.used;
    this.hashes[n] = h;
    this.values[n] = value;
    if (2 * this.size > this.slots.length) this.rehash();
    else this.slots[-i - 1] = n + 1;
  }

  /** Slot of `name`, or -(free slot) - 1 where it would go. */
  private find(name: string, h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const j = this.slots[s]!;
      if (j === 0) return -s - 1;
      if (this.hashes[j - 1] === h && this.nameAt(j - 1) === name) return s;
    }
  }

  private nameAt(n: number): string {
    return this.bytes.toString('utf16le', this.starts[n], this.starts[n + 1]);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let n = 0; n < this.size; n++) {
      let s = this.hashes[n]! & mask;
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = n + 1;
    }
  }
}
