// One row per output format: init-weights writing N float32 values (default 1e8, BENCH_FORMAT_N)
// as .npz, .npz --compress, safetensors, an Arrow file and an Arrow stream into a pipe, each beside
// the Python one-liner a user would write for the same file (the "numpy" column): np.savez,
// np.savez_compressed, safetensors.numpy.save_file, pyarrow's IPC file and stream writers. The
// Python side draws with numpy's Generator.normal, as bench/numpy_gen.py does; a peer whose package
// is missing from the bench Python is left out (the row keeps init-weights alone).

import { spawnSync } from 'node:child_process';

const DRAW = 'import sys, numpy as np; n, seed, path = int(float(sys.argv[1])), int(sys.argv[2]), sys.argv[3]; ' +
  'a = np.random.default_rng(seed).normal(0, 0.05, n).astype(np.float32)';

/** Python snippets run as `python -c CODE N SEED PATH`; each writes the array `a` as a user would. */
const PEERS = {
  npz: { needs: 'numpy', code: `${DRAW}; np.savez(path, weights=a)`, label: 'np.savez' },
  'npz-deflate': { needs: 'numpy', code: `${DRAW}; np.savez_compressed(path, weights=a)`, label: 'np.savez_compressed' },
  safetensors: { needs: 'safetensors', code: `${DRAW}; from safetensors.numpy import save_file; save_file({"weights": a}, path)`, label: 'safetensors.numpy.save_file' },
  arrow: {
    needs: 'pyarrow',
    code: `${DRAW}; import pyarrow as pa; t = pa.table({"weights": a}); w = pa.ipc.new_file(path, t.schema); w.write_table(t); w.close()`,
    label: 'pyarrow ipc.new_file',
  },
  'arrow-stream': {
    needs: 'pyarrow',
    code: `${DRAW}; import pyarrow as pa; t = pa.table({"weights": a}); w = pa.ipc.new_stream(sys.stdout.buffer, t.schema); w.write_table(t); w.close()`,
    label: 'pyarrow ipc.new_stream to stdout',
  },
};

function pythonHas(python, module) {
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** @returns {object[]} bench cases (see bench/run.mjs for their shape). */
export function cases(o, kit) {
  const n = Number(process.env.BENCH_FORMAT_N ?? 1e8);
  const rows = [
    { id: 'npz', ext: 'npz', extra: [], title: 'gen .npz float32 (stored)' },
    { id: 'npz-deflate', ext: 'npz', extra: ['--compress'], title: 'gen .npz float32 --compress (deflate)' },
    { id: 'safetensors', ext: 'safetensors', extra: [], title: 'gen .safetensors float32' },
    { id: 'arrow', ext: 'arrow', extra: [], title: 'gen .arrow float32 (IPC file)' },
    { id: 'arrow-stream', ext: '-', extra: ['--format', 'arrow-stream'], title: 'gen Arrow stream to a pipe' },
  ];
  const has = new Map();
  return rows.map((r) => {
    const iwOut = r.ext === '-' ? '-' : kit.join(o.outDir, `iw-format-${r.id}.${r.ext}`);
    const pyOut = r.ext === '-' ? '/dev/stdout' : kit.join(o.outDir, `py-format-${r.id}.${r.ext}`);
    const stdout = r.ext === '-' ? 'discard' : 'inherit';
    const commands = [{ tool: 'init-weights', argv: kit.iwGen(o, n, iwOut, r.extra), stdout, ...(r.ext === '-' ? {} : { output: iwOut }) }];
    const peer = PEERS[r.id];
    if (!has.has(peer.needs)) has.set(peer.needs, pythonHas(o.python, peer.needs));
    if (has.get(peer.needs)) {
      commands.push({ tool: 'numpy', argv: [o.python, '-c', peer.code, String(n), o.seed, pyOut], stdout, ...(r.ext === '-' ? {} : { output: pyOut }) });
    }
    return {
      id: `format-${r.id}-${n}`,
      title: `${r.title}; peer: ${has.get(peer.needs) ? peer.label : 'none (not installed)'}`,
      values: n,
      detail: `normal(0, 0.05), seed ${o.seed}; peer: ${peer.label}`,
      commands,
      ...(commands.length > 1 ? { ratio: ['numpy', 'init-weights'] } : {}),
    };
  });
}
