"""Build a Keras 3 model with default layer names, load_weights() a .weights.h5 that init-weights
wrote, and compare every variable with the .npz of the same spec and seed (bit for bit).

usage: keras_load.py MODEL WEIGHTS_H5 NPZ RESAVED_H5   (MODEL: mlp | conv). Prints one JSON report.
Then saves the loaded model with Keras's own save_weights() to RESAVED_H5 (for our reader).
Runs with KERAS_BACKEND=torch (set here) so TensorFlow is not needed.
"""
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402


def build(kind):
    """The article's MLP, or a small conv net (its 5408x64 kernel is past 1 MiB: a chunked dataset)."""
    L = keras.layers
    if kind == "mlp":
        return keras.Sequential([keras.Input((784,)), L.Dense(128), L.Dense(64), L.Dense(10)])
    return keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(8, 3), L.BatchNormalization(), L.Flatten(), L.Dense(64), L.Dense(10),
    ])


def main(kind, weights, npz_path, resaved):
    model = build(kind)
    npz = np.load(npz_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.load_weights(weights)
    variables = {}
    for v in model.weights:
        # v.path is "sequential/dense/kernel": the model's name, then our tensor name.
        name = v.path.split("/", 1)[1]
        got = keras.ops.convert_to_numpy(v.value)
        want = npz[name]
        variables[name] = {
            "shape": list(got.shape),
            "dtype": str(got.dtype),
            "bits_equal": got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes(),
        }
    with h5py.File(weights, "r") as f:
        datasets = {}
        f.visititems(lambda p, o: datasets.__setitem__(p, {"chunks": o.chunks, "dtype": str(o.dtype)}) if isinstance(o, h5py.Dataset) else None)
        groups_named = {f"layers/{k}/vars": f[f"layers/{k}/vars"].attrs.get("name") for k in f["layers"]}
    model.save_weights(resaved)
    print(json.dumps({
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "warnings": [str(w.message) for w in caught],
        "npz_keys": sorted(npz.files),
        "variables": variables,
        "datasets": datasets,
        "vars_names": {k: str(v) for k, v in groups_named.items()},
    }))


if __name__ == "__main__":
    main(*sys.argv[1:5])
