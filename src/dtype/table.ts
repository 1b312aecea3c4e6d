/** Output element types. `npy` is the .npy descr; bfloat16 has none in numpy (see npy/header.ts). */
export interface DtypeInfo {
  readonly name: Dtype;
  /** Bytes per element. */
  readonly bytes: number;
  /** numpy's little-endian type string. */
  readonly npy: string;
  /** Largest finite value. */
  readonly max: number;
}

export type Dtype = 'float32' | 'float64' | 'float16' | 'bfloat16';

export const DTYPES: Readonly<Record<Dtype, DtypeInfo>> = {
  float32: { name: 'float32', bytes: 4, npy: '<f4', max: 3.4028234663852886e38 },
  float64: { name: 'float64', bytes: 8, npy: '<f8', max: Number.MAX_VALUE },
  float16: { name: 'float16', bytes: 2, npy: '<f2', max: 65504 },
  // numpy has no bfloat16; ml_dtypes saves it as two raw bytes, '<V2' (view as ml_dtypes.bfloat16).
  bfloat16: { name: 'bfloat16', bytes: 2, npy: '<V2', max: 3.3895313892515355e38 },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as Dtype[];

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}
