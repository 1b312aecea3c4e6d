/*
 * Streaming Pearson correlation of pairs (x, y), mergeable like {@link Moments}: count, both means,
 * both second central sums and the co-moment C = Σ (x - x̄)(y - ȳ), updated and merged with the
 * pairwise formulas of Pébay (Sandia SAND2008-6212, §3.1). Lag-k autocorrelation is the correlation
 * of the pairs (v[i], v[i+k]).
 */

export class Correlation {
  private n = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;

  /** Number of pairs seen. */
  get count(): number {
    return this.n;
  }

  /** Pearson's r = C / √(Sxx · Syy); NaN when empty or either side is constant. */
  get r(): number {
    const den = Math.sqrt(this.sxx * this.syy);
    return this.n === 0 || den === 0 ? NaN : this.sxy / den;
  }

  /** Add the pairs (xs[i], ys[i]) for every i; the arrays must have equal length. */
  pushPairs(xs: ArrayLike<number>, ys: ArrayLike<number>): this {
    if (xs.length !== ys.length) throw new RangeError(`xs has ${xs.length} values but ys has ${ys.length}`);
    return this.pushBatch(xs, 0, ys, 0, xs.length);
  }

  /** Add the pairs (values[i], values[i + lag]) for i in 0..length-lag-1: lag-`lag` autocorrelation. */
  pushLagged(values: ArrayLike<number>, lag = 1): this {
    if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`lag must be an integer >= 1, got ${lag}`);
    return this.pushBatch(values, 0, values, lag, Math.max(0, values.length - lag));
  }

  /** Two passes over the batch xs[xo + i], ys[yo + i], i < len, then a merge. */
  private pushBatch(xs: ArrayLike<number>, xo: number, ys: ArrayLike<number>, yo: number, len: number): this {
    if (len === 0) return this;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < len; i++) {
      sx += xs[xo + i]!;
      sy += ys[yo + i]!;
    }
    const batch = new Correlation();
    batch.n = len;
    batch.mx = sx / len;
    batch.my = sy / len;
    for (let i = 0; i < len; i++) {
      const dx = xs[xo + i]! - batch.mx;
      const dy = ys[yo + i]! - batch.my;
      batch.sxx += dx * dx;
      batch.syy += dy * dy;
      batch.sxy += dx * dy;
    }
    return this.merge(batch);
  }

  /** Fold another summary into this one. */
  merge(other: Correlation): this {
    const nb = other.n;
    if (nb === 0) return this;
    const na = this.n;
    const n = na + nb;
    const dx = other.mx - this.mx;
    const dy = other.my - this.my;
    const f = (na * nb) / n;
    this.sxx += other.sxx + dx * dx * f;
    this.syy += other.syy + dy * dy * f;
    this.sxy += other.sxy + dx * dy * f;
    this.mx += (dx * nb) / n;
    this.my += (dy * nb) / n;
    this.n = n;
    return this;
  }
}
