#!/usr/bin/env bash
# Create .venv with the Python packages the interop tests run (numpy, ml_dtypes, pyarrow, polars,
# safetensors, torch, transformers, keras + h5py, tensorflow-cpu).
# Usage: scripts/python-env.sh            (uses PYTHON, default python3)
# Where a local package index exists (/opt/pypi/simple), pip is pointed at it alone, so it does
# not wait on an unreachable public index; elsewhere pip uses its own configuration, plus PyTorch's
# CPU wheel index (unless PIP_INDEX_URL or PIP_EXTRA_INDEX_URL say otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
PIP_ARGS=()
if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then
  PIP_ARGS+=(--index-url file:///opt/pypi/simple)
  [ -d /opt/pypi-more/simple ] && PIP_ARGS+=(--extra-index-url file:///opt/pypi-more/simple)
elif [ -z "${PIP_INDEX_URL:-}" ] && [ -z "${PIP_EXTRA_INDEX_URL:-}" ]; then
  # PyPI's default torch wheel pulls in gigabytes of CUDA libraries; the tests need the CPU build.
  PIP_ARGS+=(--extra-index-url https://download.pytorch.org/whl/cpu)
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${PIP_ARGS[@]}" -r requirements-interop.txt
KERAS_BACKEND=torch TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -c 'import numpy, ml_dtypes, pyarrow, polars, safetensors, torch, transformers, keras, h5py, tensorflow
print("python env ready: numpy", numpy.__version__, "ml_dtypes", ml_dtypes.__version__, "pyarrow", pyarrow.__version__,
      "polars", polars.__version__, "safetensors", safetensors.__version__, "torch", torch.__version__,
      "transformers", transformers.__version__, "keras", keras.__version__, "h5py", h5py.__version__, "tensorflow", tensorflow.__version__)'
