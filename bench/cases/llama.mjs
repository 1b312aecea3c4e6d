// Opt-in rows (BENCH_LLAMA=1; heavy): a Llama bf16 checkpoint made from its config.json, by
// init-weights (`gen --like DIR/config.json -o DIR/ --max-shard-size 2GB`) and by torch
// (`LlamaForCausalLM(config)`, `.to(bfloat16)`, `save_pretrained`: bench/llama_torch.py), wall time
// and peak RSS alternated in the same run. Two configs (issue 10 and 12), vocab 32000: ~0.3B (hidden
// 1024, 16 layers) and TinyLlama-1.1B's (hidden 2048, intermediate 5632, 22 layers, 4 key-value
// heads: 1.10B). BENCH_LLAMA=small or =big runs one.
//
// While `gen --like` is not in the CLI, the spec is made once from the config through the library
// (loadSpec + printableSpec, outside the timing) and the timed command is `gen --spec FILE`.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const CONFIGS = {
  small: { hidden_size: 1024, intermediate_size: 2816, num_attention_heads: 16, num_key_value_heads: 16, num_hidden_layers: 16 },
  big: { hidden_size: 2048, intermediate_size: 5632, num_attention_heads: 32, num_key_value_heads: 4, num_hidden_layers: 22 },
};

function configJson(size) {
  return {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32000,
    max_position_embeddings: 2048, rms_norm_eps: 1e-6, tie_word_embeddings: false, torch_dtype: 'bfloat16',
    initializer_range: 0.02, ...CONFIGS[size],
  };
}

/** Whether the built CLI has `gen --like` yet. */
function hasLike(kit) {
  const help = execFileSync(process.execPath, [kit.BIN, 'gen', '--help'], { encoding: 'utf8' });
  return /--like\b/.test(help);
}

/** The resolved spec of a config.json through the library; returns [spec path, parameter count]. */
function specFromLibrary(kit, config, seed, file) {
  const code = `const [, root, config, seed, file] = process.argv;
const { loadSpec } = await import(root + '/dist/weights-spec/load.js');
const { printableSpec } = await import(root + '/dist/weights-spec/printable.js');
const { spec } = await loadSpec({ like: config, overrides: { seed: Number(seed) } });
(await import('node:fs')).writeFileSync(file, JSON.stringify(printableSpec(spec)));
process.stdout.write(String(spec.tensors.reduce((s, t) => s + t.size, 0)));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', code, kit.ROOT, config, seed, file], { encoding: 'utf8' }));
}

/** After a run: the index must be there (the whole job was done); then drop everything but config.json. */
function checkAndClear(dir) {
  return () => {
    const names = readdirSync(dir);
    if (!names.some((n) => n.endsWith('.safetensors'))) throw new Error(`${dir}: no .safetensors written`);
    for (const n of names) if (n !== 'config.json') rmSync(`${dir}/${n}`, { recursive: true, force: true });
  };
}

/** @returns {object[]} bench cases (see bench/run.mjs for their shape). */
export function cases(o, kit) {
  const which = (process.env.BENCH_LLAMA ?? '').toLowerCase();
  if (!/^(1|true|yes|on|small|big)$/.test(which)) return [];
  const like = hasLike(kit);
  const rows = [];
  for (const size of Object.keys(CONFIGS)) {
    if ((which === 'small' || which === 'big') && which !== size) continue;
    const iwDir = kit.join(o.outDir, `llama-${size}-iw`);
    const ptDir = kit.join(o.outDir, `llama-${size}-torch`);
    for (const d of [iwDir, ptDir]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(kit.join(d, 'config.json'), JSON.stringify(configJson(size), null, 2));
    }
    const config = kit.join(iwDir, 'config.json');
    const specFile = kit.join(o.outDir, `llama-${size}.spec.json`);
    const params = specFromLibrary(kit, config, o.seed, specFile);
    const source = like ? ['--like', config] : ['--spec', specFile];
    const c = configJson(size);
    rows.push({
      id: `llama-${size}`,
      title: `Llama bf16 checkpoint, ${(params / 1e9).toFixed(2)}B params (hidden ${c.hidden_size}, ${c.num_hidden_layers} layers, vocab ${c.vocab_size}), 2GB shards; peer: torch LlamaForCausalLM + save_pretrained`,
      values: params,
      detail: like ? '`gen --like DIR/config.json -o DIR/`' : '`gen --spec` of the spec loadSpec makes from config.json (made once, untimed)',
      commands: [
        { tool: 'init-weights', argv: [process.execPath, kit.BIN, 'gen', ...source, '--seed', o.seed, '-o', `${iwDir}/`, '--max-shard-size', '2GB', '--force', '--quiet'], stdout: 'inherit', after: checkAndClear(iwDir) },
        { tool: 'torch', argv: [o.python, kit.join(kit.BENCH, 'llama_torch.py'), ptDir, ptDir, o.seed, '2GB'], stdout: 'inherit', after: checkAndClear(ptDir),
          env: Object.fromEntries(['OMP_NUM_THREADS', 'MKL_NUM_THREADS'].map((k) => [k, String(availableParallelism())])) }, // torch on every core
      ],
      ratio: ['torch', 'init-weights'],
      cleanup: () => { for (const d of [iwDir, ptDir]) if (existsSync(d)) rmSync(d, { recursive: true, force: true }); rmSync(specFile, { force: true }); },
    });
  }
  return rows;
}
