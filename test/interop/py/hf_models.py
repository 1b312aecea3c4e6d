"""Interop with transformers for `like` (issue 10).

  hf_models.py make OUT     tiny configs (hidden 64, 2 layers, vocab 100) of llama, mistral, qwen2,
                            gpt2 and bert, saved config-only into OUT/<type>/; and a tiny Llama
                            checkpoint transformers saved (bf16), one file in OUT/saved-single/ and
                            sharded in OUT/saved-sharded/. Prints {dir: {name: [shape, dtype]}} for
                            the saved checkpoints, read with safetensors.
  hf_models.py check DIR... from_pretrained(DIR, output_loading_info=True) for each DIR and a
                            per-tensor law check (padding rows apart); prints one JSON report per
                            DIR, with each nn.Embedding padding row transformers zeroes and its
                            largest absolute value as loaded.
"""
import json
import logging
import math
import os
import sys

import torch
import transformers
from safetensors import safe_open
from transformers import AutoConfig

TINY = {
    'llama': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                  vocab_size=100, architectures=['LlamaForCausalLM']),
    'mistral': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                    vocab_size=100, architectures=['MistralForCausalLM']),
    'qwen2': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                  vocab_size=100, architectures=['Qwen2ForCausalLM']),
    'gpt2': dict(n_embd=64, n_layer=2, n_head=4, vocab_size=100, n_positions=32, bos_token_id=0, eos_token_id=0,
                 architectures=['GPT2LMHeadModel']),
    'bert': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=100,
                 max_position_embeddings=32, architectures=['BertForMaskedLM']),
}


def headers(d):
    out = {}
    for f in sorted(os.listdir(d)):
        if f.endswith('.safetensors'):
            with safe_open(os.path.join(d, f), 'pt') as s:
                for k in s.keys():
                    sl = s.get_slice(k)
                    out[k] = [list(sl.get_shape()), sl.get_dtype()]
    return out


def make(out):
    for mt, kw in TINY.items():
        AutoConfig.for_model(mt, **kw).save_pretrained(os.path.join(out, mt))
    torch.manual_seed(0)
    cfg = AutoConfig.for_model('llama', **TINY['llama'], dtype='bfloat16')
    model = transformers.LlamaForCausalLM(cfg).to(torch.bfloat16)
    saved = {}
    for name, shard in (('saved-single', '50MB'), ('saved-sharded', '20KB')):
        d = os.path.join(out, name)
        model.save_pretrained(d, max_shard_size=shard)
        saved[d] = headers(d)
    print(json.dumps({'transformers': transformers.__version__, 'saved': saved}))


def law(model, cfg, name, module):
    """The law transformers' _init_weights gives this parameter (mirrors modeling_utils + the model's override)."""
    std = cfg.initializer_range
    kind = type(module).__name__
    if name.endswith('.bias'):
        return ('zeros', 0.0)
    if 'Norm' in kind:
        return ('ones', 1.0)
    if cfg.model_type == 'gpt2' and name.endswith('c_proj.weight'):
        return ('normal', std / math.sqrt(2 * cfg.n_layer))
    return ('normal', std)


def check(d):
    records = []
    handler = logging.Handler()
    handler.emit = lambda r: records.append(r.getMessage())
    logging.getLogger('transformers').addHandler(handler)
    cfg = AutoConfig.from_pretrained(d)
    cls = getattr(transformers, cfg.architectures[0])
    model, info = cls.from_pretrained(d, output_loading_info=True)
    logging.getLogger('transformers').removeHandler(handler)
    modules = dict(model.named_modules())
    tensors = {}
    padding = {}
    for name, p in model.state_dict().items():
        owner = modules[name.rsplit('.', 1)[0]]
        kind, value = law(model, cfg, name, owner)
        w = p.detach().double()
        pad = getattr(owner, 'padding_idx', None) if isinstance(owner, torch.nn.Embedding) else None
        if pad is not None:
            padding[name] = {'row': pad, 'max_abs': w[pad].abs().max().item()}
            # The law is for the drawn rows; the padding row is checked on its own.
            w = torch.cat([w[:pad], w[pad + 1:]])
        x = w.flatten()
        tensors[name] = {'kind': kind, 'law': value, 'n': x.numel(), 'mean': x.mean().item(), 'std': x.std(unbiased=False).item(),
                         'min': x.min().item(), 'max': x.max().item(), 'dtype': str(p.dtype)}
    return {
        'missing': list(info['missing_keys']), 'unexpected': list(info['unexpected_keys']),
        'mismatched': [list(map(str, m)) for m in info['mismatched_keys']], 'errors': list(info.get('error_msgs', [])),
        'newly_initialized': [r for r in records if 'newly initialized' in r],
        # Shared storage exactly when the config ties the embeddings (an extra lm_head would untie them).
        'tie_as_config': (model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr())
        == bool(cfg.tie_word_embeddings),
        'tensors': tensors,
        'padding': padding,
    }


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        make(sys.argv[2])
    else:
        print(json.dumps({d: check(d) for d in sys.argv[2:]}))
