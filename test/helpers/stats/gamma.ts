/*
 * The log-gamma function and the regularized incomplete gamma functions P(a, x) and Q(a, x),
 * which give the chi-square (and Poisson) tail probabilities.
 *
 * P and Q follow Numerical Recipes' `gammp`/`gammq` (Press et al., 3rd ed., §6.2): the power series
 * when x < a + 1, the Lentz continued fraction otherwise, each for the side it computes without
 * cancellation. NR caps both at 100 iterations, which is too few for large a (a chi-square with
 * 2000 bins has a ≈ 1000); here the cap grows with √a, as the series needs about √(2a·37) terms.
 */

/** ln √(2π). */
const LN_SQRT_2PI = 0.9189385332046728;

/**
 * ln Γ(x) for x > 0, to about 1e-15 relative (absolute near the zeros at 1 and 2).
 * Stirling's series with 7 correction terms for x >= 15 (next term below 1e-17 there); smaller x
 * are shifted up with Γ(x) = Γ(x + k) / (x (x+1) ... (x+k-1)).
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x <= 0) return NaN;
  if (x === Infinity) return Infinity;
  let shift = 0;
  if (x < 15) {
    let prod = 1;
    while (x < 15) {
      prod *= x;
      x += 1;
    }
    shift = Math.log(prod);
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x) - shift;
}

/**
 * ln Γ(x) - [(x - ½) ln x - x + ln √(2π)], Stirling's correction, for x >= 15 (below, the series
 * loses accuracy). Coefficients are B(2k) / (2k (2k-1)): 1/12, -1/360, 1/1260, -1/1680, 1/1188,
 * -691/360360, 1/156.
 */
export function stirlingCorrection(x: number): number {
  const z = 1 / (x * x);
  return (
    (1 / 12 +
      z * (-1 / 360 + z * (1 / 1260 + z * (-1 / 1680 + z * (1 / 1188 + z * (-691 / 360360 + z * (1 / 156))))))) /
    x
  );
}

/**
 * The deviance term a ln(a/x) + x - a >= 0 of C. Loader (2000, "bd0"), without the cancellation of
 * the direct formula when x is close to a: there it is summed as the series
 * 2a Σ v^(2j+1)/(2j+1) - (a - x) v with v = (a - x)/(a + x).
 */
export function deviance(a: number, x: number): number {
  if (Math.abs(a - x) < 0.1 * (a + x)) {
    let v = (a - x) / (a + x);
    let s = (a - x) * v;
    let ej = 2 * a * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return a * Math.log(a / x) + x - a;
}

const EPS = 1e-16;
/** Smallest positive normal double over EPS: keeps Lentz's denominators away from 0 (NR's FPMIN). */
const FPMIN = 2.2250738585072014e-308 / EPS;

function maxIterations(a: number): number {
  return 1000 + Math.ceil(20 * Math.sqrt(a));
}

function checkArgs(a: number, x: number): void {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`incomplete gamma needs a > 0 and x >= 0, got a=${a}, x=${x}`);
}

/**
 * ln of the common prefactor x^a e^-x / Γ(a). For large a the direct form subtracts numbers near
 * a ln a (a 1e-12 relative error in Q at a = 1000); with Stirling's formula for Γ(a) it becomes
 * -deviance(a, x) + ½ ln a - ln √(2π) - stirlingCorrection(a), with no cancellation.
 */
function logPrefactor(a: number, x: number): number {
  if (a < 15) return a * Math.log(x) - x - logGamma(a);
  return -deviance(a, x) + 0.5 * Math.log(a) - LN_SQRT_2PI - stirlingCorrection(a);
}

/** P(a, x) by its series; use when x < a + 1. */
function seriesP(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  const max = maxIterations(a);
  for (let n = 0; n < max; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) return sum * Math.exp(logPrefactor(a, x));
  }
  throw new Error(`incomplete gamma series did not converge for a=${a}, x=${x}`);
}

/** Q(a, x) by its continued fraction (modified Lentz); use when x >= a + 1. */
function continuedFractionQ(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  const max = maxIterations(a);
  for (let i = 1; i <= max; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return Math.exp(logPrefactor(a, x)) * h;
  }
  throw new Error(`incomplete gamma continued fraction did not converge for a=${a}, x=${x}`);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), for a > 0, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  checkArgs(a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? seriesP(a, x) : 1 - continuedFractionQ(a, x);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a) = 1 - P(a, x), for a > 0, x >= 0.
 * Accurate in relative terms when Q is small (x well above a), which is where p-values live.
 */
export function regularizedGammaQ(a: number, x: number): number {
  checkArgs(a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - seriesP(a, x) : continuedFractionQ(a, x);
}
