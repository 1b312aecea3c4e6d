import { DTYPES } from '../dtype/table.js';
import { bfloat16BitsToNumber, float16BitsToNumber } from '../dtype/round.js';
import { InitWeightsError } from '../errors.js';
import type { TensorConsumer, TensorHeader, TensorSink } from '../formats/types.js';
import { tensorChunks } from '../io/chunks.js';
import { ByteSource } from '../io/source.js';
import { DETECT_BYTES, detectReader } from '../inspect/detect.js';
import { CompatSource } from '../generate/compat.js';
import type { TensorSpec, WeightsSpec } from '../weights-spec/types.js';

/*
 * Tensor by tensor: read a file with the format's own reader and compare each tensor's data with
 * the stream, element by element, as the bytes arrive. One chunk of the stream is held at a time,
 * and nothing more is generated for a tensor once it differs.
 */

/** How one tensor of a file compares with the spec. */
export type TensorOutcome =
  | { readonly tensor: string; readonly status: 'match' }
  | { readonly tensor: string; readonly status: 'differs'; readonly index: number; readonly expected: number; readonly found: number }
  | { readonly tensor: string; readonly status: 'missing' | 'extra' }
  | { readonly tensor: string; readonly status: 'mismatch'; readonly what: string };

/** A tensor's expected bytes, regenerated chunk by chunk. */
export type ExpectedChunks = (tensor: TensorSpec) => Iterator<Buffer>;

/** The expected bytes of a spec's tensors: the stream, or its compat mode's values (spec field `compat`). */
export function expectedChunks(spec: Pick<WeightsSpec, 'compat' | 'tensors'>): ExpectedChunks {
  if (spec.compat === undefined) return (t) => tensorChunks(t);
  const source = new CompatSource(spec.compat, spec.tensors);
  return (t) => source.chunks(t);
}

/** One element's value from its little-endian bytes (integer types by their width, as read). */
function decode(b: Buffer, at: number, dtype: string, width: number): number {
  switch (dtype) {
    case 'float32': return b.readFloatLE(at);
    case 'float64': return b.readDoubleLE(at);
    case 'float16': return float16BitsToNumber(b.readUInt16LE(at));
    case 'bfloat16': return bfloat16BitsToNumber(b.readUInt16LE(at));
    case 'int32': return b.readInt32LE(at);
    case 'int64': return Number(b.readBigInt64LE(at));
    default: return b.readUIntLE(at, Math.min(width, 6));
  }
}

/** Compares one tensor's pushed bytes with its regenerated chunks; `outcome` once known. */
class TensorComparer implements TensorConsumer {
  private readonly chunks: Iterator<Buffer>;
  private readonly width: number;
  private exp: Buffer = Buffer.alloc(0);
  private expAt = 0;
  private done = 0;
  private carry: Buffer | undefined;
  outcome: TensorOutcome | undefined;

  constructor(readonly spec: TensorSpec, chunksOf: ExpectedChunks, private readonly onEnd: (outcome: TensorOutcome) => void) {
    this.chunks = chunksOf(spec);
    this.width = DTYPES[spec.dtype].bytes;
  }

