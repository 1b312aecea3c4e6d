import type { ByteSource } from '../../io/source.js';
import { ELEMENT_BYTES, type ElementType, type TensorConsumer, type TensorSink } from '../../inspect/types.js';
import { checkedSize, q, utf8 } from '../reader.js';
import { FlatbufferError, Table } from './flatbuffer.js';

/*
 * Arrow IPC, file and stream formats, read front to back (a file is magic + a stream + a footer, so
 * one reader does both). Each column is one tensor: a float column is 1-d, a fixed-size list of
 * floats of size k is (rows, k), or (rows, ...shape) under the canonical arrow.fixed_shape_tensor
 * extension. Rows add up across record batches.
 */

/** Largest metadata flatbuffer read (pyarrow's are a few KiB). */
const MAX_METADATA = 64 << 20;
/** Most columns read (each is a tensor with its own statistics). */
const MAX_COLUMNS = 10_000;
const TYPE_NAMES = ['NONE', 'Null', 'Int', 'FloatingPoint', 'Binary', 'Utf8', 'Bool', 'Decimal', 'Date', 'Time', 'Timestamp', 'Interval', 'List', 'Struct', 'Union', 'FixedSizeBinary', 'FixedSizeList', 'Map', 'Duration', 'LargeBinary', 'LargeUtf8', 'LargeList', 'RunEndEncoded', 'BinaryView', 'Utf8View', 'ListView', 'LargeListView'];
const FLOATING_POINT = 3;
const FIXED_SIZE_LIST = 16;
const PRECISION: ElementType[] = ['float16', 'float32', 'float64'];

interface Column {
  readonly name: string;
  readonly dtype: ElementType;
  /** Elements per row (1 for a plain float column). */
  readonly listSize: number;
  /** Shape of one row: [] for a plain column, else the extension's shape or [listSize]. */
  readonly rowShape: readonly number[];
  rows: number;
  consumer: TensorConsumer | undefined;
  /** The header handed to the sink; its shape[0] is set to the row count at the end. */
  shape: number[];
}

function keyValues(t: Table, i: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of t.tables(i)) {
    const k = kv.stringBytes(0);
    const v = kv.stringBytes(1);
    const ks = k === undefined ? undefined : utf8(k);
    const vs = v === undefined ? '' : utf8(v);
    if (ks !== undefined && vs !== undefined) out[ks] = vs;
  }
  return out;
}

function typeName(id: number): string {
  return TYPE_NAMES[id] ?? `type ${id}`;
}

/** A schema field as a tensor column, or a one-line reason it is not one. */
function columnOf(field: Table, src: ByteSource): Column {
  const nameBytes = field.stringBytes(0) ?? Buffer.alloc(0);
  const name = utf8(nameBytes);
  if (name === undefined) throw src.fail('an Arrow field name is not valid UTF-8');
  const typeId = field.uint8(2);
  const meta = keyValues(field, 6);
  const floatOf = (f: Table, id: number): ElementType | undefined => {
    if (id !== FLOATING_POINT) return undefined;
    const prec = f.table(3)?.int16(0) ?? 0;
    return PRECISION[prec];
  };
  const wrong = (t: string): Error => src.fail(`column ${q(name)}: type ${t} is not a float column or a fixed-size list of floats`);
  if (typeId === FLOATING_POINT) {
    const dtype = floatOf(field, typeId);
    if (dtype === undefined) throw wrong('FloatingPoint of unknown precision');
    return { name, dtype, listSize: 1, rowShape: [], rows: 0, consumer: undefined, shape: [0] };
  }
  if (typeId !== FIXED_SIZE_LIST) throw wrong(typeName(typeId));
  const listSize = field.table(3)?.int32(0) ?? 0;
  const children = field.tables(5);
  const child = children[0];
  if (children.length !== 1 || child === undefined) throw src.fail(`column ${q(name)}: a fixed-size list without exactly one child`);
  const childType = child.uint8(2);
  const dtype = floatOf(child, childType);
  if (dtype === undefined) throw wrong(`FixedSizeList<${typeName(childType)}>`);
  if (listSize < 0) throw src.fail(`column ${q(name)}: negative list size ${listSize}`);
  let rowShape: number[] = [listSize];
  if (meta['ARROW:extension:name'] === 'arrow.fixed_shape_tensor') {
    let ext: unknown;
    try {
      ext = JSON.parse(meta['ARROW:extension:metadata'] ?? '');
    } catch {
      throw src.fail(`column ${q(name)}: arrow.fixed_shape_tensor metadata is not JSON`);
    }
    const shape = (ext as { shape?: unknown }).shape;
    if (!Array.isArray(shape)) throw src.fail(`column ${q(name)}: arrow.fixed_shape_tensor metadata has no shape`);
    const size = checkedSize(shape, dtype);
    if (typeof size === 'string') throw src.fail(`column ${q(name)}: ${size}`);
    if (size.count !== listSize) throw src.fail(`column ${q(name)}: tensor shape of ${size.count} elements does not match the list size ${listSize}`);
    rowShape = shape as number[];
  }
  return { name, dtype, listSize, rowShape, rows: 0, consumer: undefined, shape: [0, ...rowShape] };
}

