#!/usr/bin/env node
// Side-by-side benchmark: init-weights vs numpy, from one run on one machine.
//
//   npm run bench                              build, then every default case
//   node bench/run.mjs --help                  flags and environment variables
//
// Each case is an entry of CASES below: a list of commands (one per tool) run alternately
// (A B A B ...) through bench/measure.py, which reports wall time and the child's peak RSS
// (os.wait4 ru_maxrss) without GNU time. Add a row (another format, an `inspect` run) by adding
// an entry; the table picks up its tools and ratio.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const BIN = join(ROOT, 'bin', 'init-weights.js');
const MEASURE = join(BENCH, 'measure.py');
const NUMPY_GEN = join(BENCH, 'numpy_gen.py');
const ZEROS = join(BENCH, 'zeros.py');
const MiB = 1024 * 1024;

// Case files under bench/cases/, loaded in name order.
const CASES_DIR = join(BENCH, 'cases');
const EXTRA_CASES = [];
if (existsSync(CASES_DIR)) {
  for (const f of (await import('node:fs')).readdirSync(CASES_DIR).filter((x) => x.endsWith('.mjs')).sort()) {
    EXTRA_CASES.push((await import(join(CASES_DIR, f))).cases);
  }
}

// ---------------------------------------------------------------------------------------------
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

Progress goes to stderr; the report (markdown) to stdout; raw numbers to <out-dir>/last-run.json.
`;

function parseOptions(argv, env) {
  const o = {
    runs: env.BENCH_RUNS ?? '3',
    warmup: env.BENCH_WARMUP ?? '1',
    sizes: env.BENCH_SIZES ?? '1e7,1e8',
    big: env.BENCH_BIG === undefined ? true : !/^(0|false|no|off)?$/i.test(env.BENCH_BIG),
    bigN: env.BENCH_BIG_N ?? '1e9',
    only: env.BENCH_ONLY ?? '',
    python: env.BENCH_PYTHON,
    outDir: env.BENCH_OUT ?? join(BENCH, 'out'),
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
  o.python ??= existsSync(join(ROOT, '.venv', 'bin', 'python')) ? join(ROOT, '.venv', 'bin', 'python') : 'python3';
  o.outDir = resolve(o.outDir);
  return o;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Tools and cases. A command is { tool, argv, stdout, output?, expect? }:
//   argv     the command line (run through measure.py)
//   stdout   'inherit' | 'devnull' | 'discard' (a pipe measure.py reads and throws away)
//   output   a file the command writes; checked against expect.fileBytes, then deleted
//   expect   { fileBytes } or { stdoutBytes }: a run that did not do the whole job is an error

/** Byte size of a 1-d float32 .npy file of n elements (header padded to 64 bytes, numpy >= 1.x). */
function npyBytes(n, descr = '<f4', width = 4) {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${n},), }`;
  const v1 = 10 + dict.length + 1;
  const header = v1 <= 65535 + 10 ? Math.ceil(v1 / 64) * 64 : Math.ceil((v1 + 2) / 64) * 64;
  return header + n * width;
}

const TOOLS = {
  'init-weights': { label: 'init-weights' },
  numpy: { label: 'numpy' },
  torch: { label: 'torch' },
  zeros: { label: 'write limit (zeros)' },
};

/** The write-limit command of a row: `bytes` zeros into `path` on the same disk (bench/zeros.py). */
function zerosCmd(o, bytes, path) {
  return { tool: 'zeros', argv: [o.python, ZEROS, String(bytes), path], stdout: 'inherit', output: path, expect: { fileBytes: bytes } };
}

function iwGen(o, n, output, extra = []) {
  return [process.execPath, BIN, 'gen', '--shape', String(n), '--seed', o.seed, '--mean', '0', '--stddev', '0.05',
    '-o', output, '--force', '--quiet', ...extra];
}

