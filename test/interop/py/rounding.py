"""Rounding oracles for float64 -> float16 / bfloat16 (round once, to nearest, ties to even).

What ml_dtypes does (found by experiment with ml_dtypes 0.6.0 and by reading its source,
ml_dtypes/_src/custom_float.h): every numpy cast into a custom float is
    NPyCast<From, To>: to[i] = static_cast<To>(CastToFloat(from[i]))
and CastToFloat is static_cast<float>. So `arr64.astype(ml_dtypes.bfloat16)` rounds float64 to
float32 first (round to nearest even) and then float32 to bfloat16 (Eigen's float_to_bfloat16_rtne):
two roundings. The scalar constructor ml_dtypes.bfloat16(python_float) goes through float32 as
well. Example: x = 1 + 2^-8 + 2^-30 lies above the midpoint of 1 and 1 + 2^-7, so it must round up
to 0x3F81; float32 rounding drops the 2^-30 and lands exactly on the midpoint 1 + 2^-8, which then
ties to even, down to 0x3F80 -- and that is what ml_dtypes returns. So ml_dtypes is an oracle only
for values that float32 holds exactly; for the rest we use:

  * bf16_round_to_odd: round float64 to float32 with round-to-odd (truncate, then set the last bit
    when anything was dropped), then float32 to bfloat16 with round to nearest even, by bit
    arithmetic. Rounding to odd at a precision at least 2 bits wider than the target, then to
    nearest, equals one rounding to nearest (Boldo & Melquiond, "When double rounding is odd");
    float32 and bfloat16 share their exponent range, so that holds for subnormals too
    (2^-149 spacing against 2^-133).
  * exact_bits: exact rational arithmetic (fractions.Fraction), one value at a time, independent
    of both numpy and the round-to-odd argument; it checks the two vectorised oracles.

numpy's own float64 -> float16 astype (npy_double_to_half) rounds once, straight from the double's
bits; exact_bits confirms it on the crafted values.

Usage:
  rounding.py crafted VALUES.f64     -> JSON lists of 16-bit patterns per oracle
  rounding.py tensors CASES.json     -> JSON report per case (files of one tensor in 4 dtypes)
"""

import json
import math
import sys
from fractions import Fraction

import ml_dtypes
import numpy as np

F16 = dict(p=11, emin=-14, emax=15, exp_bits=5)
BF16 = dict(p=8, emin=-126, emax=127, exp_bits=8)


def exact_bits(x, p, emin, emax, exp_bits):
    """The 16-bit pattern of float x rounded once to nearest-even, by exact arithmetic (NaN -> None)."""
    mant_bits = p - 1
    sign = 0x8000 if math.copysign(1.0, x) < 0 else 0
    inf = sign | (((1 << exp_bits) - 1) << mant_bits)
    if math.isnan(x):
        return None
    ax = abs(x)
    if math.isinf(ax):
        return inf
    if ax == 0:
        return sign
    e = max(math.frexp(ax)[1] - 1, emin)  # exponent of the leading bit, clamped at the subnormal floor
    ulp = Fraction(2) ** (e - mant_bits)
    q = Fraction(ax) / ulp
    n = math.floor(q)
    rest = q - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    if n == 1 << p:  # carried into the next binade
        n >>= 1
        e += 1
    if e > emax:
        return inf
    if n < (1 << mant_bits):  # subnormal (only when e == emin), or zero
        return sign | n
    return sign | ((e + (1 << (exp_bits - 1)) - 1) << mant_bits) | (n - (1 << mant_bits))


def f16_numpy(x64):
    with np.errstate(over="ignore", invalid="ignore"):
        return x64.astype(np.float16).view(np.uint16)


def rne_f32_bits_to_bf16(bits32):
    """float32 bit patterns (no NaN) -> bfloat16 patterns, round to nearest even."""
    b = bits32.astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)


def bf16_round_to_odd(x64):
    """float64 -> bfloat16 patterns, rounded once (NaN -> 0x7FC0 with its sign)."""
    x64 = np.asarray(x64, dtype=np.float64)
    nan = np.isnan(x64)
    x = np.where(nan, 0.0, x64)
    with np.errstate(over="ignore"):
        f = x.astype(np.float32)  # nearest even; may overflow to inf
    # Truncate toward zero: step back one float32 where nearest rounding went past |x|.
    past = np.abs(f.astype(np.float64)) > np.abs(x)
    f = np.where(past, np.nextafter(f, np.float32(0)), f)
    bits = f.view(np.uint32).copy()
    bits[f.astype(np.float64) != x] |= 1  # sticky: something was dropped
    out = rne_f32_bits_to_bf16(bits)
    out[nan] = 0x7FC0 | (np.signbit(x64[nan]).astype(np.uint16) << 15)
    return out