/** The columns of a schema; its metadata and each field's go to the sink (provenance). */
function schemaColumns(schema: Table, src: ByteSource, sink: TensorSink): Column[] {
  const meta = keyValues(schema, 2);
  if (Object.keys(meta).length > 0) sink.metadata(meta);
  if ((schema.vector(1, 4)?.length ?? 0) > MAX_COLUMNS) throw src.fail(`an Arrow schema of more than ${MAX_COLUMNS} columns`);
  const fields = schema.tables(1);
  const columns = fields.map((f) => columnOf(f, src));
  columns.forEach((c, i) => {
    const fieldMeta = keyValues(fields[i]!, 6);
    if (Object.keys(fieldMeta).length > 0) sink.metadata(fieldMeta);
    if (sink.wants(c.name)) c.consumer = sink.tensor({ name: c.name, dtype: c.dtype, shape: c.shape });
  });
  return columns;
}

/** Read an Arrow IPC file or stream. */
export async function readArrow(src: ByteSource, sink: TensorSink, format: 'arrow-file' | 'arrow-stream'): Promise<void> {
  let end: number | undefined;
  let footerSchema: Table | undefined;
  try {
    if (format === 'arrow-file') {
      await src.skip(8, 'Arrow file magic');
      if (src.readAt !== undefined && src.size !== undefined) {
        // A file's footer holds the schema too, and some writers (apache-arrow JS) put it only there.
        if (src.size < 18) throw src.fail('truncated: an Arrow file shorter than its magic and footer');
        const tail = await src.readAt(src.size - 10, 10);
        if (tail.subarray(4).toString('latin1') !== 'ARROW1') throw src.fail('Arrow file does not end with its magic (truncated?)');
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
    if (footerSchema !== undefined) columns = schemaColumns(footerSchema, src, sink);
    for (;;) {
      if (end !== undefined && src.position >= end) break;
      if (await src.atEnd()) {
        if (format === 'arrow-stream' && columns !== undefined) break; // EOS is optional at the end of a stream
        throw src.fail('truncated: the Arrow stream ends before its schema');
      }
      const marker = (await src.exact(4, 'Arrow message marker')).readUInt32LE(0);
      if (marker !== 0xffffffff) {
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
        columns ??= schemaColumns(header, src, sink);
        await src.skip(bodyLength, 'Arrow schema body');
      } else if (headerType === 3) {
        if (columns === undefined) {
          throw src.fail(format === 'arrow-file'
            ? 'an Arrow file whose schema is only in its footer, which a pipe reaches last; inspect the file, or pipe the Arrow stream format'
            : 'an Arrow record batch before the schema');
        }
        await readBatch(src, header, bodyLength, columns);
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
    c.shape[0] = c.rows;
    c.consumer?.end();
  }
}

interface Region {
  readonly offset: number;
  readonly length: number;
  readonly column: Column;
}

async function readBatch(src: ByteSource, batch: Table, bodyLength: number, columns: Column[]): Promise<void> {
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
    const bytes = count * ELEMENT_BYTES[c.dtype];
    if (!Number.isSafeInteger(bytes) || bytes > values.length) throw src.fail(`column ${q(c.name)}: ${count} values need ${bytes} bytes, its buffer has ${values.length}`);
    c.rows += top.length;
    regions.push({ offset: values.offset, length: bytes, column: c });
  }
  regions.sort((a, b) => a.offset - b.offset);
  let at = 0;
  const start = src.position;
  for (const r of regions) {
    if (r.offset < at) throw src.fail(`column ${q(r.column.name)}: its buffer overlaps another`);
    await src.skip(r.offset - at, 'Arrow body padding');
    const consumer = r.column.consumer;
    if (consumer === undefined) await src.skip(r.length, 'Arrow column');
    else await src.stream(r.length, `column ${q(r.column.name)}`, (b) => consumer.push(b));
    at = r.offset + r.length;
  }
  await src.skip(start + bodyLength - src.position, 'Arrow body');
}
