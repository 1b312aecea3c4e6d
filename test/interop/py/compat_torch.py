"""The torch compat oracle: tensors drawn by torch itself, in order, after torch.manual_seed.

Usage: compat_torch.py SESSIONS.json OUT_DIR. Each session is {id, seed, tensors: [{type, params,
shape}]} (torch.nn.init functions on float32 tensors, in order) or {id, seed, module: "mixed"} (a
module of Linear, Conv2d, Embedding and LayerNorm, built after torch.manual_seed; its state_dict in
order). Tensor k of a session is written to OUT_DIR/ID-k.bin as little-endian float32. Prints
{"torch": version, "capability": ...} on stdout.
"""
import json
import sys

import torch
from torch import nn

init = torch.nn.init


def apply(x, t):
    p, kind = t["params"], t["type"]
    if kind == "normal":
        init.normal_(x, p["mean"], p["stddev"])
    elif kind == "uniform":
        init.uniform_(x, p["minval"], p["maxval"])
    elif kind == "truncated_normal":
        mean, std = p["mean"], p["stddev"]
        a, b = (p["a"], p["b"]) if "a" in p else (mean - 2 * std, mean + 2 * std)
        init.trunc_normal_(x, mean, std, a, b)
    elif kind == "xavier_uniform":
        init.xavier_uniform_(x, gain=p["gain"])
    elif kind == "xavier_normal":
        init.xavier_normal_(x, gain=p["gain"])
    elif kind == "kaiming_uniform":
        init.kaiming_uniform_(x, a=p["a"], mode=p["mode"], nonlinearity=p["nonlinearity"])
    elif kind == "kaiming_normal":
        init.kaiming_normal_(x, a=p["a"], mode=p["mode"], nonlinearity=p["nonlinearity"])
    elif kind == "zeros":
        init.zeros_(x)
    elif kind == "ones":
        init.ones_(x)
    elif kind == "constant":
        init.constant_(x, p["value"])
    elif kind == "identity":
        init.eye_(x)
        x.mul_(p["gain"])
    else:
        raise ValueError(f"unknown type {kind}")


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 32)
        self.conv = nn.Conv2d(3, 8, 3)
        self.emb = nn.Embedding(10, 16)
        self.ln = nn.LayerNorm(16)


def main():
    sessions = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    for s in sessions:
        torch.manual_seed(s["seed"])
        if "module" in s:
            tensors = [v for v in Mixed().state_dict().values()]
        else:
            tensors = []
            for t in s["tensors"]:
                x = torch.empty(t["shape"], dtype=torch.float32)
                with torch.no_grad():
                    apply(x, t)
                tensors.append(x)
        for k, x in enumerate(tensors):
            x.detach().numpy().astype("<f4").tofile(f"{out}/{s['id']}-{k}.bin")
    print(json.dumps({"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability()}))


main()
