/*
 * Streaming, mergeable central moments up to the fourth.
 *
 * State: count n, mean, and the central sums M_k = Σ (x - mean)^k for k = 2, 3, 4, plus min and
 * max. Two summaries combine exactly with the pairwise formulas of Chan, Golub & LeVeque (1979)
 * extended to M3 and M4 by Terriberry (2007) and Pébay, "Formulas for robust, one-pass parallel
 * computation of covariances and arbitrary-order statistical moments", Sandia SAND2008-6212, eqs.
 * (2.1)-(2.3). `push` summarises each batch with two passes (its mean, then its central sums), which
 * is both faster and more accurate than per-element updates, and merges the batch in; `pushValue`
 * is the per-element update (Welford 1962 / Terriberry).
 */

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
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return this.pushSummed(values, sum, lo, hi);
  }

  /**
   * Add a batch whose first pass the caller fused into a loop of its own: `sum`, `lo` and `hi` are
   * the in-order sum, the smallest and the largest of `values` (the result is bit for bit `push`'s).
   */
  pushSummed(values: ArrayLike<number>, sum: number, lo: number, hi: number): this {
    const len = values.length;
    if (len === 0) return this;
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
    // s1 is the rounding error of `mean`; fold it back in (the corrected two-pass algorithm of
    // Chan, Golub & LeVeque 1983) so that the batch is summarised about its exact mean.
    const c = s1 / len;
    const batch = new Moments();
    batch.n = len;
    batch.mu = mean + c;
    batch.m2 = s2 - s1 * c;
    batch.m3 = s3 - 3 * c * s2 + 2 * c * c * s1;
    batch.m4 = s4 - 4 * c * s3 + 6 * c * c * s2 - 3 * c * c * c * s1;
    batch.lo = Number.isNaN(sum) ? NaN : lo;
    batch.hi = Number.isNaN(sum) ? NaN : hi;
    return this.merge(batch);
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
