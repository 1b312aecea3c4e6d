/*
 * The statistical proof of the normal sampler, on 10^7 draws made the way `gen` makes them: a
 * float64 tensor with initializer normal(0, 1), generated block by block with `fillBlock`.
 *
 * Every tolerance is derived from n, never tuned to a run: moments within 6 standard errors of
 * their values under N(0, 1); every p-value (exact binomial tails, chi-square, KS) above 1e-6. The
 * seeds are fixed, so the outcome is deterministic; with ~30 checks at 1e-6 a correct sampler would
 * fail one for some seed with probability ~3e-5.
 *
 * Moments alone have missed real ziggurat bugs (an error confined to a few layers or to the tail
 * barely moves them), hence the fine-binned chi-squares over the whole line and over |x| > 3, the
 * exact tail counts, and the checks that the sampler's fast path, wedges and tail are taken as often
 * as the ziggurat's geometry says.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { Tychei } from '../../src/rng/tychei.js';
import { fillNormal, ZIGGURAT_R, zigguratTables } from '../../src/rng/ziggurat.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorSpec } from '../../src/weights-spec/types.js';
import { binomialAcceptance, binomialTest } from '../helpers/stats/binomial.js';
import { chiSquareTest } from '../helpers/stats/chisquare.js';
import { Correlation } from '../helpers/stats/correlation.js';
import { ksTest } from '../helpers/stats/ks.js';
import { Moments } from '../../src/stats/moments.js';
import { normalCdf, standardNormalCdf, standardNormalSf } from '../../src/stats/normal.js';
import { fillBlock, tensorValues } from '../../src/io/chunks.js';

/** Draws in the main sample. */
const N = 10_000_000;
/** Significance level of every test: a p-value at or below it fails. */
const ALPHA = 1e-6;
/** Moments must lie within this many standard errors. */
const SE_LIMIT = 6;
const SEED = 20240611;
/** Equiprobable bins over the whole line: N/2000 = 5000 expected in each. */
const FINE_BINS = 2000;
/** Where the tail chi-square starts, in standard deviations. */
const TAIL_FROM = 3;
/** Bins of equal expected count on each side beyond ±TAIL_FROM: about 135 expected in each. */
const TAIL_BINS_PER_SIDE = 100;
const TAIL_LEVELS = [3, 4, 5] as const;

function normalTensor(name: string, size: number, mean: number, stddev: number): TensorSpec {
  const spec = resolveSpec({
    seed: SEED,
    dtype: 'float64',
    tensors: [{ name, shape: [size], initializer: { type: 'normal', mean, stddev } }],
  });
  return spec.tensors[0]!;
}

/** Stream a tensor block by block through `fillBlock`, handing each block's values to `visit`. */
function forEachBlock(tensor: TensorSpec, visit: (values: Float64Array, block: number) => void): void {
  const buffers = [new Float64Array(BLOCK_SIZE), new Float64Array(BLOCK_SIZE)];
  const blocks = Math.ceil(tensor.size / BLOCK_SIZE);
  for (let b = 0; b < blocks; b++) {
    const buf = buffers[b % 2]!; // the previous block's buffer stays intact for the visitor
    const n = fillBlock(tensor, b, buf);
    visit(buf.subarray(0, n), b);
  }
}

/** What one pass over the standard sample accumulates. */
interface Summary {
  moments: Moments;
  /** Every draw, in order (sorted later for KS). */
  all: Float64Array;
  positive: number;
  negative: number;
  /** Counts of |x| > k, x > k and x < -k for each k in TAIL_LEVELS. */
  beyond: Map<number, { abs: number; above: number; below: number }>;
  /** Draws with |x| > ZIGGURAT_R: only the ziggurat's tail branch makes them. */
  beyondR: number;
  fine: Float64Array;
  /** Bins over x < -TAIL_FROM (first half) and x > TAIL_FROM (second half), equal expected counts. */
  tail: Float64Array;
  lag1: Correlation;
  adjacentBlocks: Correlation;
}

