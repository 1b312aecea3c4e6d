"""numpy side of the inspect bench rows (bench/cases/inspect.mjs): the per-tensor report of a
.npy or .safetensors file, the work of `init-weights inspect` minus its KS fit.

Per tensor: mean and std (float64 accumulation), min, max, the seven percentiles, and a 20-bin
histogram over mean ± 4 std clipped to [min, max]. safetensors tensors come from
`safetensors.numpy.load_file`, except bfloat16, which numpy has no dtype for: those are memory-mapped
and widened the usual numpy way (the uint16 bits shifted into the top half of a float32).
"""

import json
import struct
import sys

import numpy as np


def report(a):
    mean = a.mean(dtype=np.float64)
    std = a.std(dtype=np.float64)
    lo, hi = a.min(), a.max()
    q = np.percentile(a, [0.1, 1, 25, 50, 75, 99, 99.9])
    h, _ = np.histogram(a, bins=20, range=(max(lo, mean - 4 * std), min(hi, mean + 4 * std)))
    return [float(mean), float(std), float(lo), float(hi), q.tolist(), h.tolist()]


def bf16_tensors(path):
    """bfloat16 tensors of a safetensors file as float32 arrays (one at a time)."""
    with open(path, 'rb') as f:
        (n,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(n))
    base = 8 + n
    for name, t in header.items():
        if name == '__metadata__' or t['dtype'] != 'BF16':
            continue
        start, end = t['data_offsets']
        bits = np.memmap(path, dtype='<u2', mode='r', offset=base + start, shape=((end - start) // 2,))
        yield name, (bits.astype(np.uint32) << 16).view(np.float32)


def main(path):
    out = []
    if path.endswith('.npy'):
        out.append(report(np.load(path, mmap_mode='r')))
    else:
        from safetensors.numpy import load_file
        with open(path, 'rb') as f:
            (n,) = struct.unpack('<Q', f.read(8))
            dtypes = {t['dtype'] for k, t in json.loads(f.read(n)).items() if k != '__metadata__'}
        if 'BF16' in dtypes:
            out += [report(a) for _, a in bf16_tensors(path)]
        else:
            out += [report(a) for a in load_file(path).values()]
    print(len(out), out[0][:4])


if __name__ == '__main__':
    main(sys.argv[1])