function buildCases(o) {
  const cases = [
    {
      id: 'startup',
      title: 'startup only',
      values: 0,
      detail: '`init-weights --version` vs `python -c "import numpy"`',
      commands: [
        { tool: 'init-weights', argv: [process.execPath, BIN, '--version'], stdout: 'devnull' },
        { tool: 'numpy', argv: [o.python, '-c', 'import numpy'], stdout: 'devnull' },
      ],
      ratio: ['numpy', 'init-weights'],
    },
  ];
  for (const n of o.sizes) {
    const iwOut = join(o.outDir, `iw-${n}.npy`);
    const npOut = join(o.outDir, `np-${n}.npy`);
    // One core each (the issue's target), then init-weights with its default threads.
    for (const [suffix, title, extra] of [['1t', 'gen .npy float32, 1 thread', ['--threads', '1']], ['auto', 'gen .npy float32, default threads', []]]) {
      cases.push({
        id: `npy-${n}-${suffix}`,
        title,
        values: n,
        detail: 'normal(0, 0.05), seed ' + o.seed + ', written to a file',
        commands: [
          { tool: 'init-weights', argv: iwGen(o, n, iwOut, extra), stdout: 'inherit', output: iwOut, expect: { fileBytes: npyBytes(n) } },
          { tool: 'numpy', argv: [o.python, NUMPY_GEN, String(n), o.seed, '0', '0.05', npOut], stdout: 'inherit',
            output: npOut, expect: { fileBytes: npyBytes(n) } },
          zerosCmd(o, npyBytes(n), join(o.outDir, `zeros-${n}.bin`)),
        ],
        ratio: ['numpy', 'init-weights'],
      });
    }
  }
  // More rows (formats, inspect) live in bench/cases/*.mjs: each exports cases(o, kit) -> case[].
  const kit = { BIN, ROOT, BENCH, MiB, iwGen, npyBytes, fmtBytes, join, zerosCmd };
  for (const extra of EXTRA_CASES) cases.push(...extra(o, kit));
  if (o.big) {
    cases.push({
      id: `stream-${o.bigN}`,
      title: 'gen .npy to stdout (memory)',
      values: o.bigN,
      detail: '`-o -` into a reader that discards',
      commands: [
        { tool: 'init-weights', argv: iwGen(o, o.bigN, '-'), stdout: 'discard', expect: { stdoutBytes: npyBytes(o.bigN) } },
      ],
      runs: 1,
      warmup: 0,
      rssLimit: 200 * MiB,
      note: `numpy cannot stream this: it would hold about ${fmtBytes(12 * o.bigN)} (float64 draw + float32 copy)`,
    });
  }
  return cases.filter((c) => c.id.includes(o.only));
}

// ---------------------------------------------------------------------------------------------
// Running.

