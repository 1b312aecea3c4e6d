import { DTYPES } from '../../dtype/table.js';
import type { ByteSource } from '../../io/source.js';
import type { FormatReader, TensorConsumer, TensorSink } from '../types.js';
import { q } from '../reader.js';
import { BitUnpacker, bitmapBytes } from './bits.js';
import { columnOf, keyValues, markScalar, settleShape, type Column } from './columns.js';
import { FlatbufferError, Table } from './flatbuffer.js';
import { ARROW_CONTINUATION, ARROW_MAGIC } from './layout.js';

/*
 * Arrow IPC, file and stream formats, read front to back (a file is magic + a stream + a footer, so
 * one reader does both). Each column is one tensor (see columns.ts for the types read). Rows add
 * up across record batches; bool columns are unpacked to one byte per value for the sink.
 *
 * Memory is per input, not per column: a file is read in two passes, the first checking every
 * message and noting where each column's buffers lie, the second reading the columns in turn (one
 * tensor's statistics alive at a time). A pipe cannot be re-read, so its columns are read side by
 * side; the sink's memory budget bounds that case.
 */

/** Largest metadata flatbuffer read (pyarrow's are a few KiB). */
const MAX_METADATA = 64 << 20;
/** Most columns read (each is a tensor with its own statistics). */
const MAX_COLUMNS = 10_000;

/**
 * The columns of a schema; its metadata and each field's go to the sink (provenance). Side by side
 * (a pipe), each wanted column's consumer opens now; in turn (a file), after the first pass.
 */
function schemaColumns(schema: Table, src: ByteSource, sink: TensorSink, inTurn: boolean): Column[] {
  const meta = keyValues(schema, 2);
  if (Object.keys(meta).length > 0) sink.metadata(meta);
  if ((schema.vector(1, 4)?.length ?? 0) > MAX_COLUMNS) throw src.fail(`an Arrow schema of more than ${MAX_COLUMNS} columns`);
  const fields = schema.tables(1);
  const columns = fields.map((f) => columnOf(f, src));
  markScalar(columns, meta);
  columns.forEach((c, i) => {
    const fieldMeta = keyValues(fields[i]!, 6);
    if (Object.keys(fieldMeta).length > 0) sink.metadata(fieldMeta);
    c.wanted = sink.wants(c.name);
    if (c.wanted && !inTurn) c.consumer = sink.tensor({ name: c.name, dtype: c.dtype, shape: c.shape });
  });
  sink.count?.(columns.length);
  return columns;
}

