#!/usr/bin/env node
// Side-by-side benchmark: init-weights vs numpy, torch and the disk's write limit, from one run.
//
//   npm run bench                              build, then every default case
//   node bench/run.mjs --help                  flags and environment variables
//
// Each case is a list of commands (one per tool) run alternately (A B A B ...) through
// bench/measure.py, which reports wall time and the child's peak RSS (os.wait4 ru_maxrss). The
// rows below are the .npy ones; bench/cases/*.mjs add more (formats, kernel, inspect, compat
// modes, the opt-in Llama checkpoints). bench/lib/ holds options, running, formatting, machine info.

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { fail, parseOptions } from './lib/options.mjs';
import { fmtBytes, fmtCount, median, MiB, table, TOOLS } from './lib/format.mjs';
import { machineInfo } from './lib/machine.mjs';
import { runCase } from './lib/runner.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const BIN = join(ROOT, 'bin', 'init-weights.js');
const NUMPY_GEN = join(BENCH, 'numpy_gen.py');
const ZEROS = join(BENCH, 'zeros.py');

// Case files under bench/cases/, loaded in name order.
const CASES_DIR = join(BENCH, 'cases');
const EXTRA_CASES = [];
if (existsSync(CASES_DIR)) {
  for (const f of readdirSync(CASES_DIR).filter((x) => x.endsWith('.mjs')).sort()) {
    EXTRA_CASES.push((await import(join(CASES_DIR, f))).cases);
  }
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
    // One core each (the target), then init-weights with its default threads.
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

function main() {
  const o = parseOptions(process.argv.slice(2), process.env, { root: ROOT, bench: BENCH });
  o.measure = join(BENCH, 'measure.py');
  if (!existsSync(join(ROOT, 'dist', 'cli', 'run.js'))) fail('dist/ is missing: run `npm run build` (npm run bench does)');
  mkdirSync(o.outDir, { recursive: true });
  const cleanup = () => { for (const c of cases) { for (const cmd of c.commands) if (cmd.output) rmSync(cmd.output, { force: true }); c.cleanup?.(); } };
  const cases = buildCases(o);
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

  const started = performance.now();
  const info = machineInfo(o, ROOT);
  process.stderr.write(`bench: ${cases.length} cases, ${o.runs} counted run(s) after ${o.warmup} warm-up(s), outputs in ${relative(process.cwd(), o.outDir) || '.'}\n`);
  const results = [];
  for (const c of cases) results.push(runCase(o, c));
  const elapsed = (performance.now() - started) / 1000;

  const tools = Object.keys(TOOLS).filter((t) => results.some((r) => r.samples[t]?.length));
  const out = [];
  out.push('## Benchmark: init-weights vs numpy and torch', '');
  out.push(`- Machine: ${info.cpu}, ${info.cores} cores (available parallelism ${info.parallelism}), ${fmtBytes(info.memory)} RAM, ${info.os}`);
  out.push(`- Node ${info.node}; Python ${info.python}; numpy ${info.numpy}; init-weights ${info.initWeights}`);
  out.push(`- numpy side: \`np.save(path, np.random.default_rng(${o.seed}).normal(0, 0.05, n).astype(np.float32))\` (bench/numpy_gen.py)`);
  out.push(`- init-weights side: \`init-weights gen --shape N --seed ${o.seed} --mean 0 --stddev 0.05 -o FILE.npy --force --quiet\``);
  out.push('- numpy\'s Generator.normal, astype and np.save are single-threaded (OMP/OPENBLAS/MKL_NUM_THREADS=1 set anyway). init-weights rows say their threads: "1 thread" is the one-core comparison; "default threads" uses worker threads for large jobs (every core, up to 8; below 2^25 elements it stays on one thread). The bytes are the same either way.');
  out.push(`- Wall time of the whole process (startup included), median (min–max) of ${o.runs} counted run(s) after ${o.warmup} warm-up(s), the two tools alternated (A B A B ...); ` +
    `the ratio is median peer time / median init-weights time (range over paired runs), >= 1 means init-weights is faster. ` +
    `"write limit / init-weights": the time to write as many zero bytes to the same disk (bench/zeros.py, run alternately in the same case) over init-weights' time.`);
  out.push(`- Load average (1, 5, 15 min) at the start ${info.load.map((x) => x.toFixed(2)).join(', ')}, at the end ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (other processes share these cores: compare ratios from the same run).`);
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
  if (!results.some((r) => r.id.startsWith('llama-'))) out.push('- The Llama checkpoint rows are opt-in: `BENCH_LLAMA=1 npm run bench -- --only llama` (several GB per run).');
  if (!o.big) out.push(`- The 4 GB streaming memory row was skipped; run it with \`BENCH_BIG=1 npm run bench\` (a single run streaming 4 GB: about 1e9 / the rate above, in seconds).`);
  else out.push('- Skip the 4 GB streaming memory row with `BENCH_BIG=0 npm run bench` (or `--no-big`).');
  out.push(`- Total bench time ${elapsed.toFixed(0)} s.`);
  process.stdout.write(out.join('\n') + '\n');

  const json = join(o.outDir, 'last-run.json');
  writeFileSync(json, JSON.stringify({ info, options: o, results: results.map(({ commands, cleanup: _cleanup, ...r }) => ({ ...r, commands: commands.map((c) => c.argv.join(' ')) })) }, null, 2));
  process.stderr.write(`bench: raw numbers in ${relative(process.cwd(), json)}\n`);
}

main();
