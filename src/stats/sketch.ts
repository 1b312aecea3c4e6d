/*
 * A fixed-resolution, mergeable quantile sketch for floating-point data: an exact count per bucket
 * of the float32 bit pattern's top KEY_BITS bits (sign, 8 exponent bits and 13 mantissa bits).
 *
 * Why this and not t-digest or KLL: weights are floats, and a float's top bits already are a
 * logarithmic histogram. Counting them needs one shift and one increment per value, merges by
 * adding counts, and gives a rank-exact answer with a value error bounded by the bucket width:
 * a bucket spans 2^-13 of its binade, so its midpoint is within 2^-14 (6.1e-5) relative of every
 * value in it. float16 (11 significant bits) and bfloat16 (8) land one value per bucket, so their
 * quantiles and histograms are exact. Counters are allocated per binade that occurs (32 KiB each).
 */

/** Bits of the float32 pattern kept as the bucket key. */
export const KEY_BITS = 22;
const SHIFT = 32 - KEY_BITS;
/** Largest relative distance from a bucket's midpoint to any float32 in it: 2^-14. */
export const SKETCH_RELATIVE_ERROR = 2 ** -(KEY_BITS - 9 + 1);

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Order-preserving key of float32 bits: negative patterns are flipped, positive get the top bit. */
export function keyOfBits(bits: number): number {
  return ((bits & 0x80000000) !== 0 ? ~bits : bits | 0x80000000) >>> SHIFT;
}

/** The float32 bits of a key's bucket edge nearest zero (the low SHIFT bits of magnitude cleared). */
function bitsOfKey(key: number, lowBits: number): number {
  const k = (key << SHIFT) >>> 0;
  // Positive buckets carry the top bit; negative ones were flipped.
  return (k & 0x80000000) !== 0 ? (k & 0x7fffffff) | lowBits : (~k & 0xffffffff & ~((1 << SHIFT) - 1)) | lowBits;
}

function floatOfBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/** The bucket's edge nearest zero: the exact value when the data have at most 14 significant bits. */
export function bucketFloor(key: number): number {
  return floatOfBits(bitsOfKey(key, 0));
}

/** The bucket's midpoint in magnitude (within 2^-14 relative of any value in it). */
export function bucketMid(key: number): number {
  return floatOfBits(bitsOfKey(key, 1 << (SHIFT - 1)));
}

/** The bucket's two edges [low, high] as values (both inclusive of the bucket's floats, ascending). */
export function bucketEdges(key: number): [number, number] {
  const a = floatOfBits(bitsOfKey(key, 0));
  const b = floatOfBits(bitsOfKey(key, (1 << SHIFT) - 1));
  return a <= b ? [a, b] : [b, a];
}

/** Keys per page: one page per sign and binade (the top 9 bits of a key). */
const PAGE_BITS = KEY_BITS - 9;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * Counts per bucket while data stream in; `finish()` turns it into a compact {@link FloatSketch}.
 * Counters live in pages of 2^13 (32 KiB), one per sign and binade that occurs, so memory follows
 * the data's spread, not a fixed table: a normal tensor fills a few dozen pages. Pages sit in one
 * typed array found through a typed directory, which keeps the hot loop monomorphic.
 */
export class SketchBuilder {
  /** Page index in `store` of each sign-and-binade, or -1 (the shared empty table until a page exists). */
  private dir = NO_PAGES;
  private store = EMPTY_STORE;
  private pagesUsed = 0;
  private sinceSpill = 0;
  /** Counts moved out of 32-bit counters; allocated only past 4G values. */
  private spilled: Map<number, number> | undefined;
  /**
   * The keys of a tensor's first few values, before any page exists: a file of 150,000 tiny
   * tensors made and dropped a 34 KiB directory and page per tensor, tens of MB of garbage
   * between collections. Past FEW values they move into pages.
   */
  private few: Uint32Array | undefined;
  private fewUsed = 0;

  /** Bytes held by the counters (for a reader's memory budget). */
  get bytes(): number {
    return this.store.byteLength + this.dir.byteLength + (this.few?.byteLength ?? 0);
  }

  /** Keep the keys of finite `bits[start, end)` in `few` (they fit); returns how many were skipped. */
  private addFew(bits: Uint32Array, start: number, end: number): number {
    const few = (this.few ??= new Uint32Array(FEW));
    let skipped = 0;
    for (let i = start; i < end; i++) {
      const b = bits[i]!;
      if ((b & 0x7f800000) === 0x7f800000) skipped++;
      else few[this.fewUsed++] = ((b & 0x80000000) !== 0 ? ~b : b | 0x80000000) >>> SHIFT;
    }
    return skipped;
  }

  /** Move the few keys kept into pages. */
  private flushFew(): void {
    this.sinceSpill += this.fewUsed;
    for (let i = 0; i < this.fewUsed; i++) {
      const k = this.few![i]!;
      if (this.dir[k >>> PAGE_BITS]! < 0) this.newPage(k >>> PAGE_BITS);
      this.store[this.dir[k >>> PAGE_BITS]! * PAGE_SIZE + (k & (PAGE_SIZE - 1))]!++;
    }
    this.fewUsed = 0;
  }

  /** Make room for the page of directory entry `d`; returns its offset in `store`. */
  private newPage(d: number): number {
    if (this.dir === NO_PAGES) this.dir = new Int32Array(1 << 9).fill(-1);
    if ((this.pagesUsed + 1) * PAGE_SIZE > this.store.length) {
      const grown = new Uint32Array(Math.max(1, this.pagesUsed * 2) * PAGE_SIZE);
      grown.set(this.store);
      this.store = grown;
    }
    this.dir[d] = this.pagesUsed++;
    return this.dir[d]! * PAGE_SIZE;
  }

