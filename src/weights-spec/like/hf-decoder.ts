import { normal, ONES, rule, ZEROS } from './conventions.js';
import { linear, paddingRow, type HfFields, type HfModel, type HfTable } from './hf-fields.js';

/*
 * Llama, Mistral and Qwen2 (transformers 5.18 models/{llama,mistral,qwen2}/modeling_*.py): one
 * decoder layout. Differences: Qwen2 has q/k/v biases (o_proj none); Llama's attention_bias puts
 * biases on all four projections and mlp_bias on the MLP; Mistral has none. The rotary inv_freq
 * buffers are not persistent, so they are not in state_dict.
 */

interface Variant {
  readonly modelType: string;
  readonly prefix: string;
  /** Biases on (q, k, v) and on o_proj, and on the MLP, from the config. */
  biases(f: HfFields): { qkv: boolean; o: boolean; mlp: boolean };
}

function decoder(v: Variant): HfModel {
  const base = `${v.prefix}Model`;
  const lm = `${v.prefix}ForCausalLM`;
  return {
    modelType: v.modelType,
    layout: 'torch',
    architectures: [base, lm],
    build(f: HfFields, architecture: string): HfTable {
      const hidden = f.int('hidden_size');
      const heads = f.int('num_attention_heads');
      const kvHeads = f.int('num_key_value_heads', heads);
      const headDim = f.int('head_dim', f.divide('hidden_size', hidden, 'num_attention_heads', heads));
      const inter = f.int('intermediate_size');
      const layers = f.int('num_hidden_layers');
      const vocab = f.int('vocab_size');
      const std = f.positive('initializer_range', 0.02);
      const tie = f.bool('tie_word_embeddings', false);
      const pad = f.index('pad_token_id', undefined);
      const b = v.biases(f);
      const p = architecture === base ? '' : 'model.';
      const t: HfTable['tensors'] = [{ name: `${p}embed_tokens.weight`, shape: [vocab, hidden] }];
      for (let i = 0; i < layers; i++) {
        const at = `${p}layers.${i}`;
        linear(t, `${at}.self_attn.q_proj`, heads * headDim, hidden, b.qkv);
        linear(t, `${at}.self_attn.k_proj`, kvHeads * headDim, hidden, b.qkv);
        linear(t, `${at}.self_attn.v_proj`, kvHeads * headDim, hidden, b.qkv);
        linear(t, `${at}.self_attn.o_proj`, hidden, heads * headDim, b.o);
        linear(t, `${at}.mlp.gate_proj`, inter, hidden, b.mlp);
        linear(t, `${at}.mlp.up_proj`, inter, hidden, b.mlp);
        linear(t, `${at}.mlp.down_proj`, hidden, inter, b.mlp);
        t.push({ name: `${at}.input_layernorm.weight`, shape: [hidden] }, { name: `${at}.post_attention_layernorm.weight`, shape: [hidden] });
      }
      t.push({ name: `${p}norm.weight`, shape: [hidden] });
      // A tied lm_head is the embedding: writing it would untie the model on load.
      if (architecture === lm && !tie) t.push({ name: 'lm_head.weight', shape: [vocab, hidden] });
      return {
        tensors: t,
        rules: [
          rule('**.*norm.weight', ONES, `${v.prefix}RMSNorm weights: ones`),
          rule('**.bias', ZEROS, 'Linear biases: zeros'),
          rule('**', normal(std), `Linear and Embedding weights: normal(0, initializer_range = ${std})`),
        ],
        zeroRows: paddingRow(f, `${p}embed_tokens.weight`, pad, vocab),
      };
    },
  };
}

export const LLAMA = decoder({
  modelType: 'llama',
  prefix: 'Llama',
  biases: (f) => {
    const attn = f.bool('attention_bias', false);
    return { qkv: attn, o: attn, mlp: f.bool('mlp_bias', false) };
  },
});

export const MISTRAL = decoder({ modelType: 'mistral', prefix: 'Mistral', biases: () => ({ qkv: false, o: false, mlp: false }) });

export const QWEN2 = decoder({ modelType: 'qwen2', prefix: 'Qwen2', biases: () => ({ qkv: true, o: false, mlp: false }) });
