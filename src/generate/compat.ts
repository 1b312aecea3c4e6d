import { endianness } from 'node:os';
import { compatChunks, type CompatChunk } from '../compat/stream.js';
import type { CompatModeName } from '../compat/types.js';
import { roundInto16 } from '../dtype/round.js';
import { DTYPES } from '../dtype/table.js';
import { zeroRowsInBlock } from '../init/zero-rows.js';
import type { BufferRing } from '../io/chunks.js';
import { BLOCK_SIZE } from '../rng/stream.js';
import type { TensorSpec } from '../weights-spec/types.js';

/*
 * The bytes of a compat output (spec field `compat`): each tensor's values from compatChunks, rounded
 * once to its dtype as the stream's values are, for the same writers, checks and `verify`.
 * Sequential, on one thread: torch's one generator runs through the tensors in spec order.
 */

const BIG_ENDIAN_HOST = endianness() === 'BE';

/** Values per chunk: one block of the stream (512 KiB of float64 while it is being rounded). */
const CHUNK_VALUES = BLOCK_SIZE;

/** `values` rounded once to `dtype` (float32, float64, float16, bfloat16: what compat modes draw), little-endian, into `out`. */
export function encodeCompatValues(values: Float64Array, dtype: TensorSpec['dtype'], out: Uint8Array): void {
  const n = values.length;
  if (BIG_ENDIAN_HOST || out.byteOffset % DTYPES[dtype].bytes !== 0) {
    // Not our own aligned buffers, or a host of the other byte order: through an aligned copy.
    const aside = new Uint8Array(n * DTYPES[dtype].bytes);
    encodeCompatValues(values, dtype, aside);
    if (BIG_ENDIAN_HOST) for (let i = 0, w = DTYPES[dtype].bytes; i < aside.length; i += w) aside.subarray(i, i + w).reverse();
    out.set(aside);
    return;
  }
  // Float32Array stores round to nearest even once, like the stream's float64-to-float32 narrowing.
  if (dtype === 'float32') new Float32Array(out.buffer, out.byteOffset, n).set(values);
  else if (dtype === 'float64') new Float64Array(out.buffer, out.byteOffset, n).set(values);
  else if (dtype === 'float16' || dtype === 'bfloat16') roundInto16(values, new Uint16Array(out.buffer, out.byteOffset, n), dtype === 'bfloat16');
  else throw new Error(`internal: compat modes draw no ${dtype}`);
}

/**
 * Any tensor's compat bytes, in any order. Writers ask for tensors in spec order, so one session of
 * compatChunks runs through them; a tensor asked for before the session's position (a file compared
 * and then written, a sharded plan, verify) restarts it, and tensors skipped over are drawn and
 * dropped: in torch mode a tensor's values depend on every draw before it.
 */
export class CompatSource {
  private session: Iterator<CompatChunk> | undefined;
  /** The next chunk of the session, pulled but not yet used. */
  private next: CompatChunk | undefined;
  /** Index of the last tensor a chunk was served for: asking for it (or one before) again restarts. */
  private served = -1;
  private readonly index = new Map<string, number>();

  constructor(private readonly mode: CompatModeName, private readonly tensors: readonly TensorSpec[]) {
    tensors.forEach((t, i) => this.index.set(t.name, i));
  }

  /** The tensor's data as little-endian byte chunks (in `ring`'s buffers when given, else fresh ones). */
  *chunks(tensor: TensorSpec, ring?: BufferRing): Generator<Buffer> {
    const i = this.index.get(tensor.name);
    if (i === undefined) throw new Error(`internal: tensor ${tensor.name} is not in the compat spec`);
    if (this.session === undefined || i <= this.served) {
      this.session = compatChunks(this.mode, this.tensors, CHUNK_VALUES);
      this.next = undefined;
      this.served = -1;
    }
    const width = DTYPES[tensor.dtype].bytes;
    const rowLength = tensor.zeroRows === undefined ? 0 : tensor.size / tensor.shape[0]!;
    for (let c = this.pull(this.session, i); c !== undefined; c = this.pull(this.session, i)) {
      if (tensor.zeroRows !== undefined) zeroRowsInBlock(tensor.zeroRows, rowLength, c.start, c.values.length, c.values);
      const bytes = c.values.length * width;
      const buf = ring ? ring.take(bytes) : Buffer.allocUnsafeSlow(bytes);
      encodeCompatValues(c.values, tensor.dtype, buf);
      yield buf;
    }
  }

  /** The next chunk of tensor `i` (dropping earlier tensors' chunks), or undefined when it has no more. */
  private pull(session: Iterator<CompatChunk>, i: number): CompatChunk | undefined {
    for (;;) {
      if (this.next === undefined) {
        const r = session.next();
        if (r.done === true) return undefined;
        this.next = r.value;
      }
      const c = this.next;
      if (c.tensor > i) return undefined;
      this.next = undefined;
      if (c.tensor === i) {
        this.served = i;
        return c;
      }
    }
  }
}
