/*
 * torch 2.13's trunc_normal_ (torch/nn/init.py, _no_grad_trunc_normal_) when the kept mass p is
 * above 0.3: normal_(mean, std) on the whole tensor, then, while any value is outside [a, b] (bounds
 * rounded to float32, inclusive), a fresh full-size normal_(mean, std) whose values replace the bad
 * ones (torch.where). The redraw needs to know which positions are bad, so the tensor is held in
 * memory: 4 bytes per element (the redraws themselves stream).
 */
import { standardNormalCdf } from '../../stats/normal.js';
import type { TensorDrawer } from '../types.js';
import type { TorchGenerator } from './generator.js';

const CHUNK = 65_536;

/**
 * torch's p = Φ((b - mean) / std) - Φ((a - mean) / std): above 0.3 it takes the normal_ path this
 * file reproduces; below it draws uniform proposals and compares float32 logs (not reproduced).
 * Near 0.3 our Φ and Python's math.erf could disagree, so a margin is kept.
 */
export function truncatedMass(mean: number, std: number, a: number, b: number): number {
  return standardNormalCdf((b - mean) / std) - standardNormalCdf((a - mean) / std);
}

export const MIN_TRUNC_MASS = 0.3 + 1e-9;

export function truncNormalDrawer(g: TorchGenerator, size: number, mean: number, std: number, a: number, b: number): TensorDrawer {
  const lo = Math.fround(a);
  const hi = Math.fround(b);
  let values: Float32Array | undefined;
  let next = 0;
  const draw = (): Float32Array => {
    const out = new Float32Array(size);
    const buf = new Float64Array(Math.min(CHUNK, size));
    const first = g.normal(size, mean, std);
    for (let s = 0; s < size; s += buf.length) {
      const n = Math.min(buf.length, size - s);
      first.fill(buf, 0, n);
      out.set(buf.subarray(0, n), s);
    }
    for (;;) {
      let bad = 0;
      for (let i = 0; i < size; i++) if (out[i]! < lo || out[i]! > hi) bad++;
      if (bad === 0) return out;
      const again = g.normal(size, mean, std);
      for (let s = 0; s < size; s += buf.length) {
        const n = Math.min(buf.length, size - s);
        again.fill(buf, 0, n);
        for (let k = 0; k < n; k++) {
          const v = out[s + k]!;
          if (v < lo || v > hi) out[s + k] = buf[k]!;
        }
      }
    }
  };
  return {
    fill(out, start, end) {
      values ??= draw();
      for (let i = start; i < end; i++) out[i] = values[next++]!;
    },
  };
}