/** Read an Arrow IPC file or stream. */
export async function readArrow(src: ByteSource, sink: TensorSink, format: 'arrow-file' | 'arrow-stream'): Promise<void> {
  const inTurn = src.canSeek;
  let end: number | undefined;
  let footerSchema: Table | undefined;
  try {
    if (format === 'arrow-file') {
      await src.skip(8, 'Arrow file magic');
      if (src.readAt !== undefined && src.size !== undefined) {
        // A file's footer holds the schema too, and some writers (apache-arrow JS) put it only there.
        if (src.size < 18) throw src.fail('truncated: an Arrow file shorter than its magic and footer');
        const tail = await src.readAt(src.size - 10, 10);
        if (!tail.subarray(4).equals(ARROW_MAGIC)) throw src.fail('Arrow file does not end with its magic (truncated?)');
        const footerLen = tail.readInt32LE(0);
        if (footerLen < 0 || footerLen > src.size - 18 || footerLen > MAX_METADATA) throw src.fail(`Arrow footer length ${footerLen} is out of range`);
        end = src.size - 10 - footerLen;
        footerSchema = Table.root(await src.readAt(end, footerLen)).table(1);
      }
    }
  } catch (err) {
    if (err instanceof FlatbufferError) throw src.fail(`malformed Arrow footer: ${err.message}`);
    throw err;
  }
  let columns: Column[] | undefined;
  try {
    if (footerSchema !== undefined) columns = schemaColumns(footerSchema, src, sink, inTurn);
    for (;;) {
      if (end !== undefined && src.position >= end) break;
      if (await src.atEnd()) {
        if (format === 'arrow-stream' && columns !== undefined) break; // EOS is optional at the end of a stream
        throw src.fail('truncated: the Arrow stream ends before its schema');
      }
      const marker = (await src.exact(4, 'Arrow message marker')).readUInt32LE(0);
      if (marker !== ARROW_CONTINUATION) {
        if (format === 'arrow-file' && columns !== undefined) break; // reached the footer
        throw src.fail(`offset ${src.position - 4}: not an Arrow message (no continuation marker)`);
      }
      const metaLen = (await src.exact(4, 'Arrow metadata length')).readInt32LE(0);
      if (metaLen === 0) break; // end-of-stream
      if (metaLen < 0 || metaLen > MAX_METADATA) throw src.fail(`Arrow metadata length ${metaLen} is out of range`);
      const meta = await src.exact(metaLen, 'Arrow message metadata', MAX_METADATA);
      const message = Table.root(meta);
      const headerType = message.uint8(1);
      const header = message.table(2);
      const bodyLength = message.int64(3);
      if (bodyLength < 0) throw src.fail(`Arrow body length ${bodyLength} is negative`);
      if (src.remaining !== undefined && bodyLength > src.remaining) throw src.fail(`truncated: an Arrow message body of ${bodyLength} bytes, only ${src.remaining} left`);
      if (header === undefined) throw src.fail('an Arrow message without a header');
      if (headerType === 1) {
        if (columns !== undefined && footerSchema === undefined) throw src.fail('a second Arrow schema');
        columns ??= schemaColumns(header, src, sink, inTurn);
        await src.skip(bodyLength, 'Arrow schema body');
      } else if (headerType === 3) {
        if (columns === undefined) {
          throw src.fail(format === 'arrow-file'
            ? 'an Arrow file whose schema is only in its footer, which a pipe reaches last; inspect the file, or pipe the Arrow stream format'
            : 'an Arrow record batch before the schema');
        }
        await readBatch(src, header, bodyLength, columns, inTurn);
      } else if (headerType === 2) {
        throw src.fail('dictionary-encoded Arrow columns are not supported');
      } else {
        throw src.fail(`unsupported Arrow message type ${headerType}`);
      }
    }
  } catch (err) {
    if (err instanceof FlatbufferError) throw src.fail(`malformed Arrow metadata: ${err.message}`);
    throw err;
  }
  if (columns === undefined) throw src.fail('an Arrow stream without a schema');
  for (const c of columns) {
    settleShape(c);
    if (inTurn && c.wanted) await readColumn(src, c, sink.tensor({ name: c.name, dtype: c.dtype, shape: c.shape }));
    else await c.consumer?.end();
  }
}

/** Where a value buffer of `count` values goes: to the consumer as is, or unpacked (bool). */
function pusher(c: Column, count: number, consumer: TensorConsumer): (bytes: Uint8Array) => void {
  if (c.dtype !== 'bool') return (b) => consumer.push(b);
  const unpack = new BitUnpacker(count, (b) => consumer.push(b));
  return (b) => unpack.write(b);
}

/** Second pass over a file: one column's buffers, batch by batch. */
async function readColumn(src: ByteSource, c: Column, consumer: TensorConsumer): Promise<void> {
  for (let i = 0; i < c.segments.length; i += 3) {
    await src.seekTo(c.segments[i]!);
    await src.stream(c.segments[i + 1]!, `column ${q(c.name)}`, pusher(c, c.segments[i + 2]!, consumer));
  }
  await consumer.end();
}

interface Region {
  readonly offset: number;
  readonly length: number;
  /** Values in the buffer (a bool buffer holds them as bits). */
  readonly count: number;
  readonly column: Column;
}