const PY_ENV = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function measure(o, cmd) {
  const r = spawnSync(o.python, [MEASURE, '--stdout', cmd.stdout, '--', ...cmd.argv], {
    stdio: ['ignore', 'pipe', 'inherit'], env: PY_ENV, maxBuffer: 16 * MiB, encoding: 'utf8',
  });
  if (r.error) throw new Error(`cannot run ${o.python}: ${r.error.message}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let m;
  try { m = JSON.parse(line); } catch { throw new Error(`measure.py said: ${r.stdout.trim() || '(nothing)'} (exit ${r.status})`); }
  if (m.exit_code !== 0) throw new Error(`${cmd.argv.join(' ')} exited ${m.exit_code}`);
  if (cmd.expect?.fileBytes !== undefined) {
    const size = statSync(cmd.output).size;
    if (size !== cmd.expect.fileBytes) throw new Error(`${cmd.output}: ${size} bytes, expected ${cmd.expect.fileBytes}`);
  }
  if (cmd.expect?.stdoutBytes !== undefined && m.stdout_bytes !== cmd.expect.stdoutBytes) {
    throw new Error(`${cmd.tool}: ${m.stdout_bytes} bytes on stdout, expected ${cmd.expect.stdoutBytes}`);
  }
  if (cmd.output) rmSync(cmd.output, { force: true });
  return { wall: m.wall_s, user: m.user_s, sys: m.sys_s, rss: m.max_rss_bytes };
}

function runCase(o, c) {
  const runs = c.runs ?? o.runs;
  const warmup = c.warmup ?? o.warmup;
  const samples = Object.fromEntries(c.commands.map((cmd) => [cmd.tool, []]));
  for (let i = 0; i < warmup + runs; i++) {
    const counted = i >= warmup;
    for (const cmd of c.commands) { // alternate: A B A B ...
      const tag = counted ? `run ${i - warmup + 1}/${runs}` : `warm-up ${i + 1}/${warmup}`;
      process.stderr.write(`  ${c.id.padEnd(16)} ${tag.padEnd(12)} ${cmd.tool.padEnd(13)} `);
      const s = measure(o, cmd);
      process.stderr.write(`${fmtTime(s.wall)}  ${fmtBytes(s.rss)}${counted ? '' : '  (not counted)'}\n`);
      if (counted) samples[cmd.tool].push(s);
    }
  }
  return { ...c, runs, warmup, samples };
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting.

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const range = (xs) => [Math.min(...xs), Math.max(...xs)];

/** A unit for a value: [divisor, suffix, decimals]. Ranges reuse the median's unit. */
function timeUnit(s) { return s < 1 ? [1e-3, 'ms', 0] : [1, 's', 2]; }
function byteUnit(b) { return b >= 10 * 1024 * MiB ? [1024 * MiB, 'GiB', 0] : b >= 1024 * MiB ? [1024 * MiB, 'GiB', 2] : [MiB, 'MiB', 0]; }
function inUnit(x, [div, , dec]) { return (x / div).toFixed(dec); }
function fmtTime(s) { const u = timeUnit(s); return `${inUnit(s, u)} ${u[1]}`; }
function fmtBytes(b) { const u = byteUnit(b); return `${inUnit(b, u)} ${u[1]}`; }
function fmtCount(n) {
  if (n === 0) return '0';
  const exp = Math.log10(n);
  if (Number.isInteger(exp)) return n >= 1e9 ? `${n / 1e9}G (1e${exp})` : n >= 1e6 ? `${n / 1e6}M` : String(n);
  return n.toLocaleString('en-US');
}
/** "median (min–max) unit" of a list; a single sample prints alone. */
function spread(xs, unitOf) {
  if (xs.length === 0) return '—';
  const m = median(xs);
  const u = unitOf(m);
  if (xs.length === 1) return `${inUnit(m, u)} ${u[1]}`;
  const [lo, hi] = range(xs);
  return `${inUnit(m, u)} ${u[1]} (${inUnit(lo, u)}–${inUnit(hi, u)})`;
}

function ratioCell(r) {
  if (!r.ratio) return '—';
  const [num, den] = r.ratio;
  const a = r.samples[num], b = r.samples[den];
  if (!a?.length || !b?.length) return '—';
  const pairs = a.map((s, i) => s.wall / b[i].wall);
  const med = median(a.map((s) => s.wall)) / median(b.map((s) => s.wall));
  const [lo, hi] = range(pairs);
  return pairs.length === 1 ? `**${med.toFixed(2)}×**` : `**${med.toFixed(2)}×** (${lo.toFixed(2)}–${hi.toFixed(2)})`;
}

function rateCell(r, tool) {
  const s = r.samples[tool];
  if (!s?.length || !r.values) return '—';
  return `${(r.values / median(s.map((x) => x.wall)) / 1e6).toFixed(0)} M/s`;
}

/** Zeros' time over init-weights' time for the same bytes: 1.00 would be generation for free. */
function writeLimitCell(r) {
  const z = r.samples.zeros, w = r.samples['init-weights'];
  if (!z?.length || !w?.length) return '—';
  return (median(z.map((s) => s.wall)) / median(w.map((s) => s.wall))).toFixed(2);
}

function table(results, tools) {
  const head = ['Case', 'Values'];
  for (const t of tools) head.push(`${TOOLS[t].label} time`);
  head.push('peer / init-weights');
  for (const t of tools) head.push(`${TOOLS[t].label} peak RSS`);
  head.push('init-weights rate', 'write limit / init-weights');
  const rows = results.map((r) => {
    const row = [r.title, fmtCount(r.values)];
    for (const t of tools) row.push(spread((r.samples[t] ?? []).map((s) => s.wall), timeUnit));
    row.push(ratioCell(r));
    for (const t of tools) row.push(spread((r.samples[t] ?? []).map((s) => s.rss), byteUnit));
    row.push(rateCell(r, 'init-weights'), writeLimitCell(r));
    return row;
  });
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Machine info.

function tryRun(file, args, opts = {}) {
  try { return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...opts }).trim(); } catch { return undefined; }
}

function machineInfo(o) {
  let cpu = os.cpus()[0]?.model?.trim();
  if (!cpu || cpu === 'unknown') {
    const m = /^model name\s*:\s*(.+)$/m.exec(tryRun('cat', ['/proc/cpuinfo']) ?? '');
    cpu = m?.[1] ?? 'unknown';
  }
  const py = tryRun(o.python, ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)']);
  if (!py) fail(`${o.python} cannot import numpy: run scripts/python-env.sh, or give --python / BENCH_PYTHON`);
  const [pythonVersion, numpyVersion] = py.split(' ');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const commit = tryRun('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
  const dirty = tryRun('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], { cwd: ROOT });
  const floor = measure(o, { tool: 'floor', argv: ['/bin/true'], stdout: 'devnull' }).rss;
  return {
    cpu, cores: os.cpus().length, parallelism: os.availableParallelism?.() ?? os.cpus().length,
    os: `${os.type()} ${os.release()} ${os.arch()}`, memory: os.totalmem(),
    node: process.version, python: pythonVersion, numpy: numpyVersion,
    initWeights: `${pkg.version}${commit ? ` (git ${commit}${dirty ? ', src modified' : ''})` : ''}`,
    rssFloor: floor,
  };
}

// ---------------------------------------------------------------------------------------------

function main() {
  const o = parseOptions(process.argv.slice(2), process.env);
  if (!existsSync(join(ROOT, 'dist', 'cli', 'run.js'))) fail('dist/ is missing: run `npm run build` (npm run bench does)');
  mkdirSync(o.outDir, { recursive: true });
  const cleanup = () => { for (const c of cases) for (const cmd of c.commands) if (cmd.output) rmSync(cmd.output, { force: true }); };
  const cases = buildCases(o);
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

  const started = performance.now();
  const info = machineInfo(o);
  process.stderr.write(`bench: ${cases.length} cases, ${o.runs} counted run(s) after ${o.warmup} warm-up(s), outputs in ${relative(process.cwd(), o.outDir) || '.'}\n`);
  const results = [];
  for (const c of cases) results.push(runCase(o, c));
  const elapsed = (performance.now() - started) / 1000;

  const tools = Object.keys(TOOLS).filter((t) => results.some((r) => r.samples[t]?.length));
  const out = [];
  out.push('## Benchmark: init-weights vs numpy', '');
  out.push(`- Machine: ${info.cpu}, ${info.cores} cores (available parallelism ${info.parallelism}), ${fmtBytes(info.memory)} RAM, ${info.os}`);
  out.push(`- Node ${info.node}; Python ${info.python}; numpy ${info.numpy}; init-weights ${info.initWeights}`);
  out.push(`- numpy side: \`np.save(path, np.random.default_rng(${o.seed}).normal(0, 0.05, n).astype(np.float32))\` (bench/numpy_gen.py)`);
  out.push(`- init-weights side: \`init-weights gen --shape N --seed ${o.seed} --mean 0 --stddev 0.05 -o FILE.npy --force --quiet\``);
  out.push('- numpy\'s Generator.normal, astype and np.save are single-threaded (OMP/OPENBLAS/MKL_NUM_THREADS=1 set anyway). init-weights rows say their threads: "1 thread" is the one-core comparison; "default threads" uses worker threads for large jobs (every core, up to 8; below 2^25 elements it stays on one thread). The bytes are the same either way.');
  out.push(`- Wall time of the whole process (startup included), median (min–max) of ${o.runs} counted run(s) after ${o.warmup} warm-up(s), the two tools alternated (A B A B ...); ` +
    `the ratio is median peer time / median init-weights time (range over paired runs), >= 1 means init-weights is faster. ` +
    `"write limit / init-weights": the time to write as many zero bytes to the same disk (bench/zeros.py, run alternately in the same case) over init-weights' time.`);
  out.push(`- Peak RSS: os.wait4 ru_maxrss of the child (bench/measure.py); floor of the method on this machine ${fmtBytes(info.rssFloor)} (/bin/true).`);
  out.push('');
  out.push(table(results, tools));
  out.push('');
  for (const r of results) {
    if (r.rssLimit !== undefined) {
      const peak = Math.max(...r.samples['init-weights'].map((s) => s.rss));
      const ok = peak < r.rssLimit;
      out.push(`- ${r.title}, ${fmtCount(r.values)} values (${fmtBytes(npyBytes(r.values))}): peak RSS ${fmtBytes(peak)}, ` +
        `${ok ? 'under' : '**OVER**'} the ${fmtBytes(r.rssLimit)} limit. ${r.note ?? ''}`);
    }
  }
  for (const r of results) {
    const base = r.rateVs && results.find((x) => x.id === r.rateVs);
    if (!base) continue;
    const rate = (x) => x.values / median(x.samples['init-weights'].map((s) => s.wall));
    out.push(`- ${r.title}: ${(rate(r) / rate(base)).toFixed(2)}× the values/s of "${base.title}" (whole process).`);
  }
  if (!o.big) out.push(`- The 4 GB streaming memory row was skipped; run it with \`BENCH_BIG=1 npm run bench\` (a single run streaming 4 GB: about 1e9 / the rate above, in seconds).`);
  else out.push('- Skip the 4 GB streaming memory row with `BENCH_BIG=0 npm run bench` (or `--no-big`).');
  out.push(`- Total bench time ${elapsed.toFixed(0)} s.`);
  process.stdout.write(out.join('\n') + '\n');

  const json = join(o.outDir, 'last-run.json');
  writeFileSync(json, JSON.stringify({ info, options: o, results: results.map(({ commands, ...r }) => ({ ...r, commands: commands.map((c) => c.argv.join(' ')) })) }, null, 2));
  process.stderr.write(`bench: raw numbers in ${relative(process.cwd(), json)}\n`);
}

main();
