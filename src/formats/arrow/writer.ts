import type { TensorSpec } from '../../weights-spec/types.js';
import type { Sink } from '../../io/sink.js';
import { checkAborted } from '../../io/pump.js';
import { DTYPES, type Dtype } from '../../dtype/table.js';
import { packBits } from './bits.js';
import { provenance } from '../directory/manifest.js';
import { defineFormat } from '../define.js';
import type { FormatDef, WriteContext } from '../types.js';
import { arrowFileReader, arrowStreamReader } from './reader.js';
import { ARROW_DTYPES, arrowLayout, arrowSchemaMetadata } from './layout.js';
// Types only (erased at build): the modules themselves are imported lazily below.
import type { AsyncByteQueue } from 'apache-arrow/io/stream';
import type { DataType } from 'apache-arrow';

type Arrow = typeof import('apache-arrow');

/** apache-arrow is large: loaded on first use, so commands that do not write Arrow never pay for it. */
let loaded: Promise<{ arrow: Arrow; Collector: new () => Collector }> | undefined;

/** A byte queue for apache-arrow's writer that hands its bytes to us instead of buffering them. */
interface Collector extends AsyncByteQueue {
  /** The bytes written since the last call, in order. */
  take(): Uint8Array[];
}

function loadArrow(): Promise<{ arrow: Arrow; Collector: new () => Collector }> {
  loaded ??= (async () => {
    const arrow = await import('apache-arrow');
    // AsyncByteQueue is the sink class the writer accepts as is (it is not in apache-arrow's index,
    // so it comes from its module; test/slow/formats-memory.test.ts notices if this stops working).
    const { AsyncByteQueue } = await import('apache-arrow/io/stream');
    // The writer pushes every message into its sink synchronously and never waits for a reader, so
    // it would buffer a whole table. We take the bytes after each batch and write them to our sink
    // (which waits for drain) before we make the next batch: at most one batch in memory.
    class ByteCollector extends AsyncByteQueue implements Collector {
      private pending: Uint8Array[] = [];
      override write(value: Uint8Array): void {
        if (value.byteLength > 0) this.pending.push(value);
      }
      take(): Uint8Array[] {
        const out = this.pending;
        this.pending = [];
        return out;
      }
    }
    return { arrow, Collector: ByteCollector };
  })();
  return loaded;
}

/**
 * Cut a stream of little-endian byte chunks into runs of whole rows. A chunk that is already whole
 * rows passes through uncopied (the usual case); leftovers wait for the next chunk.
 */
export async function* wholeRows(chunks: AsyncIterable<Uint8Array>, rowBytes: number): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    if (pendingBytes === 0 && chunk.byteLength % rowBytes === 0) {
      yield chunk;
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    const whole = pendingBytes - (pendingBytes % rowBytes);
    if (whole === 0) continue;
    const all = Buffer.concat(pending, pendingBytes);
    yield all.subarray(0, whole);
    pending = whole < pendingBytes ? [all.subarray(whole)] : [];
    pendingBytes -= whole;
  }
  if (pendingBytes !== 0) throw new Error(`arrow: ${pendingBytes} bytes left over, not a whole row of ${rowBytes}`);
}

