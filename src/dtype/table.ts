/**
 * The one table of element types. `DTYPES` are the types gen writes and inspect summarises: floats,
 * and integers and bool for constant tensors (zeros, ones, constant: torch's int64 counters, masks).
 * `STORED_ONLY` are types readers recognise in other tools' files (8-bit floats, other integer
 * widths) only to step over them: gen never writes them and inspect reports them as skipped.
 */
export interface DtypeInfo {
  readonly name: Dtype;
  /** What the bytes hold: an IEEE-style float, a two's-complement or unsigned integer, or 0/1. */
  readonly kind: 'float' | 'int' | 'bool';
  /** Bytes per element (bool: one byte, 0 or 1, as numpy, safetensors and torch store it). */
  readonly bytes: number;
  /** numpy's type string; bfloat16 has none in numpy (see npy/header.ts). */
  readonly npy: string;
  /** Smallest value an initializer may write (floats: -max; ints: the exact lower bound). */
  readonly min: number;
  /**
   * Largest value an initializer may write: floats, the largest finite value; integers, the largest
   * one a JSON number (a float64) holds exactly (int64: 2^63 - 1024, as 2^63 - 1 is no float64).
   */
  readonly max: number;
}

export type Dtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | IntegerDtype;

/** The integer dtypes, bool included: they hold only exact, non-random values. */
export type IntegerDtype = 'int64' | 'int32' | 'uint8' | 'bool';

/** Element types inspect summarises: exactly the types gen writes. */
export type ElementType = Dtype;

const float = (name: Dtype, bytes: number, npy: string, max: number): DtypeInfo => ({ name, kind: 'float', bytes, npy, min: -max, max });

export const DTYPES: Readonly<Record<Dtype, DtypeInfo>> = {
  float32: float('float32', 4, '<f4', 3.4028234663852886e38),
  float64: float('float64', 8, '<f8', Number.MAX_VALUE),
  float16: float('float16', 2, '<f2', 65504),
  // numpy has no bfloat16; ml_dtypes saves it as two raw bytes, '<V2' (view as ml_dtypes.bfloat16).
  bfloat16: float('bfloat16', 2, '<V2', 3.3895313892515355e38),
  int64: { name: 'int64', kind: 'int', bytes: 8, npy: '<i8', min: -(2 ** 63), max: 2 ** 63 - 1024 },
  int32: { name: 'int32', kind: 'int', bytes: 4, npy: '<i4', min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint8: { name: 'uint8', kind: 'int', bytes: 1, npy: '|u1', min: 0, max: 255 },
  bool: { name: 'bool', kind: 'bool', bytes: 1, npy: '|b1', min: 0, max: 1 },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as Dtype[];

/** Element types read only to be skipped, with their width in bytes. */
export type StoredOnlyType = 'int8' | 'float8_e5m2' | 'float8_e4m3' | 'int16' | 'uint16' | 'uint32' | 'uint64';

export const STORED_ONLY: Readonly<Record<StoredOnlyType, number>> = {
  int8: 1, float8_e5m2: 1, float8_e4m3: 1, int16: 2, uint16: 2, uint32: 4, uint64: 8,
};

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}

/** Whether a dtype holds integers (bool included): only exact, non-random values go in it. */
export function isIntegerDtype(dtype: Dtype): dtype is IntegerDtype {
  return DTYPES[dtype].kind !== 'float';
}
