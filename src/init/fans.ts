/**
 * Where a kernel keeps its input and output axes. 'keras' (also JAX/Flax): (..., in, out), the
 * receptive field is the product of shape[:-2]. 'torch': (out, in, *kernel), the receptive field is
 * the product of shape[2:].
 */
export type KernelLayout = 'keras' | 'torch';

export const KERNEL_LAYOUTS: readonly KernelLayout[] = ['keras', 'torch'];

export function isKernelLayout(value: unknown): value is KernelLayout {
  return value === 'keras' || value === 'torch';
}

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/**
 * fan_in and fan_out of a shape. Rank 0: both 1; rank 1: both n (Keras's compute_fans; torch
 * refuses tensors of rank < 2, JAX too); rank >= 2 by the layout (Keras's compute_fans, torch's
 * _calculate_fan_in_and_fan_out). Fans may be 0 when a dimension is; the scaling formulas use
 * max(1, fan).
 */
export function computeFans(shape: readonly number[], layout: KernelLayout): Fans {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (layout === 'keras') {
    const rf = product(shape.slice(0, -2));
    return { fanIn: shape[shape.length - 2]! * rf, fanOut: shape[shape.length - 1]! * rf };
  }
  const rf = product(shape.slice(2));
  return { fanIn: shape[1]! * rf, fanOut: shape[0]! * rf };
}
