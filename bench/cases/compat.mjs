// One row per compat mode: init-weights drawing N float32 values of the framework's own stream
// (dist/compat/stream.js, one thread, chunked) beside the framework drawing the same values: numpy's
// default_rng(seed).normal(...).astype(float32), torch.manual_seed(seed) + normal_, and tfjs-core's
// tf.randomNormal in Node. The framework runs in the "numpy" column (the peer is named in the title).
// N: BENCH_COMPAT_N (default 1e7). Until `gen --compat` is wired, the init-weights side is a node
// one-liner over the library; both sides include process start-up.

import { spawnSync } from 'node:child_process';

const OURS = `const [, dist, mode, n, seed] = process.argv;
const { compatChunks } = await import(dist);
const t = { name: 'w', shape: [Number(n)], dtype: 'float32', seed: Number(seed), initializer: { type: 'normal', params: { mean: 0, stddev: 0.05 } } };
const out = new Float32Array(65536); let sum = 0;
for (const c of compatChunks(mode, [t])) { out.set(c.values); sum += out[0]; }
if (!Number.isFinite(sum)) process.exit(1);`;

const PEERS = {
  numpy: { needs: 'numpy', label: 'np.random.default_rng(seed).normal', python: 'import sys, numpy as np; a = np.random.default_rng(int(sys.argv[2])).normal(0, 0.05, int(float(sys.argv[1]))).astype(np.float32)' },
  torch: { needs: 'torch', label: 'torch.manual_seed + normal_', python: 'import sys, torch; torch.manual_seed(int(sys.argv[2])); a = torch.empty(int(float(sys.argv[1]))).normal_(0, 0.05)' },
  keras: {
    needs: 'tensorflow',
    label: 'keras.initializers.RandomNormal(seed) in TensorFlow',
    python: 'import sys, tensorflow as tf; a = tf.keras.initializers.RandomNormal(0.0, 0.05, seed=int(sys.argv[2]))(shape=(int(float(sys.argv[1])),)).numpy()',
  },
  tfjs: {
    needs: null,
    label: 'tf.randomNormal (tfjs-core, cpu backend)',
    node: `const [, n, seed] = process.argv; const tf = await import('@tensorflow/tfjs-core'); await import('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu'); const a = tf.randomNormal([Number(n)], 0, 0.05, 'float32', Number(seed)); a.dataSync();`,
  },
};

function pythonHas(python, module) {
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** @returns {object[]} bench cases (see bench/run.mjs for their shape). */
export function cases(o, kit) {
  const n = Number(process.env.BENCH_COMPAT_N ?? 1e7);
  const dist = kit.join(kit.ROOT, 'dist', 'compat', 'stream.js');
  return Object.entries(PEERS).map(([mode, peer]) => {
    const commands = [{ tool: 'init-weights', argv: [process.execPath, '--input-type=module', '-e', OURS, dist, mode, String(n), o.seed], stdout: 'discard' }];
    const has = peer.needs === null || pythonHas(o.python, peer.needs);
    if (has) {
      const argv = peer.python !== undefined ? [o.python, '-c', peer.python, String(n), o.seed] : [process.execPath, '--input-type=module', '-e', peer.node, String(n), o.seed];
      commands.push({ tool: 'numpy', argv, stdout: 'discard' });
    }
    return {
      id: `compat-${mode}-${n}`,
      title: `--compat ${mode}: normal(0, 0.05) float32; peer: ${has ? peer.label : 'none (not installed)'}`,
      values: n,
      detail: `same values bit for bit; seed ${o.seed}`,
      commands,
      ...(commands.length > 1 ? { ratio: ['numpy', 'init-weights'] } : {}),
    };
  });
}