function summarise(tensor: TensorSpec): Summary {
  const s: Summary = {
    moments: new Moments(),
    all: new Float64Array(tensor.size),
    positive: 0,
    negative: 0,
    beyond: new Map(TAIL_LEVELS.map((k) => [k, { abs: 0, above: 0, below: 0 }])),
    beyondR: 0,
    fine: new Float64Array(FINE_BINS),
    tail: new Float64Array(2 * TAIL_BINS_PER_SIDE),
    lag1: new Correlation(),
    adjacentBlocks: new Correlation(),
  };
  const tailMass = standardNormalSf(TAIL_FROM);
  let previous: Float64Array | undefined;
  forEachBlock(tensor, (v, b) => {
    s.all.set(v, b * BLOCK_SIZE);
    s.moments.push(v);
    s.lag1.pushLagged(v, 1);
    if (previous !== undefined) {
      // element i of block b-1 against element i of block b: independent generators must not echo
      const len = Math.min(previous.length, v.length);
      s.adjacentBlocks.pushPairs(previous.subarray(0, len), v.subarray(0, len));
    }
    previous = v;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x > 0) s.positive++;
      else if (x < 0) s.negative++;
      const ax = Math.abs(x);
      if (ax > ZIGGURAT_R) s.beyondR++;
      for (const k of TAIL_LEVELS) {
        if (ax > k) {
          const c = s.beyond.get(k)!;
          c.abs++;
          if (x > 0) c.above++;
          else c.below++;
        }
      }
      s.fine[Math.min(FINE_BINS - 1, Math.floor(standardNormalCdf(x) * FINE_BINS))]!++;
      if (ax > TAIL_FROM) {
        // u = P(Z > |x|) / P(Z > 3) is uniform on (0, 1) for tail draws: bin it evenly
        const u = standardNormalSf(ax) / tailMass;
        const bin = Math.min(TAIL_BINS_PER_SIDE - 1, Math.floor(u * TAIL_BINS_PER_SIDE));
        s.tail[x > 0 ? TAIL_BINS_PER_SIDE + bin : TAIL_BINS_PER_SIDE - 1 - bin]!++;
      }
    }
  });
  return s;
}

/** "observed k, expected e (accepted a..b)", for failure messages. */
function describeCount(k: number, n: number, p: number): string {
  const { min, max } = binomialAcceptance(n, p, ALPHA);
  return `observed ${k} of ${n}, expected ${(n * p).toFixed(2)}, consistent at p > ${ALPHA}: ${min}..${max}`;
}

describe(`the normal sampler on ${N.toLocaleString('en')} draws of N(0, 1)`, () => {
  const tensor = normalTensor('sampler/standard', N, 0, 1);
  let s: Summary;

  beforeAll(() => {
    s = summarise(tensor);
  });

  it('checks the values gen writes: fillBlock agrees with tensorValues across a block boundary', () => {
    const start = 3 * BLOCK_SIZE - 100;
    const written = tensorValues(tensor, start, 200);
    expect(Array.from(written)).toEqual(Array.from(s.all.subarray(start, start + 200)));
  });

  it(`has a mean within ${SE_LIMIT} standard errors (1/√n) of 0`, () => {
    const se = 1 / Math.sqrt(N);
    expect(Math.abs(s.moments.mean), `mean ${s.moments.mean}, SE ${se}`).toBeLessThan(SE_LIMIT * se);
  });

  it(`has a variance within ${SE_LIMIT} standard errors (√(2/n)) of 1`, () => {
    const se = Math.sqrt(2 / N);
    const v = s.moments.sampleVariance;
    expect(Math.abs(v - 1), `variance ${v}, SE ${se}`).toBeLessThan(SE_LIMIT * se);
  });

  it(`has a skewness within ${SE_LIMIT} standard errors (√(6/n)) of 0`, () => {
    const se = Math.sqrt(6 / N);
    expect(Math.abs(s.moments.skewness), `skewness ${s.moments.skewness}, SE ${se}`).toBeLessThan(SE_LIMIT * se);
  });

  it(`has an excess kurtosis within ${SE_LIMIT} standard errors (√(24/n)) of 0`, () => {
    const se = Math.sqrt(24 / N);
    const k = s.moments.excessKurtosis;
    expect(Math.abs(k), `excess kurtosis ${k}, SE ${se}`).toBeLessThan(SE_LIMIT * se);
  });

  it('has as many positive as negative draws (exact binomial, p = 1/2)', () => {
    const n = s.positive + s.negative;
    expect(n, 'draws that are exactly 0').toBeGreaterThan(N - 5);
    expect(binomialTest(s.positive, n, 0.5).pValue, describeCount(s.positive, n, 0.5)).toBeGreaterThan(ALPHA);
  });

  for (const k of TAIL_LEVELS) {
    it(`puts the right number of draws beyond ${k} sigma, on each side and both (exact binomial tails)`, () => {
      const c = s.beyond.get(k)!;
      const one = standardNormalSf(k);
      expect(binomialTest(c.abs, N, 2 * one).pValue, `|x| > ${k}: ${describeCount(c.abs, N, 2 * one)}`).toBeGreaterThan(ALPHA);
      expect(binomialTest(c.above, N, one).pValue, `x > ${k}: ${describeCount(c.above, N, one)}`).toBeGreaterThan(ALPHA);
      expect(binomialTest(c.below, N, one).pValue, `x < -${k}: ${describeCount(c.below, N, one)}`).toBeGreaterThan(ALPHA);
    });
  }

  it(`fills ${FINE_BINS} bins of equal probability evenly (chi-square, ${FINE_BINS - 1} df)`, () => {
    const expected = new Float64Array(FINE_BINS).fill(N / FINE_BINS);
    const r = chiSquareTest(s.fine, expected);
    expect(r.pValue, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df`).toBeGreaterThan(ALPHA);
  });

  it(`has the right shape beyond ±${TAIL_FROM} sigma: ${2 * TAIL_BINS_PER_SIDE} bins of equal probability there (chi-square)`, () => {
    const inTail = s.tail.reduce((a, b) => a + b, 0);
    expect(inTail).toBe(s.beyond.get(TAIL_FROM)!.abs);
    const expected = new Float64Array(s.tail.length).fill(inTail / s.tail.length);
    const r = chiSquareTest(s.tail, expected);
    expect(r.pValue, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df over ${inTail} tail draws`).toBeGreaterThan(ALPHA);
  });

  it('shows no lag-1 correlation within blocks', () => {
    const bound = SE_LIMIT / Math.sqrt(s.lag1.count);
    expect(Math.abs(s.lag1.r), `r = ${s.lag1.r} over ${s.lag1.count} pairs`).toBeLessThan(bound);
  });

  it('shows no correlation between the same positions of adjacent blocks', () => {
    const c = s.adjacentBlocks;
    expect(Math.abs(c.r), `r = ${c.r} over ${c.count} pairs`).toBeLessThan(SE_LIMIT / Math.sqrt(c.count));
  });

  it('reaches beyond the ziggurat base R = 3.654 as often as N(0, 1) does (the tail branch)', () => {
    const p = 2 * standardNormalSf(ZIGGURAT_R);
    expect(s.beyondR, 'tail-branch draws').toBeGreaterThan(0);
    expect(binomialTest(s.beyondR, N, p).pValue, describeCount(s.beyondR, N, p)).toBeGreaterThan(ALPHA);
  });

  it('passes a Kolmogorov-Smirnov test against Φ on all draws (runs last: it sorts them)', () => {
    s.all.sort();
    const r = ksTest(s.all, standardNormalCdf, true);
    expect(r.pValue, `D = ${r.d}, √n·D = ${(r.d * Math.sqrt(N)).toFixed(3)}`).toBeGreaterThan(ALPHA);
  });
});

