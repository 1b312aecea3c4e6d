import { normal, ONES, rule, ZEROS } from './conventions.js';
import type { HfFields, HfModel, HfTable } from './hf-fields.js';

/*
 * GPT-2 (transformers 5.18 models/gpt2/modeling_gpt2.py). Its Conv1D stores weights as (in, out).
 * _init_weights: normal(0, initializer_range) for Conv1D, Linear and Embedding weights, zeros for
 * biases, LayerNorm ones/zeros, and every c_proj.weight (attention and MLP: the residual branches)
 * normal(0, initializer_range / sqrt(2 * n_layer)). The causal-mask `attn.bias` buffer is not
 * persistent; wte has no padding_idx.
 */
export const GPT2: HfModel = {
  modelType: 'gpt2',
  architectures: ['GPT2Model', 'GPT2LMHeadModel'],
  build(f: HfFields, architecture: string): HfTable {
    f.unsupported('add_cross_attention', false);
    const embd = f.int('n_embd');
    const layers = f.int('n_layer');
    f.divide('n_embd', embd, 'n_head', f.int('n_head'));
    const positions = f.int('n_positions');
    const vocab = f.int('vocab_size');
    const inner = f.int('n_inner', 4 * embd);
    const std = f.positive('initializer_range', 0.02);
    const tie = f.bool('tie_word_embeddings', true);
    const p = architecture === 'GPT2Model' ? '' : 'transformer.';
    const t: HfTable['tensors'] = [
      { name: `${p}wte.weight`, shape: [vocab, embd] },
      { name: `${p}wpe.weight`, shape: [positions, embd] },
    ];
    const norm = (name: string) => t.push({ name: `${name}.weight`, shape: [embd] }, { name: `${name}.bias`, shape: [embd] });
    const conv1d = (name: string, inDim: number, outDim: number) =>
      t.push({ name: `${name}.weight`, shape: [inDim, outDim] }, { name: `${name}.bias`, shape: [outDim] });
    for (let i = 0; i < layers; i++) {
      const at = `${p}h.${i}`;
      norm(`${at}.ln_1`);
      conv1d(`${at}.attn.c_attn`, embd, 3 * embd);
      conv1d(`${at}.attn.c_proj`, embd, embd);
      norm(`${at}.ln_2`);
      conv1d(`${at}.mlp.c_fc`, embd, inner);
      conv1d(`${at}.mlp.c_proj`, inner, embd);
    }
    norm(`${p}ln_f`);
    if (architecture === 'GPT2LMHeadModel' && !tie) t.push({ name: 'lm_head.weight', shape: [vocab, embd] });
    const scaled = std / Math.sqrt(2 * layers);
    return {
      tensors: t,
      rules: [
        rule('**.ln_*.weight', ONES, 'LayerNorm weights: ones'),
        rule('**.bias', ZEROS, 'biases: zeros'),
        rule('**.c_proj.weight', normal(scaled), `residual projections: normal(0, initializer_range / sqrt(2 * n_layer) = ${scaled})`),
        rule('**', normal(std), `Conv1D and Embedding weights: normal(0, initializer_range = ${std})`),
      ],
      zeroRows: [],
    };
  },
};
