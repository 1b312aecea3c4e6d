/* The initializers that draw nothing (zeros, ones, constant, identity): the same in every mode. */
import { num } from '../init/params.js';
import type { CompatTensor, TensorDrawer } from './types.js';

export const CONSTANT_INITIALIZERS = ['zeros', 'ones', 'constant', 'identity'] as const;

export function isConstantInitializer(type: string): boolean {
  return (CONSTANT_INITIALIZERS as readonly string[]).includes(type);
}

/** A drawer for a constant initializer; it consumes no random numbers in any framework. */
export function constantDrawer(t: CompatTensor): TensorDrawer {
  const { type, params } = t.initializer;
  if (type === 'identity') {
    const cols = t.shape[1] ?? 1;
    const gain = num(params, 'gain');
    let k = 0;
    return {
      fill(out, start, end) {
        for (let i = start; i < end; i++, k++) out[i] = Math.floor(k / cols) === k % cols ? gain : 0;
      },
    };
  }
  const value = type === 'zeros' ? 0 : type === 'ones' ? 1 : num(params, 'value');
  return {
    fill(out, start, end) {
      out.fill(value, start, end);
    },
  };
}
