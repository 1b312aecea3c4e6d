/*
 * Streaming, mergeable central moments up to the fourth.
 *
 * State: count n, mean, and the central sums M_k = Σ (x - mean)^k for k = 2, 3, 4, plus min and
 * max. Two summaries combine exactly with the pairwise formulas of Chan, Golub & LeVeque (1979)
 * extended to M3 and M4 by Terriberry (2007) and Pébay, "Formulas for robust, one-pass parallel
 * computation of covariances and arbitrary-order statistical moments", Sandia SAND2008-6212, eqs.
 * (2.1)-(2.3). `push` summarises each batch with two passes (its mean, then its central sums), which
 * is both faster and more accurate than per-element updates, and merges the batch in; `pushValue`
 * is the per-element update (Welford 1962 / Terriberry). `weighted` summarises values given with
 * counts (a 16-bit tensor's distinct patterns) in two compensated passes over the whole data.
 */

/** d^1 ... d^4 by products (Math.pow is not promised to be correctly rounded). */
const POWERS: readonly ((d: number) => number)[] = [(d) => d, (d) => d * d, (d) => d * d * d, (d) => d * d * (d * d)];

/**
 * Σ counts[i]·f(values[i]) by Neumaier's compensated summation (Neumaier 1974): the error is at most
 * 2u·|Σ| + 2m·u²·Σ|terms| for m terms (u = 2^-53), so with m ≤ 65536 the sum is within a few ulps
 * of the exact sum of the terms whatever their signs and however many values the counts stand for.
 */
function compensatedSum(values: ArrayLike<number>, counts: ArrayLike<number>, f: (x: number) => number): number {
  let sum = 0;
  let err = 0;
  for (let i = 0; i < values.length; i++) {
    const t = counts[i]! * f(values[i]!);
    const s = sum + t;
    err += Math.abs(sum) >= Math.abs(t) ? sum - s + t : t - s + sum;
    sum = s;
  }
  return sum + err;
}

export class Moments {
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private m3 = 0;
  private m4 = 0;
  private lo = Infinity;
  private hi = -Infinity;

  /** The moments of `values`. */
  static of(values: ArrayLike<number>): Moments {
    return new Moments().push(values);
  }

  /** Number of values seen. */
  get count(): number {
    return this.n;
  }

  /** Arithmetic mean; NaN when empty. */
  get mean(): number {
    return this.n === 0 ? NaN : this.mu;
  }

