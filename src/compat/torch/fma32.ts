/*
 * Single-precision fused multiply-add, exact: the product of two float32 values is exact in a
 * double, so only the sum rounds twice (to double, then to float32). That double rounding can only
 * go wrong when the double sum lands exactly on a float32 midpoint; TwoSum gives the part the double
 * dropped, which decides the side.
 */
const f = Math.fround;

/** fmaf(a, b, c) for float32 a, b, c: a * b + c rounded once to float32. */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s) return r;
  // TwoSum: s + err === p + c exactly
  const bv = s - p;
  const err = (p - (s - bv)) + (c - bv);
  if (err === 0) return r;
  const d = s - r;
  const other = f(s + d);
  if (other - s !== d) return r; // s is not a midpoint: rounding s once was right
  return (err > 0) === (d > 0) ? other : r;
}