async function writeArrow(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext, file: boolean): Promise<void> {
  const [tensor] = tensors;
  if (tensor === undefined || tensors.length !== 1) throw new Error('an Arrow file holds exactly one tensor');
  const { arrow, Collector } = await loadArrow();
  const { Field, FixedSizeList, RecordBatch, Schema, Struct, makeData } = arrow;
  const width = DTYPES[tensor.dtype].bytes;
  const valueType = arrowValueType(arrow, tensor.dtype);
  const layout = arrowLayout(tensor.shape);
  const listType = layout.fieldMetadata ? new FixedSizeList(layout.rowValues, new Field('item', valueType, false)) : undefined;
  const field = new Field(tensor.name, listType ?? valueType, false, layout.fieldMetadata ? new Map(layout.fieldMetadata) : null);
  const schema = new Schema([field], arrowSchemaMetadata(tensor, provenance(ctx.spec)));
  const structType = new Struct(schema.fields);

  /** Values of `rows` rows from little-endian bytes. float16 stays as the raw bits we rounded. */
  const column = (bytes: Uint8Array, rows: number) => {
    const n = bytes.byteLength / width;
    // makeData's props are typed per Arrow type, and ours is picked at run time: arrowValues gives
    // the data that type takes (the DataType-wide props lack `data`, hence the assertion).
    const values = makeData({ type: valueType, length: n, nullCount: 0, data: arrowValues(tensor.dtype, bytes, n) } as Parameters<typeof makeData>[0]);
    return listType ? makeData({ type: listType, length: rows, nullCount: 0, child: values }) : values;
  };
  const batchOf = (bytes: Uint8Array, rows: number) =>
    new RecordBatch(schema, makeData({ type: structType, length: rows, nullCount: 0, children: [column(bytes, rows)] }));

  const collector = new Collector();
  const writer = file ? new arrow.RecordBatchFileWriter() : new arrow.RecordBatchStreamWriter();
  writer.reset(collector, schema);
  const flush = async (): Promise<void> => {
    for (const bytes of collector.take()) await sink.write(bytes);
  };
  await flush(); // the schema (and the file magic) first
  const rowBytes = layout.rowValues * width;
  if (rowBytes === 0) {
    // Trailing zero dimension: rows with no values, nothing to generate.
    if (layout.rows > 0) writer.write(batchOf(new Uint8Array(0), layout.rows));
    await flush();
  } else {
    // Typed-array views need aligned offsets: chunks from the generator are fresh buffers.
    for await (const bytes of wholeRows(ctx.chunks(tensor), rowBytes)) {
      checkAborted(ctx.signal);
      const aligned = bytes.byteOffset % 8 === 0 ? bytes : Uint8Array.from(bytes);
      const rows = aligned.byteLength / rowBytes;
      writer.write(batchOf(aligned, rows));
      await flush(); // the next batch is made only once the sink took this one
      ctx.progress(aligned.byteLength / width);
    }
  }
  writer.finish(); // end-of-stream marker, and for the file format the footer
  await flush();
}

/** The Arrow type of a dtype's values (float16 columns are built from our own rounded bits). */
function arrowValueType(arrow: Arrow, dtype: Dtype): DataType {
  switch (dtype) {
    case 'float64': return new arrow.Float64();
    case 'float32': return new arrow.Float32();
    case 'float16': return new arrow.Float16();
    case 'int64': return new arrow.Int64();
    case 'int32': return new arrow.Int32();
    case 'uint8': return new arrow.Uint8();
    case 'bool': return new arrow.Bool();
    case 'bfloat16': throw new Error('internal: Arrow has no bfloat16 (ARROW_DTYPES leaves it out)');
  }
}

/** A typed view of n values' bytes, as makeData takes them; bool becomes Arrow's bitmap. */
function arrowValues(dtype: Dtype, bytes: Uint8Array, n: number): ArrayBufferView {
  const { buffer, byteOffset } = bytes;
  switch (dtype) {
    case 'float64': return new Float64Array(buffer, byteOffset, n);
    case 'float32': return new Float32Array(buffer, byteOffset, n);
    case 'int64': return new BigInt64Array(buffer, byteOffset, n);
    case 'int32': return new Int32Array(buffer, byteOffset, n);
    case 'bool': return packBits(bytes.subarray(0, n));
    case 'uint8': return bytes.subarray(0, n);
    default: return new Uint16Array(buffer, byteOffset, n);
  }
}

function arrowFormat(file: boolean): FormatDef {
  return defineFormat({
    name: file ? 'arrow' : 'arrow-stream',
    extensions: file ? ['.arrow', '.feather'] : ['.arrows'],
    summary: file
      ? 'Arrow IPC file (random access): one tensor per file (pyarrow, polars); several tensors: a directory + manifest.json'
      : 'Arrow IPC stream (for pipes: pa.ipc.open_stream(sys.stdin.buffer)); one tensor per stream',
    multiTensor: false,
    dtypes: ARROW_DTYPES,
    // Record batches point into the chunks until apache-arrow has serialised them.
    retainsChunks: true,
    write: (tensors, sink, ctx) => writeArrow(tensors, sink, ctx, file),
    reader: file ? arrowFileReader : arrowStreamReader,
  });
}

export const arrowFileFormat: FormatDef = arrowFormat(true);
export const arrowStreamFormat: FormatDef = arrowFormat(false);
