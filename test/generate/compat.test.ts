/*
 * CompatSource: a compat spec's bytes for the writers, `--check` and `verify`, tensor by tensor in any
 * order, equal to the library's compatValues rounded once to each dtype.
 */
import { describe, expect, it } from 'vitest';
import { compatValues } from '../../src/compat/stream.js';
import { CompatSource, encodeCompatValues } from '../../src/generate/compat.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorSpec } from '../../src/weights-spec/types.js';
import { bitsOf } from '../compat/cases.js';

/** torch: one generator through every tensor, so a tensor's bytes depend on all draws before it. */
const torchSpec = resolveSpec({
  seed: 7,
  layout: 'torch',
  compat: 'torch',
  tensors: [
    { name: 'a', shape: [70_001], initializer: 'normal' },
    { name: 'empty', shape: [0, 3], initializer: 'normal' },
    { name: 'b', shape: [5, 3], initializer: 'kaiming_uniform' },
    { name: 'c', shape: [4], initializer: 'zeros' },
    { name: 'd', shape: [33], initializer: { type: 'uniform', minval: -1, maxval: 1 } },
  ],
});

const all = (source: CompatSource, t: TensorSpec): Buffer => Buffer.concat([...source.chunks(t)]);

function expected(spec: typeof torchSpec): Buffer[] {
  return compatValues(spec.compat!, spec.tensors).map((v, i) => Buffer.from(bitsOf(v, spec.tensors[i]!.dtype)));
}

describe('CompatSource', () => {
  it('gives each tensor the bytes of compatValues rounded once to its dtype, in spec order', () => {
    const source = new CompatSource('torch', torchSpec.tensors);
    const want = expected(torchSpec);
    torchSpec.tensors.forEach((t, i) => expect(all(source, t).equals(want[i]!), t.name).toBe(true));
    expect(want[0]!.length).toBe(70_001 * 4);
  });

  it('gives the same bytes when tensors are asked for out of order, twice, or after one was left half read', () => {
    const source = new CompatSource('torch', torchSpec.tensors);
    const want = expected(torchSpec);
    const [a, , b, , d] = torchSpec.tensors;
    expect(all(source, d!).equals(want[4]!)).toBe(true);
    expect(all(source, b!).equals(want[2]!)).toBe(true);
    const partial = source.chunks(a!);
    partial.next(); // one chunk of a, then abandoned (verify stops at a difference)
    expect(all(source, a!).equals(want[0]!)).toBe(true);
    expect(all(source, a!).equals(want[0]!)).toBe(true);
    expect(all(source, d!).equals(want[4]!)).toBe(true);
  });

  it('zeroes the zero rows after the draw (the draws for them still happen)', () => {
    const spec = resolveSpec({ seed: 3, compat: 'torch', layout: 'torch', tensors: [
      { name: 'emb', shape: [4, 3], initializer: 'normal', zero_rows: [1] },
      { name: 'after', shape: [5], initializer: 'normal' },
    ] });
    const plain = resolveSpec({ seed: 3, compat: 'torch', layout: 'torch', tensors: [
      { name: 'emb', shape: [4, 3], initializer: 'normal' },
      { name: 'after', shape: [5], initializer: 'normal' },
    ] });
    const source = new CompatSource('torch', spec.tensors);
    const want = expected(plain);
    const emb = all(source, spec.tensors[0]!);
    expect(emb.subarray(12, 24).equals(Buffer.alloc(12))).toBe(true);
    expect(Buffer.concat([emb.subarray(0, 12), emb.subarray(24)]).equals(Buffer.concat([want[0]!.subarray(0, 12), want[0]!.subarray(24)]))).toBe(true);
    expect(all(source, spec.tensors[1]!).equals(want[1]!)).toBe(true);
  });

  it('rounds once to float16 and bfloat16, as the exact rounding does (1 + 2^-11 + 2^-40 rounds up)', () => {
    const x = new Float64Array([1 + 2 ** -11 + 2 ** -40, -0, 65520, 1e-8]);
    const h = new Uint8Array(8);
    encodeCompatValues(x, 'float16', h);
    expect(Buffer.from(h).equals(Buffer.from(bitsOf(x, 'float16')))).toBe(true);
    expect([...new Uint16Array(h.buffer)]).toEqual([0x3c01, 0x8000, 0x7c00, 0x0000]);
    const f = new Uint8Array(16);
    encodeCompatValues(x, 'float32', f);
    expect([...new Float32Array(f.buffer)]).toEqual([...Float32Array.from(x)]);
  });
});