  /**
   * Count the finite values among float32 bit patterns `bits[start, end)`; returns how many were
   * NaN or infinite (not counted, left for the caller to classify).
   */
  addBits(bits: Uint32Array, start = 0, end = bits.length): number {
    const n = end - start;
    if (n <= 0) return 0;
    if (this.pagesUsed === 0 && this.fewUsed + n <= FEW) return this.addFew(bits, start, end);
    if (this.fewUsed > 0) this.flushFew();
    if (this.sinceSpill + n > 0xffffffff) this.spill();
    this.sinceSpill += n;
    let dir = this.dir;
    let store = this.store;
    let skipped = 0;
    for (let i = start; i < end; i++) {
      const b = bits[i]!;
      if ((b & 0x7f800000) === 0x7f800000) {
        skipped++;
        continue;
      }
      const k = ((b & 0x80000000) !== 0 ? ~b : b | 0x80000000) >>> SHIFT;
      let page = dir[k >>> PAGE_BITS]!;
      if (page < 0) {
        this.newPage(k >>> PAGE_BITS);
        dir = this.dir;
        store = this.store;
        page = dir[k >>> PAGE_BITS]!;
      }
      store[page * PAGE_SIZE + (k & (PAGE_SIZE - 1))]!++;
    }
    return skipped;
  }

  /** Move counts into the wide map before a 32-bit counter could overflow (past 4G values). */
  private spill(): void {
    const wide = (this.spilled ??= new Map());
    this.dir.forEach((page, d) => {
      if (page < 0) return;
      for (let j = 0; j < PAGE_SIZE; j++) {
        const c = this.store[page * PAGE_SIZE + j]!;
        const k = (d << PAGE_BITS) | j;
        if (c !== 0) wide.set(k, (wide.get(k) ?? 0) + c);
      }
    });
    this.store.fill(0);
    this.sinceSpill = 0;
  }

  /** The compact sketch; the builder is empty afterwards. */
  finish(): FloatSketch {
    const wide = this.spilled;
    if (this.fewUsed > 0) return this.finishFew();
    // No value counted (an empty tensor, or only NaN and infinities): nothing to walk or allocate.
    if (this.pagesUsed === 0 && wide === undefined) return EMPTY_SKETCH;
    const keys: number[] = [];
    const counts: number[] = [];
    this.dir.forEach((page, d) => {
      if (page < 0 && wide === undefined) return;
      for (let j = 0; j < PAGE_SIZE; j++) {
        const k = (d << PAGE_BITS) | j;
        const c = (page < 0 ? 0 : this.store[page * PAGE_SIZE + j]!) + (wide !== undefined ? (wide.get(k) ?? 0) : 0);
        if (c !== 0) {
          keys.push(k);
          counts.push(c);
        }
      }
    });
    this.dir = NO_PAGES;
    this.store = EMPTY_STORE;
    this.pagesUsed = 0;
    this.sinceSpill = 0;
    this.spilled = undefined;
    return new FloatSketch(Uint32Array.from(keys), Float64Array.from(counts));
  }
  /** The sketch of the few keys kept (no page was made): sorted, equal keys counted together. */
  private finishFew(): FloatSketch {
    const sorted = this.few!.slice(0, this.fewUsed).sort();
    this.fewUsed = 0;
    const keys: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]!++;
      else {
        keys.push(sorted[i]!);
        counts.push(1);
      }
    }
    return new FloatSketch(Uint32Array.from(keys), Float64Array.from(counts));
  }

}

/** Values a builder keeps as keys before it allocates pages. */
const FEW = 64;

/** Non-empty buckets in ascending order of value, with their counts. Immutable. */
export class FloatSketch {
  readonly total: number;

  constructor(
    readonly keys: Uint32Array,
    readonly counts: Float64Array,
  ) {
    let s = 0;
    for (let i = 0; i < counts.length; i++) s += counts[i]!;
    this.total = s;
  }

  /**
   * The sample quantile at probability p with numpy's default (linear) rule: rank p·(n-1),
   * interpolated between the two order statistics around it. Each order statistic is its bucket's
   * representative `rep(key)`, clamped into [min, max] when given.
   */
  quantile(p: number, rep: (key: number) => number, min = -Infinity, max = Infinity): number {
    const n = this.total;
    if (n === 0) return NaN;
    const r = p * (n - 1);
    const lo = Math.floor(r);
    const a = this.orderStatistic(lo, rep);
    const b = r === lo ? a : this.orderStatistic(lo + 1, rep);
    const v = a + (r - lo) * (b - a);
    return Math.min(max, Math.max(min, v));
  }

  /** The value of rank `i` (0-based) as its bucket's representative. */
  private orderStatistic(i: number, rep: (key: number) => number): number {
    let c = 0;
    for (let j = 0; j < this.keys.length; j++) {
      c += this.counts[j]!;
      if (c > i) return rep(this.keys[j]!);
    }
    return rep(this.keys[this.keys.length - 1]!);
  }
}

/*
 * Shared empties: a builder allocates its directory and pages only when a finite value arrives, so
 * an input of many empty tensors costs no table per tensor. NO_PAGES is never written to.
 */
const NO_PAGES = new Int32Array(1 << 9).fill(-1);
const EMPTY_STORE = new Uint32Array(0);
const EMPTY_SKETCH = new FloatSketch(new Uint32Array(0), new Float64Array(0));