  /** Smallest value; NaN when empty. */
  get min(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  /** Largest value; NaN when empty. */
  get max(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /** Σ (x - mean)², the second central sum. */
  get sumSquaredDeviations(): number {
    return this.m2;
  }

  /** Population variance M2 / n; NaN when empty. */
  get variance(): number {
    return this.n === 0 ? NaN : this.m2 / this.n;
  }

  /** Sample (unbiased) variance M2 / (n - 1); NaN for fewer than 2 values. */
  get sampleVariance(): number {
    return this.n < 2 ? NaN : this.m2 / (this.n - 1);
  }

  /** Population standard deviation √(M2 / n). */
  get std(): number {
    return Math.sqrt(this.variance);
  }

  /** Sample standard deviation √(M2 / (n - 1)). */
  get sampleStd(): number {
    return Math.sqrt(this.sampleVariance);
  }

  /** Skewness g1 = √n · M3 / M2^1.5 (biased, as numpy/scipy's default); NaN if all values are equal. */
  get skewness(): number {
    return this.m2 === 0 ? NaN : (Math.sqrt(this.n) * this.m3) / this.m2 ** 1.5;
  }

  /** Excess kurtosis g2 = n · M4 / M2² - 3 (biased, scipy's default); NaN if all values are equal. */
  get excessKurtosis(): number {
    return this.m2 === 0 ? NaN : (this.n * this.m4) / (this.m2 * this.m2) - 3;
  }

  /** Add one value. */
  pushValue(x: number): this {
    const n1 = this.n;
    const n = n1 + 1;
    const delta = x - this.mu;
    const dn = delta / n;
    const dn2 = dn * dn;
    const term1 = delta * dn * n1;
    this.mu += dn;
    this.m4 += term1 * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * this.m2 - 4 * dn * this.m3;
    this.m3 += term1 * dn * (n - 2) - 3 * dn * this.m2;
    this.m2 += term1;
    this.n = n;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    if (Number.isNaN(x)) this.lo = this.hi = NaN;
    return this;
  }

  /** Add a batch of values (any array or typed array). A NaN makes every statistic NaN. */
  push(values: ArrayLike<number>): this {
    const len = values.length;
    if (len === 0) return this;
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < len; i++) {
      const x = values[i]!;
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const mean = sum / len;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s1 = 0;
    for (let i = 0; i < len; i++) {
      const d = values[i]! - mean;
      const d2 = d * d;
      s1 += d;
      s2 += d2;
      s3 += d2 * d;
      s4 += d2 * d2;
    }
    const nan = Number.isNaN(sum);
    return this.merge(Moments.aboutMean(len, mean, [s1, s2, s3, s4], nan ? NaN : lo, nan ? NaN : hi));
  }

  /**
   * The moments of finite `values` each standing for `counts[i]` (≥ 0, integer) values: the mean
   * from the compensated Σ c·x, then the central sums Σ c·(x - mean)^k, compensated too, about it
   * (a true two-pass over all the data, not a merge of batches). Each c·x is exact while c < 2^42
   * and x has at most 11 significant bits (float16, bfloat16), so the mean is within a few ulps of
   * the exact one, and each M_k within a few ulps relative to Σ c·|x - mean|^k. min and max order
   * -0 below +0 (IEEE 754 minimum/maximum, as Math.min/Math.max and `merge`): the order of the
   * values is not known, so "the first seen" cannot apply.
   */
  static weighted(values: ArrayLike<number>, counts: ArrayLike<number>): Moments {
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      if (counts[i]! === 0) continue;
      n += counts[i]!;
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
    if (n === 0) return new Moments();
    const mean = compensatedSum(values, counts, (x) => x) / n;
    const s = POWERS.map((pow) => compensatedSum(values, counts, (x) => pow(x - mean)));
    return Moments.aboutMean(n, mean, s, lo, hi);
  }

  /**
   * The summary of n values from their sums s = [Σd, Σd², Σd³, Σd⁴] of deviations d = x - mean
   * about a provisional mean, and their min and max. Σd is the rounding error of `mean`: it is
   * folded back in (the corrected two-pass algorithm of Chan, Golub & LeVeque 1983) so that the
   * values are summarised about their exact mean.
   */
  private static aboutMean(n: number, mean: number, s: readonly number[], lo: number, hi: number): Moments {
    const [s1, s2, s3, s4] = s as [number, number, number, number];
    const c = s1 / n;
    const m = new Moments();
    m.n = n;
    m.mu = mean + c;
    m.m2 = s2 - s1 * c;
    m.m3 = s3 - 3 * c * s2 + 2 * c * c * s1;
    m.m4 = s4 - 4 * c * s3 + 6 * c * c * s2 - 3 * c * c * c * s1;
    m.lo = lo;
    m.hi = hi;
    return m;
  }

  /** Fold another summary into this one, as if its values had been pushed here. */
  merge(other: Moments): this {
    const nb = other.n;
    if (nb === 0) return this;
    const na = this.n;
    if (na === 0) {
      this.copyFrom(other);
      return this;
    }
    const n = na + nb;
    const delta = other.mu - this.mu;
    const dn = delta / n;
    const ma2 = this.m2;
    const ma3 = this.m3;
    const mb2 = other.m2;
    const mb3 = other.m3;
    const nab = na * nb;
    this.mu += nb * dn;
    this.m4 +=
      other.m4 +
      delta * dn * dn * dn * nab * (na * na - nab + nb * nb) +
      6 * dn * dn * (na * na * mb2 + nb * nb * ma2) +
      4 * dn * (na * mb3 - nb * ma3);
    this.m3 += mb3 + delta * dn * dn * nab * (na - nb) + 3 * dn * (na * mb2 - nb * ma2);
    this.m2 += mb2 + delta * dn * nab;
    this.n = n;
    this.lo = Number.isNaN(this.lo) || Number.isNaN(other.lo) ? NaN : Math.min(this.lo, other.lo);
    this.hi = Number.isNaN(this.hi) || Number.isNaN(other.hi) ? NaN : Math.max(this.hi, other.hi);
    return this;
  }

  /** An independent copy. */
  clone(): Moments {
    const m = new Moments();
    m.copyFrom(this);
    return m;
  }

  private copyFrom(o: Moments): void {
    this.n = o.n;
    this.mu = o.mu;
    this.m2 = o.m2;
    this.m3 = o.m3;
    this.m4 = o.m4;
    this.lo = o.lo;
    this.hi = o.hi;
  }
}
