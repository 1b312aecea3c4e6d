/*
 * torch's CPU generator after torch.manual_seed(seed) (CPUGeneratorImpl + ATen's CPU distribution
 * kernels, AVX2/AVX-512 build), drawing float32: uniform_ (fma(x, to - from, from), the `== to`
 * fix), normal_ (normal_fill's 16-element Box-Muller blocks for contiguous tensors of >= 16
 * elements; otherwise normal_distribution<double> with its cached second value), streamed.
 */
import { logf, sincosf } from './avx-math.js';
import { fma32 } from './fma32.js';
import { Mt19937 } from './mt19937.js';
import type { TensorDrawer } from '../types.js';

const f = Math.fround;
const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;
const TWO_PI_F = f(2 * Math.PI);

export class TorchGenerator {
  private readonly mt: Mt19937;
  /** normal_distribution<double>'s cached r * sin(theta) (next_double_normal_sample). */
  private cachedNormal: number | undefined;

  constructor(seed: number) {
    this.mt = new Mt19937(seed);
  }

  /** uniform_real_distribution<float>(0, 1): 24 random bits. */
  private uniform24(): number {
    return (this.mt.next() & 0xffffff) * TWO_POW_M24;
  }

  /** uniform_real_distribution<double>(0, 1): the low 53 bits of random64() = (first << 32) | second. */
  private uniform53(): number {
    const first = this.mt.next() & 0x1fffff;
    return (first * 4294967296 + this.mt.next()) * TWO_POW_M53;
  }

  /** tensor.uniform_(from, to) on a float32 tensor. */
  uniform(from: number, to: number): TensorDrawer {
    const lo = f(from);
    const hi = f(to);
    const range = f(hi - lo);
    return {
      fill: (out, start, end) => {
        for (let i = start; i < end; i++) {
          const v = fma32(this.uniform24(), range, lo);
          out[i] = v === hi ? lo : v;
        }
      },
    };
  }

  /** One normal_distribution<double> draw (the small-tensor path), as float32. */
  private smallNormal(mean: number, std: number): number {
    let z = this.cachedNormal;
    if (z !== undefined) {
      this.cachedNormal = undefined;
    } else {
      const u1 = this.uniform53();
      const u2 = this.uniform53();
      const r = Math.sqrt(-2.0 * Math.log1p(-u2));
      const theta = 2.0 * Math.PI * u1;
      this.cachedNormal = r * Math.sin(theta);
      z = r * Math.cos(theta);
    }
    return f(z * std + mean);
  }

  /** tensor.normal_(mean, std) on a contiguous float32 tensor of `size` elements. */
  normal(size: number, mean: number, std: number): TensorDrawer {
    if (size < 16) {
      return { fill: (out, start, end) => { for (let i = start; i < end; i++) out[i] = this.smallNormal(mean, std); } };
    }
    return new NormalFill(size, f(mean), f(std), () => this.uniform24());
  }
}

/**
 * normal_fill streamed: all `size` uniforms in order, each full block of 16 transformed in place,
 * then (when size % 16 != 0) 16 fresh uniforms transformed into the last 16 slots. Elements before
 * size - 16 come from the full blocks; the last 16 from the extra block, so 32 values of state.
 */
class NormalFill implements TensorDrawer {
  private readonly block = new Float64Array(16);
  private readonly sc = new Float64Array(2);
  private next = 0; // next element to hand out
  private blockStart = -16; // element index of block[0]
  private readonly tailStart: number;

  constructor(private readonly size: number, private readonly mean: number, private readonly std: number, private readonly u: () => number) {
    this.tailStart = size % 16 === 0 ? size : size - 16;
  }

  private transform(): void {
    const b = this.block;
    for (let j = 0; j < 8; j++) {
      const u1 = f(1 - b[j]!);
      const radius = f(Math.sqrt(f(-2 * logf(u1))));
      sincosf(f(TWO_PI_F * b[j + 8]!), this.sc);
      b[j] = fma32(f(radius * this.sc[1]!), this.std, this.mean);
      b[j + 8] = fma32(f(radius * this.sc[0]!), this.std, this.mean);
    }
  }

  /** The next full block: its 16 uniforms, transformed. */
  private fullBlock(): void {
    this.blockStart += 16;
    for (let j = 0; j < 16; j++) this.block[j] = this.u();
    this.transform();
  }

  /**
   * The extra block: first the uniforms of the elements not drawn yet (the rest of the full blocks
   * and the size % 16 leftovers, all overwritten), then 16 fresh ones for the last 16 elements.
   */
  private extraBlock(): void {
    for (let k = this.blockStart + 16; k < this.size; k++) this.u();
    this.blockStart = this.tailStart;
    for (let j = 0; j < 16; j++) this.block[j] = this.u();
    this.transform();
  }

  fill(out: Float64Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (this.next === this.tailStart && this.blockStart !== this.tailStart) this.extraBlock();
      else if (this.next >= this.blockStart + 16) this.fullBlock();
      out[i] = this.block[this.next - this.blockStart]!;
      this.next++;
    }
  }
}
