#!/usr/bin/env python3
"""The torch side of the Llama bench row: a randomly initialised checkpoint from a config.json.

Usage: llama_torch.py CONFIG_DIR OUT_DIR SEED MAX_SHARD_SIZE

What a transformers user writes for a fresh bf16 checkpoint (issue 12):
    model = LlamaForCausalLM(config); model.to(torch.bfloat16); model.save_pretrained(out, max_shard_size=...)
torch uses its default threads (every core), like init-weights' default.
"""
import sys

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: llama_torch.py CONFIG_DIR OUT_DIR SEED MAX_SHARD_SIZE")
    config_dir, out, seed, shard = argv
    torch.manual_seed(int(seed))
    model = LlamaForCausalLM(LlamaConfig.from_pretrained(config_dir))
    model.to(torch.bfloat16)
    model.save_pretrained(out, max_shard_size=shard)


if __name__ == "__main__":
    main(sys.argv[1:])
