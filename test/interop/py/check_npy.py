"""Load .npy files written by init-weights and report what numpy sees.

Usage: check_npy.py CASES.json
CASES.json: [{"id", "npy", "expected", "dtype", "shape"}], where "expected" is a raw little-endian
float64 file of the values the library reports (tensorValues). Prints one JSON object: id -> report.
"""

import ast
import io
import json
import sys

import ml_dtypes
import numpy as np


def header_of(path):
    """The header as written: version, the dict (parsed as the Python literal it is) and the data offset."""
    with open(path, "rb") as f:
        magic = f.read(8)
        assert magic[:6] == b"\x93NUMPY", magic
        version = (magic[6], magic[7])
        size = int.from_bytes(f.read(2 if version == (1, 0) else 4), "little")
        text = f.read(size).decode("latin1")
        d = ast.literal_eval(text)
        return {
            "version": list(version),
            "shape": list(d["shape"]),
            "fortran_order": d["fortran_order"],
            "descr": d["descr"],
            "keys": sorted(d),
            "ends_with_newline": text.endswith("\n"),
            "data_offset": f.tell(),
        }


def check(case):
    path = case["npy"]
    with open(path, "rb") as f:
        raw = f.read()
    loaded = np.load(path)
    report = {
        "header": header_of(path),
        "loaded_dtype": loaded.dtype.str,
        "loaded_shape": list(loaded.shape),
        "c_contiguous": bool(loaded.flags.c_contiguous),
    }
    arr = loaded.view(ml_dtypes.bfloat16) if case["dtype"] == "bfloat16" else loaded
    report["dtype_name"] = str(arr.dtype)
    expected = np.fromfile(case["expected"], dtype="<f8")
    values = arr.astype(np.float64).reshape(-1)  # exact: every dtype here widens to float64 exactly
    report["count"] = int(values.size)
    report["values_equal"] = bool(values.shape == expected.shape and np.array_equal(values, expected))
    # Bit for bit, so that -0.0 against 0.0 counts as a difference too.
    report["bits_equal"] = bool(values.shape == expected.shape and np.array_equal(values.view(np.uint64), expected.view(np.uint64)))
    if not report["values_equal"] and values.shape == expected.shape:
        bad = np.flatnonzero(values != expected)
        report["first_mismatch"] = {"index": int(bad[0]), "numpy": float(values[bad[0]]), "library": float(expected[bad[0]]), "count": int(bad.size)}
    # numpy's own bytes for the same array: our header layout must be numpy's, byte for byte.
    buf = io.BytesIO()
    np.save(buf, arr)
    ours = buf.getvalue()
    report["same_as_np_save"] = ours == raw
    if ours != raw:
        n = next((i for i, (a, b) in enumerate(zip(ours, raw)) if a != b), min(len(ours), len(raw)))
        report["np_save_diff"] = {"at": n, "numpy": ours[max(0, n - 20) : n + 40].decode("latin1"), "ours": raw[max(0, n - 20) : n + 40].decode("latin1"), "numpy_len": len(ours), "our_len": len(raw)}
    return report


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    print(json.dumps({c["id"]: check(c) for c in cases}))


if __name__ == "__main__":
    main()
