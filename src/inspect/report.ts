import { float64ToBfloat16Bits, float64ToFloat16Bits, bfloat16BitsToNumber, float16BitsToNumber } from '../dtype/round.js';
import { ksPValue } from '../stats/ks.js';
import { normalCdf } from '../stats/normal.js';
import { bucketEdges, bucketFloor, bucketMid, SKETCH_RELATIVE_ERROR, type FloatSketch } from '../stats/sketch.js';
import { binnedKs, sketchHistogram } from '../stats/sketch-fit.js';
import type { TensorSummary } from './accumulate.js';
import { halfInterval } from './half.js';
import { modelOf } from './models.js';
import type { DeclaredInitializer, Provenance } from './provenance.js';
import { DTYPES, isIntegerDtype, type ElementType } from '../dtype/table.js';
import type { InputFormat } from '../formats/types.js';

/** Version of the JSON report's schema (docs/inspect.md); bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;
/** The quantiles reported, as probabilities. */
export const QUANTILES = [0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999] as const;
/** Default histogram bins. */
export const DEFAULT_BINS = 20;
/** Half-width of the default histogram range, in standard deviations (clipped to [min, max]). */
export const HISTOGRAM_SIGMAS = 4;
/** A fit "matches" when the KS p-value is at least this (a 0.1% false alarm rate per tensor). */
export const FIT_ALPHA = 1e-3;

/** The whole report (the CLI's JSON report prints exactly this). */
export interface InspectReport {
  readonly schemaVersion: number;
  readonly input: string;
  readonly format: InputFormat;
  readonly provenance: { readonly tool: string; readonly toolVersion: string | null; readonly streamVersion: number | null; readonly seed: unknown } | null;
  readonly tensors: TensorReport[];
  readonly skipped: { readonly name: string; readonly dtype: string; readonly shape: readonly number[]; readonly reason: string }[];
}

/** A KS distance with its p-value and the resolution of the binned computation. */
export interface FitResult {
  readonly d: number;
  readonly pValue: number;
  /** D of the unbinned data is in [d, d + resolution]. */
  readonly resolution: number;
}

export interface TensorReport {
  readonly name: string;
  readonly dtype: ElementType;
  readonly shape: readonly number[];
  readonly count: number;
  readonly bytes: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Statistics below are over the finite values; null when there are none (or too few). */
  readonly finite: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly std: number | null;
  readonly skewness: number | null;
  readonly excessKurtosis: number | null;
  readonly quantiles: { readonly p: number; readonly value: number | null }[];
  /** Each quantile is within this relative distance of the exact sample quantile (0: exact). */
  readonly quantileRelativeError: number;
  readonly histogram: { readonly lo: number; readonly hi: number; readonly counts: number[]; readonly underflow: number; readonly overflow: number } | null;
  readonly fit: {
    /** KS against a normal with the tensor's own mean and std. */
    readonly normal: (FitResult & { readonly mean: number; readonly std: number }) | null;
    /** Against the initializer the file's provenance declares for this tensor. */
    readonly declared: {
      readonly initializer: DeclaredInitializer;
      readonly description: string;
      /** null: inspect has no check for this initializer. */
      readonly matches: boolean | null;
      readonly d: number | null;
      readonly pValue: number | null;
      readonly resolution: number | null;
    } | null;
  };
}

/** How a bucket of the sketch maps back to values, for one dtype. */
interface BucketView {
  rep(key: number): number;
  interval(key: number): readonly [number, number];
}

function bucketView(dtype: ElementType): BucketView {
  // Integers: the edge nearest zero is exact for |v| < 2^14 (every uint8 and bool value).
  if (isIntegerDtype(dtype)) return { rep: bucketFloor, interval: bucketEdges };
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const interval = halfInterval(dtype);
    return { rep: bucketFloor, interval: (k) => interval(bucketFloor(k)) };
  }
  return { rep: bucketMid, interval: bucketEdges };
}

/** The value an initializer's constant takes once rounded to the dtype. */
function roundTo(dtype: ElementType, v: number): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'float16') return float16BitsToNumber(float64ToFloat16Bits(v));
  if (dtype === 'bfloat16') return bfloat16BitsToNumber(float64ToBfloat16Bits(v));
  return v;
}

/**
 * How far a reported quantile may be from the exact one, relative: 0 where every value has its own
 * bucket (16-bit floats, uint8, bool); the bucket width for float32; for float64 and the wide
 * integers, plus the rounding of the value to its float32 key (2^-24). Integer buckets are
 * reported by their edge nearest zero, a whole bucket (2^-13) from the far edge.
 */
