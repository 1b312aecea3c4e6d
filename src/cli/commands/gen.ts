import { once } from 'node:events';
import { statSync } from 'node:fs';
import { InitWeightsError } from '../../errors.js';
import { defaultOutput, generate, type GenerateResult } from '../../generate/generate.js';
import type { KernelLayout } from '../../init/fans.js';
import { DTYPES, type Dtype } from '../../dtype/table.js';
import type { CompatModeName } from '../../compat/types.js';
import type { Seed } from '../../rng/seed.js';
import type { LoadedSpec } from '../../weights-spec/load.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import { printableSpec } from '../../weights-spec/printable.js';
import type { CliIO } from '../io.js';
import { progressBar } from '../progress.js';
import { specFromOptions } from './gen-spec.js';
import { parseShardFlag } from '../shard-flag.js';
import { maxOf, shareText, summaryJson, summaryText } from './gen-summary.js';

export { summaryJson, summaryText } from './gen-summary.js';

/** `gen`'s options after commander has parsed and checked each flag. */
export interface GenOptions {
  shape?: number[];
  spec?: string;
  /** A checkpoint, shape dump or Hugging Face config.json to take names, shapes and dtypes from. */
  like?: string;
  /** Print the resolved spec as JSON on stdout and write nothing. */
  printSpec?: boolean;
  /** Draw as this framework's own seeded initializers do (one thread). */
  compat?: CompatModeName;
  init?: string;
  /** Initializer parameters from their flags, by spec name (fan_in, not fan-in). */
  params: Record<string, number | string>;
  /** Number flags' texts where they are not how the number read prints (a refusal shows what was typed). */
  paramTexts?: Readonly<Record<string, string>>;
  layout?: KernelLayout;
  seed?: Seed;
  dtype?: Dtype;
  name?: string;
  output?: string;
  format?: string;
  threads?: number;
  compress?: boolean;
  maxShardSize?: number;
  /** `--shard` as given ("i/n", or "auto/n" to read the index from the scheduler's environment). */
  shard?: string;
  force: boolean;
  /** Compare with what is at the output instead of writing (exit 1 on a difference). */
  check?: boolean;
  json: boolean;
  quiet: boolean;
}

