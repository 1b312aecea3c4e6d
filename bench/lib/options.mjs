// Bench options: flags win over environment variables, which win over defaults.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';

// Options: flags win over environment variables, which win over defaults.

const HELP = `Usage: node bench/run.mjs [options]        (or: npm run bench -- [options])

  --runs N        counted runs per command and case       (BENCH_RUNS, default 3)
  --warmup N      uncounted warm-up runs first             (BENCH_WARMUP, default 1)
  --sizes A,B     element counts of the .npy rows         (BENCH_SIZES, default 1e7,1e8)
  --big/--no-big  the 4 GB streaming memory row           (BENCH_BIG=1/0, default on)
  --big-n N       elements streamed by the memory row     (BENCH_BIG_N, default 1e9)
  --only TEXT     run only cases whose id contains TEXT   (BENCH_ONLY)
  --python PATH   python with numpy                       (BENCH_PYTHON, default .venv/bin/python, else python3)
  --out-dir DIR   scratch dir for outputs                 (BENCH_OUT, default bench/out)
  --seed S        seed for every case                     (BENCH_SEED, default 42)

Case files (bench/cases/*.mjs) read their own variables: BENCH_FORMAT_N, BENCH_KERNEL_N, BENCH_INSPECT_N,
BENCH_COMPAT_N (default 1e7), BENCH_INSPECT_LLAMA (the bf16/float16 checkpoint rows of the inspect case) and the opt-in BENCH_LLAMA=1 (or =small, =big): Llama bf16 checkpoints
from a config.json vs torch's LlamaForCausalLM + save_pretrained (several GB written per run).

Progress goes to stderr; the report (markdown) to stdout; raw numbers to <out-dir>/last-run.json.
`;

/** Parsed options; `root` and `bench` are the repository and bench folders (for defaults). */
export function parseOptions(argv, env, { root, bench }) {
  const o = {
    runs: env.BENCH_RUNS ?? '3',
    warmup: env.BENCH_WARMUP ?? '1',
    sizes: env.BENCH_SIZES ?? '1e7,1e8',
    big: env.BENCH_BIG === undefined ? true : !/^(0|false|no|off)?$/i.test(env.BENCH_BIG),
    bigN: env.BENCH_BIG_N ?? '1e9',
    only: env.BENCH_ONLY ?? '',
    python: env.BENCH_PYTHON,
    outDir: env.BENCH_OUT ?? join(bench, 'out'),
    seed: env.BENCH_SEED ?? '42',
  };
  const args = [...argv];
  const value = (flag) => {
    if (args.length === 0) fail(`${flag} needs a value`);
    return args.shift();
  };
  while (args.length > 0) {
    const a = args.shift();
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { args.unshift(a.slice(eq + 1)); }
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    switch (flag) {
      case '-h': case '--help': process.stdout.write(HELP); process.exit(0); break;
      case '--runs': o.runs = value(flag); break;
      case '--warmup': o.warmup = value(flag); break;
      case '--sizes': o.sizes = value(flag); break;
      case '--big': o.big = true; break;
      case '--no-big': o.big = false; break;
      case '--big-n': o.bigN = value(flag); break;
      case '--only': o.only = value(flag); break;
      case '--python': o.python = value(flag); break;
      case '--out-dir': o.outDir = value(flag); break;
      case '--seed': o.seed = value(flag); break;
      default: fail(`unknown option ${a} (see --help)`);
    }
  }
  const count = (name, s, min) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < min) fail(`${name} must be an integer >= ${min}, got ${JSON.stringify(s)}`);
    return n;
  };
  o.runs = count('--runs', o.runs, 1);
  o.warmup = count('--warmup', o.warmup, 0);
  o.sizes = String(o.sizes).split(',').filter(Boolean).map((s) => count('--sizes', s.trim(), 1));
  o.bigN = count('--big-n', o.bigN, 1);
  if (!/^\d+$/.test(o.seed)) fail('--seed must be a non-negative integer (numpy takes the same seed)');
  o.python ??= existsSync(join(root, '.venv', 'bin', 'python')) ? join(root, '.venv', 'bin', 'python') : 'python3';
  o.outDir = resolve(o.outDir);
  return o;
}

export function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
