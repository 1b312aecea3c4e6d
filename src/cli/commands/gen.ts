import { readFile } from 'node:fs/promises';
import { errnoText, InitWeightsError, usageError } from '../../errors.js';
import { findFormat } from '../../formats/registry.js';
import { generate, type GenerateResult } from '../../generate/generate.js';
import type { KernelLayout } from '../../init/fans.js';
import { findInitializer, INITIALIZER_NAMES, paramProblem, paramFlag } from '../../init/table.js';
import { builtinSpec } from '../../weights-spec/builtin.js';
import { DTYPES, type Dtype } from '../../dtype/table.js';
import { parseSpecText, resolveSpec } from '../../weights-spec/parse.js';
import type { Seed } from '../../rng/seed.js';
import { shapeTuple } from '../../weights-spec/shape.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
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
  json: boolean;
  quiet: boolean;
}

/** Default outputs when stdout is a terminal and no -o is given. */
export const DEFAULT_FILE = 'weights.npy';
export const DEFAULT_DIR = 'weights/';

/**
 * Where output goes when stdout is a terminal and no -o is given: weights.<ext> of the format for
 * one file, or weights/ when the output is a directory (several tensors in a one-tensor format,
 * or shards).
 */
export function defaultOutput(tensors: number, formatName: string | undefined, sharded: boolean): string {
  const format = findFormat(formatName ?? 'npy');
  if (format === undefined) return DEFAULT_FILE; // an unknown --format is reported by planOutput
  if (sharded || (tensors > 1 && !format.multiTensor)) return DEFAULT_DIR;
  return `weights${format.extensions[0] ?? format.fileExtension}`;
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
    const text = opts.spec === '-' ? await readAllText(io.stdin) : await readSpecFile(opts.spec);
    return parseSpecText(text, opts.spec === '-' ? 'spec on stdin' : opts.spec, overrides);
  }
  const init = opts.init ?? 'normal';
  const def = findInitializer(init);
  if (def === undefined) throw usageError('--init', `must be one of ${INITIALIZER_NAMES.join(', ')}`, init);
  for (const key of Object.keys(opts.params)) {
    const p = def.params.find((q) => q.name === key);
    if (p === undefined) {
      const own = def.params.map((q) => paramFlag(q.name)).join(', ') || 'none';
      throw new InitWeightsError('E_USAGE', `${paramFlag(key)}: does not apply to --init ${init} (its parameters: ${own})`);
    }
    const problem = paramProblem(p, opts.params[key]);
    if (problem !== undefined) throw usageError(paramFlag(key), problem, opts.params[key]);
  }
  for (const p of def.params) {
    if (p.presence === 'required' && opts.params[p.name] === undefined) {
      throw new InitWeightsError('E_USAGE', `${paramFlag(p.name)}: required by --init ${init}`);
    }
  }
  const initializer = { type: init, ...opts.params };
  const spec = opts.shape === undefined ? builtinSpec(initializer) : { tensors: [{ name: opts.name ?? 'weights', shape: opts.shape, initializer }] };
  if (opts.shape === undefined && opts.name !== undefined) {
    throw new InitWeightsError('E_USAGE', '--name: names the tensor of --shape; the built-in spec names its own');
  }
  try {
    return resolveSpec(spec, overrides);
  } catch (err) {
    // The spec here is made of flags: point at the flag, not at a spec path the user never wrote.
    if (err instanceof InitWeightsError && err.code === 'E_SPEC') {
      const m = /^spec (?:tensors\[0\]|layers\[\d+\])\.(?:initializer|kernel_initializer)(?:\.(\w+))?: (.*)$/.exec(err.message);
      if (m !== null) {
        const flag = m[1] === undefined ? `--init ${init}` : paramFlag(m[1]);
        throw new InitWeightsError('E_USAGE', `${flag}: ${m[2]}`);
      }
    }
    throw err;
  }
}

async function readSpecFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InitWeightsError('E_USAGE', `--spec: cannot read ${JSON.stringify(path)}: ${errnoText(err)}`);
  }
}

function describeInit(t: WeightsSpec['tensors'][number]): string {
  const ps = Object.entries(t.initializer.params).map(([k, v]) => `${k}=${v}`).join(', ');
  return ps === '' ? t.initializer.type : `${t.initializer.type}(${ps})`;
}

/** Run `gen`: resolve the spec, pick the output, generate, and report on stderr. */
export async function runGen(opts: GenOptions, io: CliIO, signal?: AbortSignal): Promise<void> {
  const spec = await specFromOptions(opts, io);
  let output = opts.output;
  if (output === undefined) {
    if (io.stdout.isTTY === true) {
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
  const widest = Math.max(...spec.tensors.map((t) => DTYPES[t.dtype].bytes));
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
  };
}

/** The human summary: where, how much, the sha256, then a line per tensor. */
export function summaryText(spec: WeightsSpec, r: GenerateResult): string {
  const bytes = r.files.reduce((s, f) => s + f.bytes, 0);
  const where = r.layout === 'stream' ? 'stdout' : r.output;
  const lines = [`init-weights: wrote ${where} (${r.format}${r.layout === 'directory' ? ' directory + manifest.json' : ''}, ${formatBytes(bytes)})`];
  if (r.layout !== 'directory' && r.files[0]?.sha256 !== undefined) lines.push(`  sha256 ${r.files[0].sha256}`);
  const nameW = Math.max(...spec.tensors.map((t) => t.name.length));
  const shapeW = Math.max(...spec.tensors.map((t) => shapeTuple(t.shape).length));
  for (const t of spec.tensors) {
    const seed = t.seed === spec.seed ? '' : `  seed ${JSON.stringify(t.seed)}`;
    lines.push(`  ${t.name.padEnd(nameW)}  ${t.dtype.padEnd(8)}  ${shapeTuple(t.shape).padEnd(shapeW)}  ${describeInit(t)}${seed}`);
  }
  lines.push(`  seed ${JSON.stringify(spec.seed)}, stream v${r.streamVersion}, init-weights ${r.toolVersion}`);
  return `${lines.join('\n')}\n`;
}
