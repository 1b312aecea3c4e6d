import { DTYPES } from '../dtype/table.js';
import { Moments } from '../stats/moments.js';
import { SketchBuilder, type FloatSketch } from '../stats/sketch.js';
import { HalfCounts, type NonFinite } from './half.js';
import type { ElementType, IntegerDtype } from '../dtype/table.js';

/** Values per batch: the moments of a batch are summed in cache, then merged (Pébay). */
const BATCH = 1 << 16;
const FLOAT32_MAX = DTYPES.float32.max;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/*
 * Scratch shared by every accumulator: a batch is processed synchronously from start to end, so
 * tensors read side by side (Arrow columns) never use it at the same time.
 */
const SCRATCH = new Uint8Array(BATCH * 8);
const F32 = new Float32Array(BATCH);
const U32 = new Uint32Array(F32.buffer);
const FINITE = new Float64Array(BATCH);
const INTS = new Float64Array(BATCH);

/** n integer (or bool) elements at buf[start...] in host order, as float64 values in `out`. */
function integersOf(dtype: IntegerDtype, buf: ArrayBufferLike, start: number, n: number, out: Float64Array): Float64Array {
  const d = out.subarray(0, n);
  if (dtype === 'int64') {
    // Low word unsigned plus high word signed times 2^32: exact to 2^53, one rounding past it.
    const w = new Int32Array(buf, start, 2 * n);
    const lo = LITTLE_ENDIAN_HOST ? 0 : 1;
    for (let i = 0; i < n; i++) d[i] = w[2 * i + 1 - lo]! * 2 ** 32 + (w[2 * i + lo]! >>> 0);
  } else if (dtype === 'int32') {
    d.set(new Int32Array(buf, start, n));
  } else if (dtype === 'uint8') {
    d.set(new Uint8Array(buf, start, n));
  } else {
    const b = new Uint8Array(buf, start, n);
    for (let i = 0; i < n; i++) d[i] = b[i] !== 0 ? 1 : 0;
  }
  return d;
}

/** What one tensor's data summed up to. */
export interface TensorSummary {
  readonly count: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  readonly moments: Moments;
  readonly sketch: FloatSketch;
}

/**
 * Streaming statistics of one tensor: takes raw little- (or big-) endian bytes in chunks of any size
 * and alignment, counts NaN and infinities apart, and feeds finite values to the moments and the
 * sketch. Memory is fixed: a carry of one partial element and per-batch scratch arrays.
 */
export class Accumulator {
  private readonly width: number;
  /** A partial element between chunks (allocated on first need: most tensors never split one). */
  private carry: Uint8Array | undefined;
  private carried = 0;
  private readonly scratch = SCRATCH;
  private readonly f32 = F32;
  private readonly u32 = U32;
  private readonly finite = FINITE;
  private readonly ints = INTS;
  private readonly moments = new Moments();
  private readonly sketch = new SketchBuilder();
  /** float16 and bfloat16: pattern counts, made into the sketch and moments at the end (see half.ts). */
  private readonly half: HalfCounts | undefined;
  private count = 0;
  /** NaN and infinities, counted apart. */
  private readonly nonFinite: NonFinite = { nan: 0, posInf: 0, negInf: 0 };

  constructor(
    private readonly dtype: ElementType,
    private readonly bigEndian = false,
  ) {
    this.width = DTYPES[dtype].bytes;
    this.half = dtype === 'float16' || dtype === 'bfloat16' ? new HalfCounts(dtype) : undefined;
  }