/** Run `gen`: resolve the spec, pick the output, generate (or check), and report on stderr; returns the exit code. */
export async function runGen(opts: GenOptions, io: CliIO, signal?: AbortSignal): Promise<number> {
  if (opts.check === true && opts.force) throw new InitWeightsError('E_USAGE', '--check and --force: --check writes nothing; drop one of them');
  if (opts.check === true && opts.output === '-') throw new InitWeightsError('E_USAGE', '--check: compares with files on disk; give -o PATH, not -o -');
  if (opts.printSpec === true && opts.check === true) throw new InitWeightsError('E_USAGE', '--print-spec and --check: --print-spec only prints the spec; drop one of them');
  if (opts.printSpec === true && opts.shard !== undefined) throw new InitWeightsError('E_USAGE', '--print-spec and --shard: --print-spec only prints the spec (the same for every shard); drop one of them');
  const shard = opts.shard !== undefined ? parseShardFlag(opts.shard, io.env) : undefined;
  const { spec, like } = await specFromOptions(opts, io);
  if (opts.printSpec === true) {
    await printSpec(spec, io.stdout);
    return 0;
  }
  const format = opts.format ?? likeFormat(like, opts.output);
  // -o ckpt, an existing directory: the checkpoint goes inside it, as with -o ckpt/.
  let output = format !== undefined && opts.format === undefined && opts.output !== undefined && isDirectory(opts.output) ? `${opts.output.replace(/\/+$/, '')}/` : opts.output;
  if (output === undefined) {
    if (io.stdout.isTTY === true || opts.check === true) {
      output = defaultOutput(spec.tensors.length, format, opts.maxShardSize !== undefined);
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
    return runCheck({ spec, output, formatOptions, json: opts.json, quiet: opts.quiet, ...(format !== undefined ? { format } : {}), ...(opts.threads !== undefined ? { threads: opts.threads } : {}), ...(shard !== undefined ? { shard } : {}) }, io, signal);
  }
  const widest = maxOf(spec.tensors, (t) => DTYPES[t.dtype].bytes);
  const bar = opts.quiet ? undefined : progressBar(io, widest);
  let result: GenerateResult;
  try {
    result = await generate({
      spec,
      output,
      ...(format !== undefined ? { format } : {}),
      force: opts.force,
      hash: !opts.quiet || opts.json,
      formatOptions,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(shard !== undefined ? { shard } : {}),
      stdout: io.stdout,
      // The drawn seed is printed once the request is known to be good, before the long part.
      onReady: (_plan, share) => {
        if (spec.seedDrawn && !opts.quiet) {
          io.stderr.write(`init-weights: seed ${JSON.stringify(spec.seed)} (drawn; pass --seed ${spec.seed} to repeat this run)\n`);
        }
        // The summary says it again at the end; up front it is for a person watching the bar.
        if (share !== undefined && !opts.quiet && !opts.json && io.stderr.isTTY === true) io.stderr.write(`init-weights: ${shareText(share)}\n`);
      },
      onWarning: (message) => io.stderr.write(`init-weights: warning: ${message}\n`),
      ...(bar ? { onProgress: bar.update } : {}),
      ...(signal ? { signal } : {}),
    });
  } finally {
    bar?.finish();
  }
  if (opts.json) {
    io.stderr.write(`${JSON.stringify(summaryJson(spec, result, like))}\n`);
  } else if (!opts.quiet) {
    io.stderr.write(summaryText(spec, result, like));
  }
  return 0;
}

/**
 * A checkpoint made from a Hugging Face config or safetensors headers is a safetensors checkpoint
 * (DIR/model.safetensors): the format for a directory output (-o ckpt/, or an existing ckpt) or none. Else undefined: the usual rules.
 */
function likeFormat(like: LoadedSpec['like'], output: string | undefined): string | undefined {
  if (like === undefined || like.kind === 'shape-dump') return undefined;
  return output === undefined || output.endsWith('/') || isDirectory(output) ? 'safetensors' : undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}


/** Tensors printed per write of the printed spec. */
const PRINT_BATCH = 4096;

/**
 * The printed spec: one field per line, one tensor per line (reads and diffs well; JSON all the
 * same). Written a batch of tensors at a time, waiting for the stream to drain: the whole text
 * and its tree were ~20x the spec file at 100k tensors.
 */
async function printSpec(spec: WeightsSpec, out: CliIO['stdout']): Promise<void> {
  const put = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  // The fields as printableSpec gives them, tensors included batch by batch in their place.
  const fields = Object.entries(printableSpec({ ...spec, tensors: [] }));
  for (let f = 0; f < fields.length; f++) {
    const [k, v] = fields[f]!;
    const end = f < fields.length - 1 ? ',\n' : '\n}\n';
    if (k !== 'tensors' || !Array.isArray(v)) {
      await put(`${f === 0 ? '{\n' : ''}  ${JSON.stringify(k)}: ${JSON.stringify(v)}${end}`);
      continue;
    }
    await put(`${f === 0 ? '{\n' : ''}  "tensors": [\n`);
    for (let i = 0; i < spec.tensors.length; i += PRINT_BATCH) {
      const batch = printableSpec({ ...spec, tensors: spec.tensors.slice(i, i + PRINT_BATCH) }).tensors as unknown[];
      await put(`${batch.map((t) => `    ${JSON.stringify(t)}`).join(',\n')}${i + PRINT_BATCH < spec.tensors.length ? ',' : ''}\n`);
    }
    await put(`${spec.tensors.length === 0 ? '\n' : ''}  ]${end}`);
  }
}
