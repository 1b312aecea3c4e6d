import { errnoText, InitWeightsError, show } from '../../errors.js';
import { capText, MAX_SPEC_BYTES, readBounded } from '../../generate/bounded-read.js';
import { defaultOutput, generate, type GenerateResult } from '../../generate/generate.js';
import type { KernelLayout } from '../../init/fans.js';
import { findInitializer } from '../../init/table.js';
import { builtinSpec } from '../../weights-spec/builtin.js';
import { DTYPES, type Dtype } from '../../dtype/table.js';
import { parseSpecText, resolveSpec } from '../../weights-spec/parse.js';
import type { Seed } from '../../rng/seed.js';
import { shapeTuple } from '../../weights-spec/shape.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import { paramFlag } from '../flags.js';
import { readAllText, type CliIO } from '../io.js';
import { formatBytes, progressBar } from '../progress.js';

/** `gen`'s options after commander has parsed and checked each flag. */
export interface GenOptions {
  shape?: number[];
  spec?: string;
  init?: string;
  /** Initializer parameters from their flags, by spec name (fan_in, not fan-in). */
  params: Record<string, number | string>;
  layout?: KernelLayout;
  seed?: Seed;
  dtype?: Dtype;
  name?: string;
  output?: string;
  format?: string;
  threads?: number;
  compress?: boolean;
  maxShardSize?: number;
  force: boolean;
  /** Compare with what is at the output instead of writing (exit 1 on a difference). */
  check?: boolean;
  json: boolean;
  quiet: boolean;
}

/** Turn the flags into one resolved spec (flag errors name the flag). */
export async function specFromOptions(opts: GenOptions, io: CliIO): Promise<WeightsSpec> {
  const overrides = {
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.dtype ? { dtype: opts.dtype } : {}),
    ...(opts.layout ? { layout: opts.layout } : {}),
  };
  if (opts.spec !== undefined) {
    if (opts.shape !== undefined) throw new InitWeightsError('E_USAGE', '--shape and --spec: give one or the other, not both');
    if (opts.init !== undefined || Object.keys(opts.params).length > 0 || opts.name !== undefined) {
      const flags = [opts.init !== undefined ? '--init' : '', ...Object.keys(opts.params).map(paramFlag), opts.name !== undefined ? '--name' : ''].filter(Boolean);
      throw new InitWeightsError('E_USAGE', `${flags.join(', ')}: not used with --spec (initializers and names are in the spec file)`);
    }
    const text = opts.spec === '-' ? await readStdinSpec(io) : await readSpecFile(opts.spec);
    return parseSpecText(text, opts.spec === '-' ? 'spec on stdin' : opts.spec, overrides);
  }
  const init = opts.init ?? 'normal';
  const initializer = { type: init, ...opts.params };
  const spec = opts.shape === undefined ? builtinSpec(initializer) : { tensors: [{ name: opts.name ?? 'weights', shape: opts.shape, initializer }] };
  if (opts.shape === undefined && opts.name !== undefined) {
    throw new InitWeightsError('E_USAGE', '--name: names the tensor of --shape; the built-in spec names its own');
  }
  try {
    return resolveSpec(spec, overrides);
  } catch (err) {
    throw (err instanceof InitWeightsError ? initFlagError(err, init, opts.params) : undefined) ?? err;
  }
}

/**
 * The spec here is made of flags: an error about its initializer (the resolver checks the
 * parameters) points at the flag, not at a spec path the user never wrote.
 */
function initFlagError(err: InitWeightsError, init: string, given: Record<string, unknown>): InitWeightsError | undefined {
  const m = err.code === 'E_SPEC' ? /^(?:tensors\[0\]|layers\[\d+\])\.(?:initializer|kernel_initializer)(?:\.(\w+))?$/.exec(err.detail.field ?? '') : null;
  if (m === null) return undefined;
  const param = m[1];
  const def = findInitializer(init);
  const got = `${err.detail.rule}, got ${show(err.detail.value)}`;
  if (param === undefined || def === undefined) return new InitWeightsError('E_USAGE', `--init ${init}: ${got}`, { detail: err.detail });
  if (!def.params.some((p) => p.name === param)) {
    const own = def.params.map((q) => paramFlag(q.name)).join(', ') || 'none';
    return new InitWeightsError('E_USAGE', `${paramFlag(param)}: does not apply to --init ${init} (its parameters: ${own})`, { detail: err.detail });
  }
  if (given[param] === undefined) return new InitWeightsError('E_USAGE', `${paramFlag(param)}: required by --init ${init}`, { detail: err.detail });
  return new InitWeightsError('E_USAGE', `${paramFlag(param)}: ${got}`, { detail: err.detail });
}

/** A spec file: a regular file of at most MAX_SPEC_BYTES (a FIFO or /dev/zero is refused, not read). */
async function readSpecFile(path: string): Promise<string> {
  const cannot = (why: string): InitWeightsError => new InitWeightsError('E_USAGE', `--spec: cannot read ${JSON.stringify(path)}: ${why}`);
  let read;
  try {
    read = await readBounded(path, MAX_SPEC_BYTES);
  } catch (err) {
    throw cannot(errnoText(err));
  }
  if ('bytes' in read) return read.bytes.toString('utf8');
  if (read.problem === 'not a regular file') throw cannot('not a regular file (a FIFO or a device); give a spec file, or - for stdin');
  throw cannot(`larger than ${capText(MAX_SPEC_BYTES)}, the largest spec read`);
}

async function readStdinSpec(io: CliIO): Promise<string> {
  const text = await readAllText(io.stdin, MAX_SPEC_BYTES);
  if (text === undefined) throw new InitWeightsError('E_USAGE', `--spec: the spec on stdin is larger than ${capText(MAX_SPEC_BYTES)}, the largest spec read`);
  return text;
}