def bf16_ml_dtypes(x64):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(x64, dtype=np.float64).astype(ml_dtypes.bfloat16).view(np.uint16)


def bf16_through_float32(x64):
    """What two roundings give: float64 -> float32 (numpy) -> bfloat16 (bit arithmetic)."""
    with np.errstate(over="ignore", invalid="ignore"):
        f = np.asarray(x64, dtype=np.float64).astype(np.float32)
    out = rne_f32_bits_to_bf16(np.where(np.isnan(f), 0, f.view(np.uint32)))
    out[np.isnan(f)] = 0x7FC0
    return out


def crafted(path):
    x = np.fromfile(path, dtype="<f8")
    with np.errstate(over="ignore", invalid="ignore"):
        f32_exact = (x.astype(np.float32).astype(np.float64) == x) | np.isnan(x)
    res = {
        "f16_numpy": f16_numpy(x).tolist(),
        "f16_double": f16_numpy(x.astype(np.float32)).tolist(),
        "f16_exact": [exact_bits(float(v), **F16) for v in x],
        "bf16_exact": [exact_bits(float(v), **BF16) for v in x],
        "bf16_round_to_odd": bf16_round_to_odd(x).tolist(),
        "bf16_ml_dtypes": bf16_ml_dtypes(x).tolist(),
        "bf16_double": bf16_through_float32(x).tolist(),
        "float32_exact": f32_exact.tolist(),
        "versions": {"numpy": np.__version__, "ml_dtypes": ml_dtypes.__version__},
    }
    print(json.dumps(res))


def tensors(path):
    """Each case: the same seed and name written as float64, float32, float16 and bfloat16."""
    out = {}
    with open(path) as f:
        cases = json.load(f)
    for case in cases:
        f64 = np.load(case["float64"])
        f32 = np.load(case["float32"])
        f16 = np.load(case["float16"])
        bf16 = np.load(case["bfloat16"]).view(ml_dtypes.bfloat16)
        with np.errstate(over="ignore"):
            want16 = f64.astype(np.float16)  # numpy: one rounding from float64
            twice16 = f64.astype(np.float32).astype(np.float16)  # two roundings, for contrast
            want32 = f64.astype(np.float32)
        want_bf = bf16_round_to_odd(f64)
        ml_bf = bf16_ml_dtypes(f64)
        got_bf = bf16.view(np.uint16)
        r = {
            "count": int(f64.size),
            "shapes_match": f64.shape == f32.shape == f16.shape == bf16.shape,
            "float32_ok": bool(np.array_equal(f32.view(np.uint32), want32.view(np.uint32))),
            # The oracle of the design: np.load(f16) == np.load(f64).astype(np.float16), bit for bit.
            "float16_ok": bool(np.array_equal(f16.view(np.uint16), want16.view(np.uint16))),
            "float16_mismatches": int(np.count_nonzero(f16.view(np.uint16) != want16.view(np.uint16))),
            # How many elements two roundings would have got wrong: the test can tell them apart.
            "float16_double_rounding_cases": int(np.count_nonzero(twice16.view(np.uint16) != want16.view(np.uint16))),
            "bfloat16_ok": bool(np.array_equal(got_bf, want_bf)),
            "bfloat16_mismatches": int(np.count_nonzero(got_bf != want_bf)),
            "bfloat16_ml_dtypes_disagrees": int(np.count_nonzero(ml_bf != want_bf)),
            # Every disagreement of ml_dtypes is explained by its detour through float32.
            "bfloat16_ml_dtypes_is_double_rounding": bool(np.array_equal(ml_bf, bf16_through_float32(f64))),
            "float16_inf": int(np.count_nonzero(np.isinf(f16))),
            "float16_subnormal": int(np.count_nonzero((f16 != 0) & (np.abs(f16) < np.finfo(np.float16).tiny))),
            "bfloat16_inf": int(np.count_nonzero(np.isinf(bf16.astype(np.float32)))),
            "bfloat16_subnormal": int(np.count_nonzero(((got_bf & 0x7F80) == 0) & ((got_bf & 0x7F) != 0))),
        }
        out[case["id"]] = r
    print(json.dumps(out))


if __name__ == "__main__":
    {"crafted": crafted, "tensors": tensors}[sys.argv[1]](sys.argv[2])
