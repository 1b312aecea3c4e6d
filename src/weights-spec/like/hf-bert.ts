import { normal, ONES, rule, ZEROS } from './conventions.js';
import { linear, paddingRow, type HfFields, type HfModel, type HfTable } from './hf-fields.js';

/*
 * BERT (transformers 5.18 models/bert/modeling_bert.py). BertModel has the pooler; BertForMaskedLM
 * wraps it as `bert.` without the pooler and adds `cls.predictions`, whose decoder weight and bias
 * are tied to the word embeddings and to `cls.predictions.bias` unless tie_word_embeddings is
 * false. position_ids and token_type_ids are non-persistent buffers (not in state_dict).
 * word_embeddings has padding_idx = pad_token_id (BertConfig default 0).
 */
export const BERT: HfModel = {
  modelType: 'bert',
  layout: 'torch',
  architectures: ['BertModel', 'BertForMaskedLM'],
  build(f: HfFields, architecture: string): HfTable {
    f.unsupported('add_cross_attention', false);
    f.unsupported('is_decoder', false);
    const hidden = f.int('hidden_size');
    f.divide('hidden_size', hidden, 'num_attention_heads', f.int('num_attention_heads'));
    const layers = f.int('num_hidden_layers');
    const inter = f.int('intermediate_size');
    const vocab = f.int('vocab_size');
    const positions = f.int('max_position_embeddings');
    const types = f.int('type_vocab_size', 2);
    const std = f.positive('initializer_range', 0.02);
    const tie = f.bool('tie_word_embeddings', true);
    const pad = f.index('pad_token_id', 0);
    const base = architecture === 'BertModel';
    const p = base ? '' : 'bert.';
    const t: HfTable['tensors'] = [
      { name: `${p}embeddings.word_embeddings.weight`, shape: [vocab, hidden] },
      { name: `${p}embeddings.position_embeddings.weight`, shape: [positions, hidden] },
      { name: `${p}embeddings.token_type_embeddings.weight`, shape: [types, hidden] },
    ];
    const norm = (name: string) => t.push({ name: `${name}.weight`, shape: [hidden] }, { name: `${name}.bias`, shape: [hidden] });
    norm(`${p}embeddings.LayerNorm`);
    for (let i = 0; i < layers; i++) {
      const at = `${p}encoder.layer.${i}`;
      for (const qkv of ['query', 'key', 'value']) linear(t, `${at}.attention.self.${qkv}`, hidden, hidden, true);
      linear(t, `${at}.attention.output.dense`, hidden, hidden, true);
      norm(`${at}.attention.output.LayerNorm`);
      linear(t, `${at}.intermediate.dense`, inter, hidden, true);
      linear(t, `${at}.output.dense`, hidden, inter, true);
      norm(`${at}.output.LayerNorm`);
    }
    if (base) {
      linear(t, 'pooler.dense', hidden, hidden, true);
    } else {
      t.push({ name: 'cls.predictions.bias', shape: [vocab] });
      linear(t, 'cls.predictions.transform.dense', hidden, hidden, true);
      norm('cls.predictions.transform.LayerNorm');
      if (!tie) linear(t, 'cls.predictions.decoder', vocab, hidden, true);
    }
    return {
      tensors: t,
      rules: [
        rule('**.LayerNorm.weight', ONES, 'LayerNorm weights: ones'),
        rule('**.bias', ZEROS, 'biases (and the LM head bias): zeros'),
        rule('**', normal(std), `Linear and Embedding weights: normal(0, initializer_range = ${std})`),
      ],
      zeroRows: paddingRow(f, `${p}embeddings.word_embeddings.weight`, pad, vocab),
    };
  },
};