  push(bytes: Uint8Array): void {
    if (this.outcome !== undefined) return;
    const w = this.width;
    let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.carry !== undefined) data = Buffer.concat([this.carry, data]);
    const whole = data.length - (data.length % w);
    this.carry = whole < data.length ? Buffer.from(data.subarray(whole)) : undefined;
    for (let off = 0; off < whole;) {
      if (this.expAt === this.exp.length) {
        const next = this.chunks.next();
        if (next.done === true) return; // more data than the shape: the reader reports it
        this.exp = next.value;
        this.expAt = 0;
      }
      const n = Math.min(whole - off, this.exp.length - this.expAt);
      const a = data.subarray(off, off + n);
      const b = this.exp.subarray(this.expAt, this.expAt + n);
      if (!a.equals(b)) {
        let k = 0;
        while (a[k] === b[k]) k++;
        const e = k - (k % w);
        this.outcome = { tensor: this.spec.name, status: 'differs', index: (this.done + e) / w, expected: decode(b, e, this.spec.dtype, w), found: decode(a, e, this.spec.dtype, w) };
        return;
      }
      off += n;
      this.expAt += n;
      this.done += n;
    }
  }

  end(): void {
    this.outcome ??= { tensor: this.spec.name, status: 'match' };
    this.onEnd(this.outcome);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A sink comparing every tensor it is given with `expected` (by name); the rest are extra. */
export function comparingSink(expected: readonly TensorSpec[], chunksOf: ExpectedChunks = (t) => tensorChunks(t), onMetadata: (value: unknown) => void = () => undefined): { sink: TensorSink; outcomes: () => TensorOutcome[] } {
  const specs = new Map(expected.map((t) => [t.name, t]));
  const results = new Map<string, TensorOutcome | TensorComparer>();
  const sink: TensorSink = {
    wants: () => true,
    tensor(header: TensorHeader) {
      const spec = specs.get(header.name);
      const ignore = { push: () => undefined, end: () => undefined };
      if (spec === undefined) {
        results.set(header.name, { tensor: header.name, status: 'extra' });
        return ignore;
      }
      if (header.dtype !== spec.dtype || header.bigEndian === true || !sameShape(header.shape, spec.shape)) {
        const found = `${header.bigEndian === true ? 'big-endian ' : ''}${header.dtype} (${header.shape.join(', ')})`;
        results.set(header.name, { tensor: header.name, status: 'mismatch', what: `expected ${spec.dtype} (${spec.shape.join(', ')}), found ${found}` });
        return ignore;
      }
      // An ended comparer gives way to its outcome: its stream state (generators, the last
      // expected chunk) held per tensor came to ~1 KB each, 100+ MB for 100k tensors.
      const c = new TensorComparer(spec, chunksOf, (outcome) => results.set(header.name, outcome));
      results.set(header.name, c);
      return c;
    },
    skipped(name, dtype, shape) {
      results.set(name, specs.has(name) ? { tensor: name, status: 'mismatch', what: `found ${dtype} (${shape.join(', ')})` } : { tensor: name, status: 'extra' });
    },
    metadata: onMetadata,
  };
  const outcomes = (): TensorOutcome[] => {
    const out: TensorOutcome[] = [];
    for (const r of results.values()) out.push(r instanceof TensorComparer ? r.outcome ?? { tensor: r.spec.name, status: 'missing' } : r);
    for (const t of expected) if (!results.has(t.name)) out.push({ tensor: t.name, status: 'missing' });
    return out;
  };
  return { sink, outcomes };
}

/** Read one weights file (format detected from its first bytes) into a sink; `npyName` names a lone .npy array. */
export async function readFileInto(path: string, display: string, sink: TensorSink, npyName: string): Promise<void> {
  const src = await ByteSource.file(path, display);
  try {
    const head = await src.peek(DETECT_BYTES);
    const reader = head.length === 0 ? undefined : detectReader(head);
    if (reader === undefined) throw src.fail('not a weights file init-weights can read');
    await reader.read(src, sink, npyName);
  } finally {
    await src.close();
  }
}

/**
 * Compare the tensors of one file with `expected`. A file the readers refuse is one outcome per
 * expected tensor ('mismatch', naming the problem), not an exception: the caller reports on.
 */
export async function compareFile(path: string, display: string, expected: readonly TensorSpec[], chunksOf?: ExpectedChunks): Promise<TensorOutcome[]> {
  const { sink, outcomes } = comparingSink(expected, chunksOf);
  try {
    await readFileInto(path, display, sink, expected.length === 1 ? expected[0]!.name : 'array');
  } catch (err) {
    if (!(err instanceof InitWeightsError)) throw err;
    const done = outcomes().filter((o) => o.status !== 'missing');
    const named = new Set(done.map((o) => o.tensor));
    return [...done, ...expected.filter((t) => !named.has(t.name)).map((t): TensorOutcome => ({ tensor: t.name, status: 'mismatch', what: `unreadable: ${err.message}` }))];
  }
  return outcomes();
}
