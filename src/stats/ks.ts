/*
 * The Kolmogorov–Smirnov p-value P(D_n >= D) of a distance D (inspect computes D from its sketch).
 * The statistic on raw data is test-only: test/helpers/stats/ks.ts.
 *
 * The p-value is Kolmogorov's limit distribution Q_KS(λ) evaluated at Stephens' (1970) small-n
 * corrected λ = (√n + 0.12 + 0.11/√n) · D, as in Numerical Recipes' `ksone`/`probks` (Press et
 * al., 3rd ed., §14.3.3). Good for n >= ~35; for small n it is approximate.
 */

/**
 * Q_KS(λ) = P(K > λ) for the Kolmogorov distribution K:
 * 2 Σ_{j>=1} (-1)^{j-1} exp(-2 j² λ²), which converges fast for λ >= 1; below that the Jacobi
 * theta form P(K <= λ) = (√(2π)/λ) Σ_{j>=1} exp(-(2j-1)² π² / (8 λ²)) converges fast instead.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    // Four terms reach double precision for λ < 1: the fifth is below exp(-81 π²/8) ≈ 1e-35.
    const y = (-Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let j = 1; j <= 4; j++) sum += Math.exp((2 * j - 1) * (2 * j - 1) * y);
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum;
  }
  const y = -2 * lambda * lambda;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(j * j * y);
    sum += j % 2 === 1 ? term : -term;
    if (term <= 1e-17 * sum) break;
  }
  return Math.min(1, 2 * sum);
}

/** Asymptotic p-value of a KS statistic `d` from `n` values, with Stephens' small-n correction. */
export function ksPValue(d: number, n: number): number {
  if (!(n > 0)) throw new RangeError(`n must be > 0, got ${n}`);
  const sn = Math.sqrt(n);
  return kolmogorovSurvival((sn + 0.12 + 0.11 / sn) * d);
}
