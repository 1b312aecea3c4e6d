// Bench rows: `init-weights inspect` vs numpy computing the same report (bench/inspect_numpy.py:
// mean, std, min, max, the seven percentiles, a 20-bin histogram over mean ± 4 std clipped to
// [min, max], per tensor: the work of `inspect` minus the KS fit, which init-weights does too).
//
// - inspect-1e8: one .npy of 1e8 float32 values (400 MB), numpy reading it memory-mapped.
// - inspect-llama-<dtype>: a Llama-shaped checkpoint in one safetensors file (hidden 1024, 16
//   layers, vocab 32000: 0.27B values, 147 tensors; issue 12's "real bf16 checkpoint" target),
//   made by `gen --like config.json`; numpy reads float16/float32 with safetensors.numpy.load_file
//   and bfloat16 (which numpy has no dtype for) memory-mapped and widened to float32.
//   BENCH_INSPECT_LLAMA picks the dtypes (default bfloat16,float16; add float32 for its 1 GB file;
//   0 for none).
// Inputs are made once with `init-weights gen` and kept in the bench output dir for reuse.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';

const LLAMA_CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 1024, intermediate_size: 2816,
  num_attention_heads: 16, num_key_value_heads: 16, num_hidden_layers: 16, vocab_size: 32000,
  max_position_embeddings: 2048, rms_norm_eps: 1e-6, tie_word_embeddings: false, initializer_range: 0.02,
};
/** Values in the checkpoint above (embeddings, 16 layers of attention, MLP and norms, final norm, head). */
const LLAMA_VALUES = 2 * 32000 * 1024 + 16 * (4 * 1024 * 1024 + 3 * 1024 * 2816 + 2 * 1024) + 1024;

function make(kit, file, argv) {
  process.stderr.write(`bench: making ${file} for the inspect rows\n`);
  execFileSync(process.execPath, [kit.BIN, 'gen', ...argv, '-o', file, '--force', '--quiet'], { stdio: 'inherit' });
}

function row(o, kit, id, title, values, file) {
  return {
    id,
    title,
    values,
    detail: 'per tensor: moments, 7 quantiles, 20-bin histogram (+ KS fit for init-weights)',
    commands: [
      { tool: 'init-weights', argv: [process.execPath, kit.BIN, 'inspect', file], stdout: 'devnull' },
      { tool: 'numpy', argv: [o.python, kit.join(kit.BENCH, 'inspect_numpy.py'), file], stdout: 'devnull' },
    ],
    ratio: ['numpy', 'init-weights'],
  };
}

export function cases(o, kit) {
  if (o.only !== '' && !'inspect'.includes(o.only) && !o.only.startsWith('inspect')) return [];
  const rows = [];
  const n = Number(process.env.BENCH_INSPECT_N ?? 1e8);
  const npy = kit.join(o.outDir, `inspect-${n}.npy`);
  if (!existsSync(npy) || statSync(npy).size !== kit.npyBytes(n)) make(kit, npy, ['--shape', String(n), '--seed', o.seed]);
  rows.push(row(o, kit, `inspect-${n}`, 'inspect .npy float32 (report)', n, npy));

  const dtypes = (process.env.BENCH_INSPECT_LLAMA ?? 'bfloat16,float16').split(',').filter((d) => d !== '' && d !== '0');
  if (dtypes.length === 0) return rows;
  const dir = kit.join(o.outDir, 'inspect-llama');
  mkdirSync(dir, { recursive: true });
  const config = kit.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify(LLAMA_CONFIG, null, 2));
  for (const dtype of dtypes) {
    const width = { bfloat16: 2, float16: 2, float32: 4 }[dtype];
    if (width === undefined) throw new Error(`BENCH_INSPECT_LLAMA: ${dtype} is not bfloat16, float16 or float32`);
    const file = kit.join(dir, `llama-${dtype}.safetensors`);
    // The data alone are values × width; the header adds a few KB.
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size < LLAMA_VALUES * width || size > LLAMA_VALUES * width + (1 << 20)) make(kit, file, ['--like', config, '--dtype', dtype, '--seed', o.seed]);
    rows.push(row(o, kit, `inspect-llama-${dtype}`, `inspect Llama-shaped safetensors ${dtype}, ${(LLAMA_VALUES / 1e9).toFixed(2)}B values, 147 tensors (report)`, LLAMA_VALUES, file));
  }
  return rows;
}