function describeInit(t: WeightsSpec['tensors'][number]): string {
  const ps = Object.entries(t.initializer.params).map(([k, v]) => `${k}=${v}`).join(', ');
  return ps === '' ? t.initializer.type : `${t.initializer.type}(${ps})`;
}

/** Run `gen`: resolve the spec, pick the output, generate (or check), and report on stderr; returns the exit code. */
export async function runGen(opts: GenOptions, io: CliIO, signal?: AbortSignal): Promise<number> {
  if (opts.check === true && opts.force) throw new InitWeightsError('E_USAGE', '--check and --force: --check writes nothing; drop one of them');
  if (opts.check === true && opts.output === '-') throw new InitWeightsError('E_USAGE', '--check: compares with files on disk; give -o PATH, not -o -');
  const spec = await specFromOptions(opts, io);
  let output = opts.output;
  if (output === undefined) {
    if (io.stdout.isTTY === true || opts.check === true) {
      output = defaultOutput(spec.tensors.length, opts.format, opts.maxShardSize !== undefined);
    } else {
      output = '-';
    }
  }
  if (output === '-' && io.stdout.isTTY === true) {
    throw new InitWeightsError('E_TARGET', 'refusing to write binary data to a terminal: redirect stdout (> weights.npy), pipe it, or give -o PATH');
  }
  const formatOptions = {
    ...(opts.compress !== undefined ? { compress: opts.compress } : {}),
    ...(opts.maxShardSize !== undefined ? { maxShardSize: opts.maxShardSize } : {}),
  };
  if (opts.check === true) {
    if (spec.seedDrawn) throw new InitWeightsError('E_USAGE', '--check: needs the seed the output was made with (--seed, or "seed" in the spec); a drawn seed never matches');
    const { runCheck } = await import('./check.js');
    return runCheck({ spec, output, formatOptions, json: opts.json, quiet: opts.quiet, ...(opts.format !== undefined ? { format: opts.format } : {}), ...(opts.threads !== undefined ? { threads: opts.threads } : {}) }, io, signal);
  }
  const widest = maxOf(spec.tensors, (t) => DTYPES[t.dtype].bytes);
  const bar = opts.quiet ? undefined : progressBar(io, widest);
  let result: GenerateResult;
  try {
    result = await generate({
      spec,
      output,
      ...(opts.format !== undefined ? { format: opts.format } : {}),
      force: opts.force,
      hash: !opts.quiet || opts.json,
      formatOptions,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      stdout: io.stdout,
      // The drawn seed is printed once the request is known to be good, before the long part.
      onReady: () => {
        if (spec.seedDrawn && !opts.quiet) {
          io.stderr.write(`init-weights: seed ${JSON.stringify(spec.seed)} (drawn; pass --seed ${spec.seed} to repeat this run)\n`);
        }
      },
      onWarning: (message) => io.stderr.write(`init-weights: warning: ${message}\n`),
      ...(bar ? { onProgress: bar.update } : {}),
      ...(signal ? { signal } : {}),
    });
  } finally {
    bar?.finish();
  }
  if (opts.json) {
    io.stderr.write(`${JSON.stringify(summaryJson(spec, result))}\n`);
  } else if (!opts.quiet) {
    io.stderr.write(summaryText(spec, result));
  }
  return 0;
}

/** The machine-readable summary (`--json`). */
export function summaryJson(spec: WeightsSpec, r: GenerateResult): Record<string, unknown> {
  return {
    output: r.output,
    format: r.format,
    layout: r.layout,
    seed: r.seed,
    seedDrawn: r.seedDrawn,
    streamVersion: r.streamVersion,
    toolVersion: r.toolVersion,
    tensors: spec.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, initializer: { type: t.initializer.type, ...t.initializer.params }, seed: t.seed })),
    files: r.files,
    unchanged: r.unchanged,
  };
}

/** The human summary: where, how much, the sha256, then a line per tensor. */
export function summaryText(spec: WeightsSpec, r: GenerateResult): string {
  const bytes = r.files.reduce((s, f) => s + f.bytes, 0);
  const where = r.layout === 'stream' ? 'stdout' : r.output;
  const what = `${r.format}${r.layout === 'directory' ? ' directory + manifest.json' : ''}, ${formatBytes(bytes)}`;
  const lines = [r.unchanged ? `init-weights: ${where} unchanged (${what}: already these bytes, nothing written)` : `init-weights: wrote ${where} (${what})`];
  if (r.layout !== 'directory' && r.files[0]?.sha256 !== undefined) lines.push(`  sha256 ${r.files[0].sha256}`);
  const nameW = maxOf(spec.tensors, (t) => t.name.length);
  const shapeW = maxOf(spec.tensors, (t) => shapeTuple(t.shape).length);
  for (const t of spec.tensors) {
    const seed = t.seed === spec.seed ? '' : `  seed ${JSON.stringify(t.seed)}`;
    lines.push(`  ${t.name.padEnd(nameW)}  ${t.dtype.padEnd(8)}  ${shapeTuple(t.shape).padEnd(shapeW)}  ${describeInit(t)}${seed}`);
  }
  lines.push(`  seed ${JSON.stringify(spec.seed)}, stream v${r.streamVersion}, init-weights ${r.toolVersion}`);
  return `${lines.join('\n')}\n`;
}

/** The largest `f(x)` (0 for none): a loop, since spreading a million values overflows the stack. */
function maxOf<T>(items: readonly T[], f: (x: T) => number): number {
  let m = 0;
  for (const x of items) m = Math.max(m, f(x));
  return m;
}
