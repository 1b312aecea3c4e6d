/*
 * How a tensor maps onto an Arrow table, pure. A tensor of shape (R, d1, ..., dk) with k >= 1 is R
 * rows of one fixed-size-list column of d1*...*dk values, marked as the canonical extension type
 * `arrow.fixed_shape_tensor` with metadata {"shape": [d1, ..., dk]}, so that pyarrow's
 * to_numpy_ndarray() gives back (R, d1, ..., dk). A 1-d tensor is a plain column of R values; a 0-d
 * tensor is one row. The schema metadata holds the shape and the provenance either way.
 */
import { InitWeightsError } from '../../errors.js';
import type { Dtype } from '../../dtype/table.js';
import type { TensorSpec } from '../../weights-spec/types.js';
import { provenanceString } from '../directory/manifest.js';

export const FIXED_SHAPE_TENSOR = 'arrow.fixed_shape_tensor';
/** An Arrow IPC file starts (and ends) with these 6 bytes. */
export const ARROW_MAGIC = Buffer.from('ARROW1', 'latin1');
/** Each IPC message starts with this 32-bit marker (then its metadata length). */
export const ARROW_CONTINUATION = 0xffffffff;
const MAX_LIST_SIZE = 2 ** 31 - 1;

export interface ArrowLayout {
  /** Rows of the table. */
  readonly rows: number;
  /** Values per row: 1 for a plain column, else the product of the trailing dimensions. */
  readonly rowValues: number;
  /** Field metadata (extension type) for a fixed-size-list column, or undefined for a plain column. */
  readonly fieldMetadata: ReadonlyMap<string, string> | undefined;
}

export function arrowLayout(shape: readonly number[]): ArrowLayout {
  if (shape.length <= 1) return { rows: shape[0] ?? 1, rowValues: 1, fieldMetadata: undefined };
  const rest = shape.slice(1);
  const rowValues = rest.reduce((a, b) => a * b, 1);
  // Arrow's FixedSizeList stores its size as an int32.
  if (rowValues > MAX_LIST_SIZE) {
    throw new InitWeightsError('E_USAGE', `shape ${JSON.stringify(shape)}: an Arrow row holds at most ${MAX_LIST_SIZE} values, and a row here holds ${rowValues}; write it as npy, npz or safetensors`);
  }
  return {
    rows: shape[0]!,
    rowValues,
    fieldMetadata: new Map([
      ['ARROW:extension:name', FIXED_SHAPE_TENSOR],
      ['ARROW:extension:metadata', JSON.stringify({ shape: rest })],
    ]),
  };
}

/** Arrow has float16, float32 and float64 (no bfloat16), Int64, Int32, Uint8 and a bit-packed Bool. */
export const ARROW_DTYPES: readonly Dtype[] = ['float32', 'float64', 'float16', 'int64', 'int32', 'uint8', 'bool'];

/** Schema metadata: the tensor (name, shape, dtype, initializer) and the provenance, as strings. */
export function arrowSchemaMetadata(tensor: TensorSpec, prov: Readonly<Record<string, unknown>>): Map<string, string> {
  const m = new Map<string, string>([
    ['name', tensor.name],
    ['shape', JSON.stringify(tensor.shape)],
    ['dtype', tensor.dtype],
    ['initializer', JSON.stringify({ type: tensor.initializer.type, ...tensor.initializer.params })],
    ['tensorSeed', JSON.stringify(tensor.seed)],
  ]);
  for (const [k, v] of Object.entries(prov)) m.set(k, provenanceString(v));
  return m;
}