  /** Add bytes (valid only during the call). */
  push(bytes: Uint8Array): void {
    let off = 0;
    const w = this.width;
    if (this.carried > 0) {
      const take = Math.min(w - this.carried, bytes.length);
      this.carry!.set(bytes.subarray(0, take), this.carried);
      this.carried += take;
      off = take;
      if (this.carried < w) return;
      this.batch(this.carry!, 0, 1);
      this.carried = 0;
    }
    const whole = Math.floor((bytes.length - off) / w);
    for (let i = 0; i < whole; i += BATCH) {
      const n = Math.min(BATCH, whole - i);
      this.batch(bytes, off + i * w, n);
    }
    off += whole * w;
    if (off < bytes.length) {
      this.carry ??= new Uint8Array(w);
      this.carry.set(bytes.subarray(off), 0);
      this.carried = bytes.length - off;
    }
  }

  /** n elements at bytes[off...]: aligned views when possible, else a copy into scratch. */
  private batch(bytes: Uint8Array, off: number, n: number): void {
    const w = this.width;
    let buf = bytes.buffer;
    let start = bytes.byteOffset + off;
    if (start % w !== 0 || this.bigEndian) {
      if (this.bigEndian) {
        for (let i = 0; i < n; i++) for (let b = 0; b < w; b++) this.scratch[i * w + b] = bytes[off + i * w + (w - 1 - b)]!;
      } else {
        this.scratch.set(bytes.subarray(off, off + n * w));
      }
      buf = this.scratch.buffer;
      start = this.scratch.byteOffset;
    }
    this.count += n;
    switch (this.dtype) {
      case 'float32': {
        const f = new Float32Array(buf, start, n);
        this.addFloat32(new Uint32Array(buf, start, n), f);
        break;
      }
      case 'float64': {
        const d = new Float64Array(buf, start, n);
        const f = this.f32;
        for (let i = 0; i < n; i++) {
          const x = d[i]!;
          // Finite values past float32's range take its largest key; infinities keep theirs, so
          // the sketch counts them apart (clamping them too lost every float64 infinity).
          f[i] = x > FLOAT32_MAX && x !== Infinity ? FLOAT32_MAX : x < -FLOAT32_MAX && x !== -Infinity ? -FLOAT32_MAX : x;
        }
        this.addFloat32(this.u32.subarray(0, n), d);
        break;
      }
      case 'float16':
      case 'bfloat16': {
        this.half!.count(new Uint16Array(buf, start, n));
        break;
      }
      default: {
        const d = integersOf(this.dtype, buf, start, n, this.ints);
        const f = this.f32;
        // float32 keys (exact up to 2^24; nearer as the sketch's relative error allows past it).
        for (let i = 0; i < n; i++) f[i] = d[i]!;
        this.addFloat32(this.u32.subarray(0, n), d);
        break;
      }
    }
  }

  /** `bits` are the float32 keys of `values` (the exact values, float32 or float64). */
  private addFloat32(bits: Uint32Array, values: Float32Array | Float64Array): void {
    const skipped = this.sketch.addBits(bits);
    if (skipped === 0) {
      this.moments.push(values);
      return;
    }
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (x !== x) this.nonFinite.nan++;
      else if (x === Infinity) this.nonFinite.posInf++;
      else if (x === -Infinity) this.nonFinite.negInf++;
    }
    this.moments.push(this.finiteOf(values));
  }

  /** The finite ones among `values`, in order (in the shared scratch). */
  private finiteOf(values: Float32Array | Float64Array): Float64Array {
    let k = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (x === x && x !== Infinity && x !== -Infinity) this.finite[k++] = x;
    }
    return this.finite.subarray(0, k);
  }

  /** The summary; a partial element left over is the caller's error to report (see `leftover`). */
  finish(): TensorSummary {
    const { sketch, moments } = this.half !== undefined ? this.half.finish(this.nonFinite) : { sketch: this.sketch.finish(), moments: this.moments };
    return { count: this.count, ...this.nonFinite, moments, sketch };
  }

  /** Bytes of statistics held: grows with the binades the data span, at most a few MiB. */
  get bytes(): number {
    return this.sketch.bytes + (this.half?.bytes ?? 0);
  }

  /** Bytes of a partial element still held (non-zero means the data ended mid-element). */
  get leftover(): number {
    return this.carried;
  }
}
