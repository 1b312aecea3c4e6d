"""Load .npy, .npz, safetensors and Arrow files written by init-weights with their real consumers.

Usage: check_formats.py JOB.json
JOB.json: {"tensors": [{"id", "name", "shape", "dtype", "raw", "f64"}], "files": [{"kind", "path", "tensors": [ids]}]}
where "raw" is the tensor's data as little-endian bytes of its dtype (what every format must hold,
bit for bit) and "f64" the float64 values before rounding (for the 16-bit checks). Prints one JSON
object: path -> report. Asserts nothing itself: the test states what must hold.
"""

import json
import subprocess
import sys
import warnings
import zipfile

import ml_dtypes
import numpy as np
import pyarrow as pa

NP = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8"), "float16": np.dtype("<f2"), "bfloat16": np.dtype(ml_dtypes.bfloat16),
      "int64": np.dtype("<i8"), "int32": np.dtype("<i4"), "uint8": np.dtype("|u1"), "bool": np.dtype("|b1")}


def expected_of(t):
    return np.fromfile(t["raw"], dtype=NP[t["dtype"]]).reshape(t["shape"])


def bits(a):
    return np.ascontiguousarray(a).tobytes()


def same(a, t):
    """Bit-exact equality with the expected data, and the shape."""
    e = expected_of(t)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "bits_equal": list(a.shape) == t["shape"] and bits(a) == bits(e)}


def torch_bits(x):
    import torch

    x = x.contiguous().reshape(-1)
    return (x.view(torch.int16) if x.element_size() == 2 else x).numpy().tobytes()


def check_npz(f, ts):
    z = np.load(f["path"])
    report = {"files": sorted(z.files)}
    for t in ts:
        a = z[t["name"]]
        if t["dtype"] == "bfloat16":
            a = a.view(ml_dtypes.bfloat16)
        report[t["name"]] = same(a, t)
    report["testzip"] = zipfile.ZipFile(f["path"]).testzip()
    r = subprocess.run([sys.executable, "-m", "zipfile", "-t", f["path"]], capture_output=True, text=True)
    report["zipfile_t"] = {"code": r.returncode, "stdout": r.stdout.strip(), "stderr": r.stderr.strip()}
    report["comment"] = json.loads(zipfile.ZipFile(f["path"]).comment.decode("utf8"))
    return report


def check_safetensors(f, ts):
    import torch
    from safetensors import safe_open
    from safetensors.numpy import load_file as load_np
    from safetensors.torch import load_file as load_pt

    report = {}
    with safe_open(f["path"], framework="pt") as h:
        report["metadata"] = h.metadata()
        report["keys"] = list(h.keys())
    pt = load_pt(f["path"])
    has_bf16 = any(t["dtype"] == "bfloat16" for t in ts)
    try:
        npd = load_np(f["path"])
        report["numpy_front_end"] = "ok"
    except Exception as e:  # safetensors.numpy cannot hold BF16
        npd = None
        report["numpy_front_end"] = f"{type(e).__name__}: {e}"
    for t in ts:
        x = pt[t["name"]]
        e = expected_of(t)
        r = {"torch_dtype": str(x.dtype), "shape": list(x.shape), "torch_bits_equal": list(x.shape) == t["shape"] and torch_bits(x) == bits(e)}
        if npd is not None:
            r["numpy"] = same(npd[t["name"]], t)
        if t["dtype"] in ("float16", "bfloat16") and t.get("f64"):
            r["rounding"] = rounding_report(np.fromfile(t["f64"], "<f8"), x, t["dtype"])
        report[t["name"]] = r
    report["has_bf16"] = has_bf16
    return report


def rounding_report(x64, ours_t, dtype):
    """Ours (rounded once from float64) against torch's and numpy's/ml_dtypes' conversions of the same float64 values."""
    import torch

    ours = ours_t.flatten().float().double().numpy()  # exact: every 16-bit value is a float64
    tdt = torch.bfloat16 if dtype == "bfloat16" else torch.float16
    direct = torch.from_numpy(x64).to(tdt).double().numpy()
    via32 = torch.from_numpy(x64.astype(np.float32)).to(tdt).double().numpy()
    npdt = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    numpy_once = x64.astype(npdt).astype(np.float64)
    diff = ours != direct
    # Where torch differs, ours must be the nearer value (or the even one of a tie): the correctly rounded one.
    d_ours, d_torch = np.abs(x64 - ours), np.abs(x64 - direct)
    nearer = (d_ours < d_torch) | ((d_ours == d_torch) & (ours_t.flatten().view(torch.int16).numpy()[: len(ours)] % 2 == 0))
    return {
        "count": int(len(x64)),
        "differs_from_torch": int(diff.sum()),
        "torch_equals_double_rounding_where_it_differs": bool((direct[diff] == via32[diff]).all()),
        "ours_nearer_where_torch_differs": bool(nearer[diff].all()),
        "differs_from_numpy_astype": int((ours != numpy_once).sum()),
        "differs_from_double_rounding": int((ours != via32).sum()),
    }


def arrow_values(col, rank):
    """The documented one-liners: to_numpy_ndarray() for rank >= 2, to_numpy() otherwise.
    pyarrow's tensors refuse bool ("bool is not valid data type for a tensor"): a bool column of
    rank >= 2 is read from its storage (a fixed-size list), as docs/formats.md shows."""
    if rank >= 2 and col.type.value_type == pa.bool_():
        c = col.combine_chunks()
        return c.storage.flatten().to_numpy(zero_copy_only=False).reshape((len(c), *c.type.shape))
    if rank >= 2:
        return col.combine_chunks().to_numpy_ndarray()
    return col.to_numpy(zero_copy_only=False)


def check_arrow(f, ts):
    import polars as pl

    (t,) = ts
    rank = len(t["shape"])
    if f["kind"] == "arrow":
        table = pa.ipc.open_file(f["path"]).read_all()
    else:
        with open(f["path"], "rb") as fh:
            table = pa.ipc.open_stream(fh).read_all()
    col = table.column(0)
    a = arrow_values(col, rank)
    if rank == 0:
        a = a.reshape(())
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    report = {"pyarrow": same(a, t), "type": str(col.type), "metadata": meta, "column": table.column_names[0]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = pl.read_ipc(f["path"]) if f["kind"] == "arrow" else pl.read_ipc_stream(f["path"])
    s = df.to_series(0)
    flat = np.asarray(s.to_numpy()).reshape(-1) if rank >= 1 else np.asarray(s.to_numpy())
    report["polars"] = {
        "dtype": str(s.dtype),
        "height": df.height,
        "bits_equal": bits(flat.astype(NP[t["dtype"]])) == bits(expected_of(t).reshape(-1)),
        "warnings": [str(w.message).split("\n")[0] for w in caught],
    }
    return report


def main(path):
    with open(path) as fh:
        job = json.load(fh)
    by_id = {t["id"]: t for t in job["tensors"]}
    out = {}
    for f in job["files"]:
        ts = [by_id[i] for i in f["tensors"]]
        kind = f["kind"]
        if kind == "npz":
            out[f["path"]] = check_npz(f, ts)
        elif kind == "npy":
            (t,) = ts
            out[f["path"]] = {t["name"]: same(np.load(f["path"]), t)}
        elif kind == "safetensors":
            out[f["path"]] = check_safetensors(f, ts)
        else:
            out[f["path"]] = check_arrow(f, ts)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