describe('the normal sampler with mean 3 and stddev 0.05', () => {
  const MEAN = 3;
  const SD = 0.05;
  const n = 2_000_000;

  it('is exactly mean + stddev · z of the standard draws with the same seed and name', () => {
    const standard = normalTensor('sampler/affine', 2 * BLOCK_SIZE + 7, 0, 1);
    const shifted = normalTensor('sampler/affine', 2 * BLOCK_SIZE + 7, MEAN, SD);
    const z = tensorValues(standard);
    const x = tensorValues(shifted);
    let mismatches = 0;
    for (let i = 0; i < z.length; i++) if (x[i] !== MEAN + SD * z[i]!) mismatches++;
    expect(mismatches).toBe(0);
  });

  describe(`on ${n.toLocaleString('en')} draws`, () => {
    const m = new Moments();
    const all = new Float64Array(n);

    beforeAll(() => {
      forEachBlock(normalTensor('sampler/mean-3-sd-0.05', n, MEAN, SD), (v, b) => {
        m.push(v);
        all.set(v, b * BLOCK_SIZE);
      });
    });

    it(`has mean, variance, skewness and kurtosis within ${SE_LIMIT} standard errors of N(3, 0.05²)'s`, () => {
      expect(Math.abs(m.mean - MEAN), `mean ${m.mean}`).toBeLessThan((SE_LIMIT * SD) / Math.sqrt(n));
      expect(Math.abs(m.sampleVariance / (SD * SD) - 1), `variance ${m.sampleVariance}`).toBeLessThan(SE_LIMIT * Math.sqrt(2 / n));
      expect(Math.abs(m.skewness), `skewness ${m.skewness}`).toBeLessThan(SE_LIMIT * Math.sqrt(6 / n));
      expect(Math.abs(m.excessKurtosis), `excess kurtosis ${m.excessKurtosis}`).toBeLessThan(SE_LIMIT * Math.sqrt(24 / n));
    });

    it('passes a Kolmogorov-Smirnov test against N(3, 0.05²)', () => {
      all.sort();
      const r = ksTest(all, (x) => normalCdf(x, MEAN, SD), true);
      expect(r.pValue, `D = ${r.d}`).toBeGreaterThan(ALPHA);
    });
  });
});

