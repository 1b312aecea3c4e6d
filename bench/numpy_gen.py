#!/usr/bin/env python3
"""The numpy side of the benchmark: N float32 normal values into an .npy file.

Usage: numpy_gen.py N SEED MEAN STDDEV PATH

Exactly the one-liner a numpy user would write:
    np.save(path, np.random.default_rng(seed).normal(mean, std, n).astype(np.float32))
numpy's Generator.normal, astype and save are single-threaded, like init-weights.
"""
import sys

import numpy as np


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: numpy_gen.py N SEED MEAN STDDEV PATH")
    n, seed = int(float(argv[0])), int(argv[1])
    mean, std, path = float(argv[2]), float(argv[3]), argv[4]
    np.save(path, np.random.default_rng(seed).normal(mean, std, n).astype(np.float32))


if __name__ == "__main__":
    main(sys.argv[1:])
