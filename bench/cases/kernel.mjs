// Rows of issue 12 about generation speed, each with the write limit (zeros of the same size written
// to the same disk, alternated in the same case):
// - 100M float32 -> safetensors, init-weights (default threads) vs torch's one-liner
//   `torch.empty(n).normal_(0, 0.05)` + `safetensors.torch.save_file` (torch uses its own threads);
// - the same job in float32, float16 and bfloat16 (init-weights alone): the 16-bit rows print their
//   values/s as a fraction of float32's (target: within 10%).
// N is BENCH_KERNEL_N (default 1e8). Select with --only kernel (or torch, dtype-).

import { spawnSync } from 'node:child_process';

const TORCH = 'import sys, torch; from safetensors.torch import save_file; n, seed, path = int(float(sys.argv[1])), int(sys.argv[2]), sys.argv[3]; ' +
  'torch.manual_seed(seed); save_file({"weights": torch.empty(n).normal_(0, 0.05)}, path)';

const WIDTH = { float32: 4, float16: 2, bfloat16: 2 };

/** Whether the bench Python can run the torch peer. */
function hasTorch(python) {
  return spawnSync(python, ['-c', 'import torch, safetensors'], { stdio: 'ignore' }).status === 0;
}

/** @returns {object[]} bench cases (see bench/run.mjs for their shape). */
export function cases(o, kit) {
  const n = Number(process.env.BENCH_KERNEL_N ?? 1e8);
  const out = (name) => kit.join(o.outDir, name);
  const rows = [];
  const torch = hasTorch(o.python);
  rows.push({
    id: `kernel-torch-safetensors-${n}`,
    title: `gen .safetensors float32, default threads; peer: ${torch ? 'torch normal_ + save_file' : 'none (torch not installed)'}`,
    values: n,
    detail: 'normal(0, 0.05) into one safetensors file',
    commands: [
      { tool: 'init-weights', argv: kit.iwGen(o, n, out('iw-kernel.safetensors')), stdout: 'inherit', output: out('iw-kernel.safetensors') },
      ...(torch ? [{ tool: 'torch', argv: [o.python, '-c', TORCH, String(n), o.seed, out('torch-kernel.safetensors')], stdout: 'inherit', output: out('torch-kernel.safetensors') }] : []),
      kit.zerosCmd(o, n * 4, out('zeros-kernel.bin')),
    ],
    ...(torch ? { ratio: ['torch', 'init-weights'] } : {}),
  });
  for (const dtype of Object.keys(WIDTH)) {
    const file = out(`iw-dtype-${dtype}.safetensors`);
    rows.push({
      id: `kernel-dtype-${dtype}-${n}`,
      title: `gen .safetensors ${dtype}, default threads`,
      values: n,
      detail: `normal(0, 0.05) as ${dtype}`,
      commands: [
        { tool: 'init-weights', argv: kit.iwGen(o, n, file, ['--dtype', dtype]), stdout: 'inherit', output: file },
        kit.zerosCmd(o, n * WIDTH[dtype], out(`zeros-dtype-${dtype}.bin`)),
      ],
      ...(dtype !== 'float32' ? { rateVs: `kernel-dtype-float32-${n}` } : {}),
    });
  }
  return rows;
}
