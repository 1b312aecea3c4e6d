/*
 * The seam between compat modes and the generator: check a spec's tensors against a mode, then draw
 * them in order, chunk by chunk, with memory bounded by the chunk size. Compat streams are sequential
 * (each framework's generator is), so they run on one thread.
 */
import { specError, type InitWeightsError } from '../errors.js';
import { kerasMode } from './keras/mode.js';
import { numpyMode } from './numpy/mode.js';
import { sizeOf } from './support.js';
import { tfjsMode } from './tfjs/mode.js';
import { torchMode } from './torch/mode.js';
import type { CompatMode, CompatModeName, CompatTensor } from './types.js';

const MODES: Readonly<Record<CompatModeName, CompatMode>> = { keras: kerasMode, numpy: numpyMode, tfjs: tfjsMode, torch: torchMode };

export { COMPAT_MODE_NAMES } from './names.js';

export function isCompatMode(value: unknown): value is CompatModeName {
  return typeof value === 'string' && Object.hasOwn(MODES, value);
}

export function compatMode(name: CompatModeName): CompatMode {
  return MODES[name];
}

/** The first tensor the mode cannot draw, as a spec error (`tensors[i].field`, the rule, the value), or undefined. */
export function compatError(mode: CompatModeName, tensors: readonly CompatTensor[]): InitWeightsError | undefined {
  const m = MODES[mode];
  for (let i = 0; i < tensors.length; i++) {
    const p = m.problem(tensors, i);
    if (p !== undefined) return specError(`tensors[${i}].${p.field}`, p.rule, p.value);
  }
  return undefined;
}

/** One chunk of a tensor's values (float64; round once to the tensor's dtype). */
export interface CompatChunk {
  readonly tensor: number;
  /** Offset of values[0] in the tensor, in C order. */
  readonly start: number;
  readonly values: Float64Array;
}

/**
 * Every tensor's values, in tensor order and C order, in chunks of at most `chunkSize` values. The
 * Float64Array is reused between chunks: copy or consume it before pulling the next. Throws the spec
 * error of compatError first.
 */
export function* compatChunks(mode: CompatModeName, tensors: readonly CompatTensor[], chunkSize = 65_536): Generator<CompatChunk> {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new Error(`internal: chunk size must be a positive integer, got ${chunkSize}`);
  const error = compatError(mode, tensors);
  if (error !== undefined) throw error;
  const drawerOf = MODES[mode].open(tensors);
  const buffer = new Float64Array(chunkSize);
  for (let i = 0; i < tensors.length; i++) {
    const size = sizeOf(tensors[i]!.shape);
    const drawer = drawerOf(i);
    for (let start = 0; start < size; start += chunkSize) {
      const n = Math.min(chunkSize, size - start);
      drawer.fill(buffer, 0, n);
      yield { tensor: i, start, values: n === chunkSize ? buffer : buffer.subarray(0, n) };
    }
  }
}

/** All values of every tensor as float64 arrays (tests and small specs). */
export function compatValues(mode: CompatModeName, tensors: readonly CompatTensor[]): Float64Array[] {
  const out = tensors.map((t) => new Float64Array(sizeOf(t.shape)));
  for (const c of compatChunks(mode, tensors)) out[c.tensor]!.set(c.values, c.start);
  return out;
}