/**
 * How many generator outputs took `g` from the state `ref` is in to its current state: steps `ref`
 * one output at a time until the states agree. Works whatever way the sampler reads the generator
 * (fillNormal keeps its state in locals), as long as it walks the Tyche-i sequence.
 */
function outputsUsed(ref: Tychei, g: Tychei): number {
  let used = 0;
  while (ref.a !== g.a || ref.b !== g.b || ref.c !== g.c || ref.d !== g.d) {
    ref.next();
    if (++used > 10_000) throw new Error('the generator states never met');
  }
  return used;
}

describe('the ziggurat slow paths', () => {
  const TWO_52 = 2 ** 52;
  const { ki, wi, fi } = zigguratTables();
  /** x_i, the right edge of layer i (x_0 = 0 at the top, x_255 = R at the base). */
  const edge = (i: number): number => (i === 0 ? 0 : wi[i]! * TWO_52);
  /** Area of each layer, V = R f(R) + ∫_R^∞ f with f(x) = exp(-x²/2). */
  const V = ZIGGURAT_R * Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R) + Math.sqrt(2 * Math.PI) * standardNormalSf(ZIGGURAT_R);

  it('accept on the fast path only the part of each layer that lies under the density', () => {
    // Layer i >= 2 spans x in [0, x_i); its part under the curve for every height is [0, x_{i-1}),
    // so the fast path must accept rabs < ki[i] with ki[i] · wi[i] = x_{i-1} (Marsaglia & Tsang
    // 2000: kn[i+1] = (dn/tn)·m1). The base layer's fast part is [0, R).
    const wrong: string[] = [];
    for (let i = 2; i < 256; i++) {
      const fastEdge = ki[i]! * wi[i]!;
      if (Math.abs(fastEdge / edge(i - 1) - 1) > 1e-12) wrong.push(`layer ${i}: fast path up to ${fastEdge}, curve allows ${edge(i - 1)}`);
    }
    expect(wrong.length, wrong.slice(0, 3).join('; ')).toBe(0);
    expect(ki[0]! * wi[0]!).toBeCloseTo(ZIGGURAT_R, 12);
    expect(fi[0]).toBe(1);
  });

  it('takes the fast path, the wedges and the tail as often as the ziggurat geometry says', () => {
    // Probability that a draw ends on its first attempt on the fast path (2 outputs), and after a
    // first-attempt wedge acceptance (exactly 4 outputs: 2 + one nextDouble). For layer i >= 1 the
    // accepted wedge area is ∫_{x_{i-1}}^{x_i} (f(x) - f(x_i)) dx out of the layer's area V.
    let fast = (ZIGGURAT_R * Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R)) / V; // base layer, x < R
    let wedge = 0;
    for (let i = 1; i < 256; i++) {
      const lo = edge(i - 1);
      const hi = edge(i);
      if (i >= 2) fast += lo / hi;
      const underCurve = Math.sqrt(2 * Math.PI) * (standardNormalCdf(hi) - standardNormalCdf(lo));
      wedge += (underCurve - Math.exp(-0.5 * hi * hi) * (hi - lo)) / V;
    }
    fast /= 256;
    wedge /= 256;

    const draws = 2_000_000;
    const g = Tychei.fromString('ziggurat-branches');
    const ref = Tychei.fromString('ziggurat-branches');
    const out = new Float64Array(1);
    let onFast = 0;
    let onWedge = 0;
    let beyondR = 0;
    for (let i = 0; i < draws; i++) {
      fillNormal(g, out, 0, 1, 0, 1);
      const used = outputsUsed(ref, g);
      if (used === 2) onFast++;
      else if (used === 4) onWedge++;
      if (Math.abs(out[0]!) > ZIGGURAT_R) beyondR++;
    }
    expect(onWedge, 'first-attempt wedge acceptances').toBeGreaterThan(0);
    expect(beyondR, 'tail-branch draws').toBeGreaterThan(0);
    expect(binomialTest(onFast, draws, fast).pValue, `fast path: ${describeCount(onFast, draws, fast)}`).toBeGreaterThan(ALPHA);
    expect(binomialTest(onWedge, draws, wedge).pValue, `wedge: ${describeCount(onWedge, draws, wedge)}`).toBeGreaterThan(ALPHA);
    const tail = 2 * standardNormalSf(ZIGGURAT_R);
    expect(binomialTest(beyondR, draws, tail).pValue, `tail: ${describeCount(beyondR, draws, tail)}`).toBeGreaterThan(ALPHA);
  });
});