async function readBatch(src: ByteSource, batch: Table, bodyLength: number, columns: Column[], inTurn: boolean): Promise<void> {
  if (batch.table(3) !== undefined) throw src.fail('compressed Arrow record batches are not supported');
  const rows = batch.int64(0);
  if (rows < 0) throw src.fail(`an Arrow record batch of ${rows} rows`);
  const nodes = batch.vector(1, 16);
  const buffers = batch.vector(2, 16);
  if (nodes === undefined || buffers === undefined) throw src.fail('an Arrow record batch without nodes or buffers');
  const buf = batch.buf;
  let ni = 0;
  let bi = 0;
  const node = (): { length: number; nulls: number } => {
    if (ni >= nodes.length) throw src.fail('an Arrow record batch with too few field nodes');
    const p = nodes.start + 16 * ni++;
    const length = Number(buf.readBigInt64LE(p));
    const nulls = Number(buf.readBigInt64LE(p + 8));
    if (!(length >= 0 && nulls >= 0 && Number.isSafeInteger(length))) throw src.fail(`an Arrow field node of length ${length} with ${nulls} nulls`);
    return { length, nulls };
  };
  const buffer = (): { offset: number; length: number } => {
    if (bi >= buffers.length) throw src.fail('an Arrow record batch with too few buffers');
    const p = buffers.start + 16 * bi++;
    const offset = Number(buf.readBigInt64LE(p));
    const length = Number(buf.readBigInt64LE(p + 8));
    if (!(offset >= 0 && length >= 0 && offset + length <= bodyLength)) throw src.fail(`an Arrow buffer [${offset}, +${length}] lies outside its ${bodyLength}-byte body`);
    return { offset, length };
  };
  const regions: Region[] = [];
  for (const c of columns) {
    const top = node();
    if (top.length !== rows) throw src.fail(`column ${q(c.name)}: ${top.length} rows in a batch of ${rows}`);
    if (top.nulls !== 0) throw src.fail(`column ${q(c.name)}: ${top.nulls} null rows (inspect reads dense tensors)`);
    buffer(); // validity
    let count = top.length;
    if (c.listSize !== 1 || c.rowShape.length > 0) {
      const child = node();
      if (child.nulls !== 0) throw src.fail(`column ${q(c.name)}: ${child.nulls} null values`);
      count = top.length * c.listSize;
      if (child.length < count) throw src.fail(`column ${q(c.name)}: ${child.length} values for ${top.length} rows of ${c.listSize}`);
      buffer(); // child validity
    }
    const values = buffer();
    const bytes = c.dtype === 'bool' ? bitmapBytes(count) : count * DTYPES[c.dtype].bytes;
    if (!Number.isSafeInteger(bytes) || bytes > values.length) throw src.fail(`column ${q(c.name)}: ${count} values need ${bytes} bytes, its buffer has ${values.length}`);
    c.rows += top.length;
    regions.push({ offset: values.offset, length: bytes, count, column: c });
  }
  regions.sort((a, b) => a.offset - b.offset);
  let at = 0;
  const start = src.position;
  for (const r of regions) {
    if (r.offset < at) throw src.fail(`column ${q(r.column.name)}: its buffer overlaps another`);
    await src.skip(r.offset - at, 'Arrow body padding');
    const consumer = r.column.consumer;
    if (inTurn && r.column.wanted && r.length > 0) r.column.segments.push(src.position, r.length, r.count);
    if (consumer === undefined) await src.skip(r.length, 'Arrow column');
    else await src.stream(r.length, `column ${q(r.column.name)}`, pusher(r.column, r.count, consumer));
    at = r.offset + r.length;
  }
  await src.skip(start + bodyLength - src.position, 'Arrow body');
}

/** Arrow IPC file: "ARROW1" magic. */
export const arrowFileReader: FormatReader = {
  input: 'arrow-file',
  detect: (b) => b.length >= 6 && b.subarray(0, 6).equals(ARROW_MAGIC),
  read: (src, sink) => readArrow(src, sink, 'arrow-file'),
};

/** Arrow IPC stream: a continuation marker first. */
export const arrowStreamReader: FormatReader = {
  input: 'arrow-stream',
  detect: (b) => b.length >= 8 && b.readUInt32LE(0) === ARROW_CONTINUATION,
  read: (src, sink) => readArrow(src, sink, 'arrow-stream'),
};
