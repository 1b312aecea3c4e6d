/*
 * An Arrow schema's fields as tensor columns: which element type a column holds, and its row shape.
 * A column is a plain column of values (1-d), a fixed-size list of them (rows, k), or (rows, ...shape)
 * under the canonical arrow.fixed_shape_tensor extension. Values are FloatingPoint (half, single,
 * double), Int (64- and 32-bit signed, 8-bit unsigned) or Bool (bit-packed: see bits.ts).
 */
import type { ElementType } from '../../dtype/table.js';
import type { ByteSource } from '../../io/source.js';
import type { TensorConsumer } from '../types.js';
import { checkedSize, q, utf8 } from '../reader.js';
import type { Table } from './flatbuffer.js';

const TYPE_NAMES = ['NONE', 'Null', 'Int', 'FloatingPoint', 'Binary', 'Utf8', 'Bool', 'Decimal', 'Date', 'Time', 'Timestamp', 'Interval', 'List', 'Struct', 'Union', 'FixedSizeBinary', 'FixedSizeList', 'Map', 'Duration', 'LargeBinary', 'LargeUtf8', 'LargeList', 'RunEndEncoded', 'BinaryView', 'Utf8View', 'ListView', 'LargeListView'];
const INT = 2;
const FLOATING_POINT = 3;
const BOOL = 6;
const FIXED_SIZE_LIST = 16;
const PRECISION: ElementType[] = ['float16', 'float32', 'float64'];
/** Int (bitWidth, is_signed) → element type: the integer types gen writes. */
const INTS: Readonly<Record<string, ElementType>> = { '64,true': 'int64', '32,true': 'int32', '8,false': 'uint8' };

export interface Column {
  readonly name: string;
  readonly dtype: ElementType;
  /** Elements per row (1 for a plain column). */
  readonly listSize: number;
  /** Shape of one row: [] for a plain column, else the extension's shape or [listSize]. */
  readonly rowShape: readonly number[];
  rows: number;
  /** Whether the sink wants this column. */
  wanted: boolean;
  consumer: TensorConsumer | undefined;
  /**
   * The header handed to the sink; its shape[0] is set to the row count at the end (see
   * settleShape). [] for a column the schema records as a scalar.
   */
  shape: number[];
  /** Second pass (files): absolute offset, byte length and value count of each value buffer, in order. */
  segments: number[];
}

export function keyValues(t: Table, i: number): Record<string, string> {
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

/** The element type of a field (or list child) whose type union is `id`, or undefined. */
function elementOf(f: Table, id: number): ElementType | undefined {
  if (id === FLOATING_POINT) return PRECISION[f.table(3)?.int16(0) ?? 0];
  if (id === BOOL) return 'bool';
  if (id !== INT) return undefined;
  const t = f.table(3);
  return INTS[`${t?.int32(0) ?? 0},${(t?.uint8(1) ?? 0) !== 0}`];
}

/** A schema field as a tensor column, or a one-line reason it is not one. */
export function columnOf(field: Table, src: ByteSource): Column {
  const nameBytes = field.stringBytes(0) ?? Buffer.alloc(0);
  const name = utf8(nameBytes);
  if (name === undefined) throw src.fail('an Arrow field name is not valid UTF-8');
  const typeId = field.uint8(2);
  const meta = keyValues(field, 6);
  const wrong = (t: string): Error => src.fail(`column ${q(name)}: type ${t} is not a column (or fixed-size list) of floats, int64, int32, uint8 or bool`);
  if (typeId !== FIXED_SIZE_LIST) {
    const dtype = elementOf(field, typeId);
    if (dtype === undefined) throw wrong(typeName(typeId));
    return { name, dtype, listSize: 1, rowShape: [], rows: 0, wanted: false, consumer: undefined, shape: [0], segments: [] };
  }
  const listSize = field.table(3)?.int32(0) ?? 0;
  const children = field.tables(5);
  const child = children[0];
  if (children.length !== 1 || child === undefined) throw src.fail(`column ${q(name)}: a fixed-size list without exactly one child`);
  const childType = child.uint8(2);
  const dtype = elementOf(child, childType);
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
  return { name, dtype, listSize, rowShape, rows: 0, wanted: false, consumer: undefined, shape: [0, ...rowShape], segments: [] };
}

/**
 * Mark the lone column of a schema whose metadata (written by gen: see layout.ts) records shape []
 * as a scalar. The layout writes a 0-d tensor as one row of a plain column, the same bytes as a 1-d
 * tensor of one value, so only this record tells () from (1,); another writer's recorded name that
 * differs from the column's is about some other tensor, and is ignored.
 */
export function markScalar(columns: readonly Column[], schemaMeta: Readonly<Record<string, string>>): void {
  const [c] = columns;
  if (c === undefined || columns.length !== 1 || c.listSize !== 1 || c.rowShape.length > 0) return;
  if (schemaMeta.name !== undefined && schemaMeta.name !== c.name) return;
  let recorded: unknown;
  try {
    recorded = JSON.parse(schemaMeta.shape ?? 'null');
  } catch {
    return;
  }
  if (Array.isArray(recorded) && recorded.length === 0) c.shape = [];
}

/**
 * The column's final shape, once its rows are counted: (rows, ...rowShape). A scalar keeps () when it
 * holds the one value a scalar has; with any other count the data wins, as (rows,).
 */
export function settleShape(c: Column): void {
  if (c.shape.length === 0 && c.rows === 1) return;
  c.shape[0] = c.rows;
}
