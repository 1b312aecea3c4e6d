"""The keras compat oracle: for each case, the values Keras 3's own initializer draws with the TensorFlow backend.

Usage: compat_keras.py CASES.json OUT_DIR. CASES.json is {"cases": [{id, type, params, shape, seed}],
"model": {seed, units: [784, 128, 64, 10]}}. Each case's float32 values go to OUT_DIR/ID.bin
(little-endian), drawn by keras.initializers (RandomNormal, RandomUniform, TruncatedNormal,
VarianceScaling, the Glorot/He/LeCun presets, Zeros) called on the shape. The model is the article's:
tf.keras.Sequential of Dense layers with kernel_initializer=RandomNormal(0.0, 0.05, seed=SEED) each;
its kernels go to OUT_DIR/model_kernel_I.bin. "libm": {"stride": S} also writes glibc's own logf and
sincosf (through ctypes) on the inputs TF's Box-Muller feeds them, u1 = max(m * 2^-23, 1e-7f) and
v1 = (float)(2 pi m 2^-23), for every S-th 23-bit mantissa m, to libm_{log,sin,cos}.bin.
Needs tensorflow(-cpu). Prints the versions on stdout.
"""
import ctypes
import ctypes.util
import json
import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["CUDA_VISIBLE_DEVICES"] = ""

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

PRESETS = {
    "glorot_normal": keras.initializers.GlorotNormal,
    "glorot_uniform": keras.initializers.GlorotUniform,
    "he_normal": keras.initializers.HeNormal,
    "he_uniform": keras.initializers.HeUniform,
    "lecun_normal": keras.initializers.LecunNormal,
    "lecun_uniform": keras.initializers.LecunUniform,
}


def initializer(case):
    t, p, seed = case["type"], case["params"], case["seed"]
    if t == "normal":
        return keras.initializers.RandomNormal(mean=p["mean"], stddev=p["stddev"], seed=seed)
    if t == "uniform":
        return keras.initializers.RandomUniform(minval=p["minval"], maxval=p["maxval"], seed=seed)
    if t == "truncated_normal":
        return keras.initializers.TruncatedNormal(mean=p["mean"], stddev=p["stddev"], seed=seed)
    if t == "variance_scaling":
        return keras.initializers.VarianceScaling(scale=p["scale"], mode=p["mode"], distribution=p["distribution"], seed=seed)
    if t in PRESETS:
        return PRESETS[t](seed=seed)
    if t == "zeros":
        return keras.initializers.Zeros()
    raise ValueError(f"unknown case type {t}")


def write(path, values):
    np.asarray(values, dtype="<f4").tofile(path)


def model_kernels(seed, units):
    layers = [tf.keras.Input(shape=(units[0],))]
    for u in units[1:]:
        init = tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=seed)
        layers.append(tf.keras.layers.Dense(u, activation="relu", kernel_initializer=init))
    model = tf.keras.Sequential(layers)
    return [layer.kernel.numpy() for layer in model.layers]


def libm_values(stride, out):
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    libm.logf.restype = ctypes.c_float
    libm.logf.argtypes = [ctypes.c_float]
    libm.sincosf.restype = None
    libm.sincosf.argtypes = [ctypes.c_float, ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float)]
    m = np.arange(0, 1 << 23, stride, dtype=np.uint32)
    u = ((m | np.uint32(127 << 23)).view(np.float32) - np.float32(1.0)).astype(np.float32)
    u1 = np.maximum(u, np.float32(1e-7))
    v1 = (2.0 * np.pi * u.astype(np.float64)).astype(np.float32)
    s, c = ctypes.c_float(), ctypes.c_float()
    logs, sins, coss = (np.empty(len(m), np.float32) for _ in range(3))
    for i in range(len(m)):
        logs[i] = libm.logf(float(u1[i]))
        libm.sincosf(float(v1[i]), ctypes.byref(s), ctypes.byref(c))
        sins[i], coss[i] = s.value, c.value
    write(f"{out}/libm_log.bin", logs)
    write(f"{out}/libm_sin.bin", sins)
    write(f"{out}/libm_cos.bin", coss)


def main():
    spec = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    for case in spec["cases"]:
        values = initializer(case)(tuple(case["shape"]), dtype="float32")
        assert values.dtype == tf.float32
        write(f"{out}/{case['id']}.bin", values.numpy())
    model = spec.get("model")
    if model is not None:
        for i, kernel in enumerate(model_kernels(model["seed"], model["units"])):
            write(f"{out}/model_kernel_{i}.bin", kernel)
    if spec.get("libm") is not None:
        libm_values(spec["libm"]["stride"], out)
    devices = [d.device_type for d in tf.config.list_logical_devices()]
    print(json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__, "backend": keras.backend.backend(), "devices": devices}))


main()
