"""The numpy compat oracle: for each case, the values numpy (as Keras 3's numpy backend calls it) draws.

Usage: compat_numpy.py CASES.json OUT_DIR. CASES.json is a list of {id, type, params, shape, dtype,
seed}; each case's values are written to OUT_DIR/ID.bin in the case's dtype, little-endian. The draws
follow keras/src/backend/numpy/random.py and keras/src/initializers/random_initializers.py (Keras
3.15.1) line for line; only numpy is needed. Prints {"numpy": version} on stdout.
"""
import json
import math
import sys

import numpy as np


def compute_fans(shape):
    # keras/src/initializers/random_initializers.py compute_fans
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


def normal(shape, mean, stddev, seed):
    return np.random.default_rng(seed).normal(size=shape, loc=mean, scale=stddev)


def uniform(shape, minval, maxval, seed):
    return np.random.default_rng(seed).uniform(size=shape, low=minval, high=maxval)


def truncated_normal(shape, mean, stddev, seed):
    # keras/src/backend/numpy/random.py truncated_normal: full-size batches, inclusive filter
    rng = np.random.default_rng(seed)
    lower_bound = mean - 2 * stddev
    upper_bound = mean + 2 * stddev
    flat_shape = math.prod(shape)
    random_numbers = np.empty(0)
    while random_numbers.shape[0] < flat_shape:
        batch = rng.normal(loc=mean, scale=stddev, size=flat_shape)
        valid = batch[(batch >= lower_bound) & (batch <= upper_bound)]
        random_numbers = np.append(random_numbers, valid)
    return random_numbers[:flat_shape].reshape(shape)


PRESETS = {
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
}


def variance_scaling(shape, scale, mode, distribution, seed):
    # keras/src/initializers/random_initializers.py VarianceScaling.__call__
    fan_in, fan_out = compute_fans(shape)
    if mode == "fan_in":
        scale /= max(1.0, fan_in)
    elif mode == "fan_out":
        scale /= max(1.0, fan_out)
    else:
        scale /= max(1.0, (fan_in + fan_out) / 2.0)
    if distribution == "truncated_normal":
        stddev = math.sqrt(scale) / 0.87962566103423978
        return truncated_normal(shape, 0.0, stddev, seed)
    if distribution == "untruncated_normal":
        return normal(shape, 0.0, math.sqrt(scale), seed)
    limit = math.sqrt(3.0 * scale)
    return uniform(shape, -limit, limit, seed)


def draw(case):
    t, p, shape, seed = case["type"], case["params"], tuple(case["shape"]), case["seed"]
    if t == "normal":
        return normal(shape, p["mean"], p["stddev"], seed)
    if t == "uniform":
        return uniform(shape, p["minval"], p["maxval"], seed)
    if t == "truncated_normal":
        return truncated_normal(shape, p["mean"], p["stddev"], seed)
    if t == "variance_scaling":
        return variance_scaling(shape, p["scale"], p["mode"], p["distribution"], seed)
    if t in PRESETS:
        return variance_scaling(shape, *PRESETS[t], seed)
    if t == "zeros":
        return np.zeros(shape)
    raise ValueError(f"unknown case type {t}")


def main():
    cases = json.load(open(sys.argv[1]))
    for case in cases:
        values = np.asarray(draw(case), dtype=np.float64).astype(case["dtype"])
        values.astype(values.dtype.newbyteorder("<")).tofile(f"{sys.argv[2]}/{case['id']}.bin")
    print(json.dumps({"numpy": np.__version__}))


main()
