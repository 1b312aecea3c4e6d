"""Load what init-weights wrote for a torch layer spec into the real torch modules (issue 11).

Usage: torch_layers.py FILE.safetensors
Builds Net (every layer type of the torch vocabulary), load_state_dict(strict=True) from the file,
and prints one JSON object: whether it loaded (and torch's error if not), the file's keys in order,
the module's state_dict keys in order, and per tensor our values' statistics beside the law torch's
own reset_parameters draws from (fans and gains from torch.nn.init's helpers) and a fresh torch
draw's statistics, so the test compares us with torch rather than with a formula of its own.
"""
import json
import math
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file
from torch import nn
from transformers.pytorch_utils import Conv1D

PADDING_IDX = 3


class Net(nn.Module):
    """Every torch layer type of the spec in test/interop/torch.test.ts, with the same names."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(1000, 64, padding_idx=PADDING_IDX)
        self.conv1 = nn.Conv1d(64, 128, 3, groups=4)
        self.conv2 = nn.Conv2d(128, 64, (3, 2))
        self.conv3 = nn.Conv3d(64, 32, 2, bias=False)
        self.bn = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, 256)
        self.ln = nn.LayerNorm([4, 256])
        self.ln_nobias = nn.LayerNorm(256, bias=False)
        self.rms = nn.RMSNorm(256)
        self.c_attn = Conv1D(768, 256)
        self.head = nn.Sequential(nn.Linear(768, 512), nn.ReLU(), nn.Linear(512, 10))


def kaiming_a_sqrt5_bound(weight):
    """kaiming_uniform_(w, a=sqrt(5)) as torch computes it: gain / sqrt(fan_in) * sqrt(3)."""
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
    return math.sqrt(3.0) * nn.init.calculate_gain("leaky_relu", math.sqrt(5)) / math.sqrt(fan_in)


def laws(net):
    """The law of each state_dict entry, from each module's reset_parameters."""
    out = {}
    for prefix, m in net.named_modules():
        p = prefix + "." if prefix else ""
        if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            out[p + "weight"] = {"kind": "uniform", "bound": kaiming_a_sqrt5_bound(m.weight)}
            if m.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(m.weight)
                out[p + "bias"] = {"kind": "uniform", "bound": 1 / math.sqrt(fan_in)}
        elif isinstance(m, nn.Embedding):
            out[p + "weight"] = {"kind": "normal", "std": 1.0}
        elif isinstance(m, Conv1D):
            out[p + "weight"] = {"kind": "normal", "std": 0.02}
            out[p + "bias"] = {"kind": "constant", "value": 0.0}
    for name, t in net.state_dict().items():
        if name not in out:
            # Norm weights, biases and running statistics: constants in a fresh module.
            out[name] = {"kind": "constant", "value": float(t.flatten()[0]) if t.numel() else 0.0}
    return out


def stats(t):
    x = t.detach().to(torch.float64).flatten()
    if x.numel() == 0:
        return {"n": 0}
    return {
        "n": x.numel(),
        "mean": float(x.mean()),
        "std": float(x.std(unbiased=False)),
        "min": float(x.min()),
        "max": float(x.max()),
    }


def main(path):
    with safe_open(path, "pt") as f:
        file_keys = list(f.keys())
        file_dtypes = {k: str(f.get_slice(k).get_dtype()) for k in file_keys}
    # safe_open lists keys sorted; the order written is the order of the data offsets.
    with open(path, "rb") as fh:
        header = json.loads(fh.read(int.from_bytes(fh.read(8), "little")))
    header.pop("__metadata__", None)
    written_order = sorted(header, key=lambda k: header[k]["data_offsets"][0])

    torch.manual_seed(0)
    net = Net()
    fresh = {k: stats(v) for k, v in net.state_dict().items()}
    law = laws(net)
    state = load_file(path)
    error = None
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        error = str(e)
    sd = net.state_dict()
    emb = sd["emb.weight"]
    other_rows = torch.cat([emb[:PADDING_IDX], emb[PADDING_IDX + 1 :]])
    print(json.dumps({
        "torch": torch.__version__,
        "error": error,
        "state_dict_keys": list(sd.keys()),
        "written_order": written_order,
        "file_dtypes": file_dtypes,
        "tensors": {k: {**stats(v), "dtype": str(v.dtype), "law": law[k], "fresh": fresh[k]} for k, v in sd.items()},
        "padding_row_max_abs": float(emb[PADDING_IDX].abs().max()),
        "other_rows_min_abs_max": float(other_rows.abs().max(dim=1).values.min()),
        "num_batches_tracked": {"in_file": "bn.num_batches_tracked" in state, "value": int(sd["bn.num_batches_tracked"]),
                                "dtype": str(sd["bn.num_batches_tracked"].dtype)},
    }))


if __name__ == "__main__":
    main(sys.argv[1])