function quantileError(dtype: ElementType): number {
  if (dtype === 'float16' || dtype === 'bfloat16' || dtype === 'uint8' || dtype === 'bool') return 0;
  if (dtype === 'int64' || dtype === 'int32') return 2 * SKETCH_RELATIVE_ERROR + 2 ** -24;
  return dtype === 'float64' ? SKETCH_RELATIVE_ERROR + 2 ** -24 : SKETCH_RELATIVE_ERROR;
}

/** "normal(mean=0, stddev=0.05)", "zeros". */
export function describeInitializer(init: DeclaredInitializer): string {
  const ps = Object.entries(init.params).map(([k, v]) => `${k}=${v}`);
  return ps.length === 0 ? init.type : `${init.type}(${ps.join(', ')})`;
}

function ks(sketch: FloatSketch, view: BucketView, cdf: (x: number) => number): FitResult {
  const r = binnedKs(sketch, view.interval, cdf);
  return { d: r.d, pValue: ksPValue(r.d, sketch.total), resolution: r.resolution };
}

function declaredFit(init: DeclaredInitializer, dtype: ElementType, s: TensorSummary, view: BucketView): NonNullable<TensorReport['fit']['declared']> {
  const description = describeInitializer(init);
  const none = { initializer: init, description, matches: null, d: null, pValue: null, resolution: null };
  const model = modelOf(init);
  if (model === undefined) return none;
  const finite = s.moments.count;
  const nonFinite = s.nan + s.posInf + s.negInf;
  if (model.kind === 'constant') {
    const v = roundTo(dtype, model.value);
    const all = nonFinite === 0 && (finite === 0 || (s.moments.min === v && s.moments.max === v));
    return { ...none, matches: all, d: all ? 0 : null };
  }
  if (finite === 0 || nonFinite > 0) return { ...none, matches: finite === 0 ? null : false };
  const r = ks(s.sketch, view, model.cdf);
  return { ...none, matches: r.pValue >= FIT_ALPHA, ...r };
}

const nullable = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** One tensor's report from its streamed summary (pure). */
export function tensorReport(
  header: { name: string; dtype: ElementType; shape: readonly number[] },
  s: TensorSummary,
  bins: number,
  declared: DeclaredInitializer | undefined,
): TensorReport {
  const m = s.moments;
  const view = bucketView(header.dtype);
  const n = m.count;
  const min = m.min;
  const max = m.max;
  const std = m.std;
  const mean = m.mean;
  let histogram: TensorReport['histogram'] = null;
  if (n > 0) {
    // Moments of values near the float64 limit can overflow: then the range is [min, max].
    const spread = Number.isFinite(mean) && Number.isFinite(std);
    let lo = spread ? Math.max(min, mean - HISTOGRAM_SIGMAS * std) : min;
    let hi = spread ? Math.min(max, mean + HISTOGRAM_SIGMAS * std) : max;
    if (!(hi > lo)) {
      lo = min - 0.5;
      hi = max + 0.5;
    }
    // A bucket's representative can lie just past the data's exact min or max: clamp it.
    histogram = sketchHistogram(s.sketch, (k) => Math.min(max, Math.max(min, view.rep(k))), lo, hi, bins);
  }
  const integer = isIntegerDtype(header.dtype);
  return {
    name: header.name,
    dtype: header.dtype,
    shape: [...header.shape],
    count: s.count,
    bytes: s.count * DTYPES[header.dtype].bytes,
    nan: s.nan,
    posInf: s.posInf,
    negInf: s.negInf,
    finite: n,
    min: nullable(min),
    max: nullable(max),
    mean: nullable(mean),
    std: nullable(std),
    skewness: nullable(m.skewness),
    excessKurtosis: nullable(m.excessKurtosis),
    quantiles: QUANTILES.map((p) => ({ p, value: nullable(s.sketch.quantile(p, view.rep, min, max)) })),
    quantileRelativeError: quantileError(header.dtype),
    histogram,
    fit: {
      // Integers are counts, flags or constants: a normal law would describe nothing.
      normal: !integer && n > 1 && std > 0 && Number.isFinite(std) && Number.isFinite(mean) ? { mean, std, ...ks(s.sketch, view, (x) => normalCdf(x, mean, std)) } : null,
      declared: declared === undefined ? null : declaredFit(declared, header.dtype, s, view),
    },
  };
}

/** The report's provenance block. */
export function provenanceBlock(p: Provenance | undefined): InspectReport['provenance'] {
  if (p === undefined) return null;
  return { tool: p.tool, toolVersion: p.toolVersion ?? null, streamVersion: p.streamVersion ?? null, seed: p.seed ?? null };
}
