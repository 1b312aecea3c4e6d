/* safetensors' dtype names, shared by the header codec (writing) and the header scanner (reading). */
import { STORED_ONLY, type Dtype } from '../../dtype/table.js';

/** safetensors' dtype names (its Rust `Dtype` enum as serialized). */
export const SAFETENSORS_DTYPES: Readonly<Record<Dtype, string>> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
};

// Null-prototype tables: a hostile header's "constructor" or "__proto__" dtype must not find anything.
/** safetensors dtype name → the element type inspect summarises. */
export const SAFETENSORS_READ_DTYPES: Readonly<Record<string, Dtype>> = Object.assign(
  Object.create(null) as Record<string, Dtype>,
  Object.fromEntries(Object.entries(SAFETENSORS_DTYPES).map(([k, v]) => [v, k])),
);

/** safetensors dtype name → width of the types readers only step over. */
export const STORED_ONLY_WIDTH: Readonly<Record<string, number>> = Object.assign(Object.create(null) as Record<string, number>, {
  I8: STORED_ONLY.int8, F8_E5M2: STORED_ONLY.float8_e5m2, F8_E4M3: STORED_ONLY.float8_e4m3,
  I16: STORED_ONLY.int16, U16: STORED_ONLY.uint16, U32: STORED_ONLY.uint32, U64: STORED_ONLY.uint64,
});
