import { Command, InvalidArgumentError, Option } from './commander.js';
import { COMPAT_MODE_NAMES } from '../compat/names.js';
import type { CompatModeName } from '../compat/types.js';
import { FORMAT_EXTENSIONS, FORMAT_NAMES } from '../formats/names.js';
import { KERNEL_LAYOUTS, type KernelLayout } from '../init/fans.js';
import { INITIALIZER_NAMES, PARAMS_BY_NAME } from '../init/names.js';
import { DTYPE_NAMES, type Dtype } from '../dtype/table.js';
import type { Seed } from '../rng/seed.js';
import { TOOL_VERSION } from '../version.js';
import { InitWeightsError, show } from '../errors.js';
import type { GenOptions } from './commands/gen.js';
import { DEFAULT_DIR, DEFAULT_FILE } from './defaults.js';
import { paramFlag } from './flags.js';
import { HELP_WIDTH } from './process-io.js';
import { parseShapeFlag } from './shape-flag.js';
import type { InspectOptions } from './commands/inspect.js';
import type { VerifyOptions } from './commands/verify.js';

/*
 * Declarations only: flags, their parsers and help. The work is in commands/. Every import here is
 * small and dependency-free (name lists, not registries): `--help` and `--version` load only this.
 */

function finiteNumber(value: string): number {
  // Decimal only: Number() would also read 0x10 as 16 and 0b11 as 3, which nobody means as a mean.
  const n = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new InvalidArgumentError('must be a finite number (decimal, like 0.05 or 5e-2).');
  return n;
}

/** A parser for an integer flag from `lo` to `hi`. */
function intInRange(lo: number, hi: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < lo || n > hi) throw new InvalidArgumentError(`must be an integer from ${lo} to ${hi}.`);
    return n;
  };
}

const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** "2GB", "500MB", "1.5GiB", "1048576": bytes (decimal units as Hugging Face uses them). */
export function sizeArg(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? SIZE_UNITS[m[2]!.toUpperCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('must be a size like 2GB, 500MB or 1GiB.');
  return bytes;
}

/** A flag is a string, and the one string that is not a seed is the empty one (rng/seed's rule). */
function seedArg(value: string): string {
  if (value === '') throw new InvalidArgumentError('must be an integer or a non-empty string.');
  return value;
}

/** "42" is the seed 42. Loaded when gen runs: rng/seed loads node:crypto (~5 ms), which help does not need. */
async function seedOf(flag: string): Promise<Seed> {
  const { normalizeSeed } = await import('../rng/seed.js');
  return normalizeSeed(flag) ?? flag;
}

function shapeArg(value: string): number[] {
  try {
    return parseShapeFlag(value);
  } catch (err) {
    // Commander adds the flag itself: give it the rule and the value.
    if (!(err instanceof InitWeightsError)) throw err;
    throw new InvalidArgumentError(`${err.detail.rule ?? err.message}, got ${show(err.detail.value)}`);
  }
}

/** `label` and the items, comma-separated and wrapped at HELP_WIDTH columns (continuation lines indented). */
function wrapList(label: string, items: readonly string[]): string {
  const lines = [label];
  for (const [i, item] of items.entries()) {
    const word = `${item}${i === items.length - 1 ? '.' : ','}`;
    if (lines.at(-1)!.length + 1 + word.length > HELP_WIDTH) lines.push(`  ${word}`);
    else lines[lines.length - 1] += ` ${word}`;
  }
  return lines.join('\n');
}

const GEN_EXAMPLES = `
Examples:
  $ init-weights gen --mean 0 --stddev 0.05 --seed 42
      the built-in MLP (784-128-64-10): to stdout when piped, else into ${DEFAULT_DIR}
  $ init-weights gen --shape 784,128 --seed 42 -o kernel.npy
  $ init-weights gen --shape 784x128 --dtype float16 --seed run-7 -o - \\
      | python3 -c 'if True:  # np.load cannot read a pipe; read_array can
      import sys, numpy as np
      class Reader:
          def __init__(self, f): self.read = f.read
      print(np.lib.format.read_array(Reader(sys.stdin.buffer)).shape)'
  $ init-weights gen --spec model.json -o weights/
      a directory of .npy + manifest.json
  $ init-weights gen --spec model.json -o weights.tar
      one tar of .npy members
  $ init-weights gen --like ckpt/config.json --seed 1 -o ckpt/
      a Hugging Face checkpoint in place: ckpt/model.safetensors (and
      manifest.json) beside config.json, names and shapes as transformers builds
      them, with the model's own init law
  $ init-weights gen --like model.safetensors --init normal --stddev 0.01 \\
      --seed 1 -o fresh.safetensors
      the names, shapes and dtypes of a checkpoint (headers only), every tensor
      normal(0, 0.01)
  $ init-weights gen --spec model.json --like ckpt/config.json --print-spec \\
      > resolved.json
      review the fully expanded spec (every tensor, initializer and the rule
      that chose it); writes nothing
  $ init-weights gen --compat keras --seed 42 --format npz -o mlp.npz
      the built-in MLP with the exact numbers tf.keras
      RandomNormal(0.0, 0.05, seed=42) draws (--compat ${COMPAT_MODE_NAMES.join('|')}:
      docs/compat/; one thread, --threads is ignored)
  $ init-weights gen --spec fixtures/model.json --check \\
      -o fixtures/weights.safetensors
      CI: exit 1, a line per differing file or tensor, when the fixture no
      longer matches

Output: -o PATH (a file, or a directory for several tensors) or -o - for stdout.
With no -o, stdout when it is not a terminal, else ${DEFAULT_FILE} (one tensor) or
${DEFAULT_DIR} (several). Several tensors on stdout are a tar stream of NAME.npy
members (see README).
${wrapList('Initializers:', INITIALIZER_NAMES)}
${wrapList('Formats:', FORMAT_EXTENSIONS.map((f) => `${f.name} (${f.extensions.join(', ')})`))}

Exit codes: 0 ok, 2 bad flag, spec or target, 1 I/O error (or, with --check, a
difference).`;

/** Build the program; the handlers run each command with its typed options. */
export function buildProgram(
  onGen: (opts: GenOptions) => Promise<void>,
  onInspect: (opts: InspectOptions) => Promise<void>,
  onVerify: (opts: VerifyOptions) => Promise<void> = async () => undefined,
): Command {
  const program = new Command('init-weights')
    .description('Seeded, reproducible neural-network initial weights, streamed into .npy, .npz, safetensors, Arrow or tar files; and a report on any such file.')
    .version(TOOL_VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  const gen = program
    .command('gen')
    .description('generate weights from a shape, a spec file, an existing model (--like), or the built-in example MLP')
    .option('--shape <dims>', 'one tensor of this shape: 784,128 or 784x128 ("()" for a scalar)', shapeArg)
    .option('--spec <file>', 'JSON spec of named tensors and/or layers (- reads stdin); see README')
    .option('--like <path>', 'names, shapes and dtypes from a checkpoint (.safetensors, its index.json, or a directory), a {name: shape} JSON dump, or a Hugging Face config.json (with its init law; --init replaces the law; with --spec, the spec adds to it)')
    .option('--print-spec', 'print the fully expanded, resolved spec as JSON on stdout and write nothing', false)
    .addOption(new Option('--compat <mode>', "draw exactly what this framework's own seeded initializers give (docs/compat/); runs on one thread, --threads is ignored").choices(COMPAT_MODE_NAMES))
    .addOption(new Option('--init <name>', 'initializer for --shape or the built-in kernels (default normal; table in docs/initializers.md)').choices(INITIALIZER_NAMES))
    .addOption(new Option('--layout <layout>', 'kernel layout for fans and layer shapes: keras (..., in, out) or torch (out, in, ...) (default keras)').choices(KERNEL_LAYOUTS))
    .option('--seed <seed>', 'integer or string seed (default: drawn, printed and recorded)', seedArg)
    .addOption(new Option('--dtype <dtype>', 'element type (default float32)').choices(DTYPE_NAMES))
    .option('--name <name>', 'tensor name for --shape (default "weights")')
    .option('-o, --output <path>', 'file, directory (several tensors), or - for stdout')
    .addOption(new Option('--format <format>', 'output format (default: from the extension)').choices(FORMAT_NAMES))
    .option('--compress', 'compress the output (formats that support it)')
    .option('--max-shard-size <size>', 'split into shards of at most this size, like 2GB (formats that support it)', sizeArg)
    .option('--shard <i/n>', 'write only shard i of n (0-based) of a directory or sharded output, same bytes as one run; auto/n reads i from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID')
    .option('--threads <n>', 'generation threads, at most the cores this process may use (default: all of them, up to 8, for large jobs; one with --compat); never changes the bytes', intInRange(1, 256))
    .option('--force', 'replace existing files whose bytes differ (identical ones are left alone anyway)', false)
    .option('--check', 'write nothing: compare with what is at -o and exit 1 on any difference (CI fixtures)', false)
    .option('--json', 'print the summary on stderr as JSON (even with --quiet)', false)
    .option('-q, --quiet', 'print nothing on success (no summary, no progress, and no sha256 to compute)', false);
  // One flag per initializer parameter, from the table: numbers, or words with their choices.
  const paramAttrs = new Map<string, string>();
  // A number flag's text where it is not how the number read prints (9007199254740993 reads as
  // 9007199254740992): a refusal shows what the user typed.
  const paramTexts: Record<string, string> = {};
  for (const [name, { defs, users }] of PARAMS_BY_NAME) {
    if (name === 'layout') continue; // orthogonal's layout parameter comes from --layout
    const first = defs[0]!;
    const dflt = first.default !== undefined && defs.every((d) => d.default === first.default) ? ` (default ${first.default})` : '';
    const doc = `${[...new Set(defs.map((d) => d.doc))].join('; ')}; for ${users.join(', ')}${dflt}`;
    const opt = first.kind === 'choice'
      ? new Option(`${paramFlag(name)} <word>`, doc).choices([...new Set(defs.flatMap((d) => (d.kind === 'choice' ? d.choices : [])))])
      : new Option(`${paramFlag(name)} <number>`, doc).argParser((text: string) => {
        const n = finiteNumber(text);
        if (String(n) === text) delete paramTexts[name];
        else paramTexts[name] = text;
        return n;
      });
    gen.addOption(opt);
    paramAttrs.set(name, opt.attributeName());
  }
  gen.addHelpText('after', GEN_EXAMPLES).action(async (raw: Record<string, unknown>) => {
    const params: Record<string, number | string> = {};
    for (const [name, attr] of paramAttrs) if (raw[attr] !== undefined) params[name] = raw[attr] as number | string;
    await onGen({
      ...(raw.shape !== undefined ? { shape: raw.shape as number[] } : {}),
      ...(raw.spec !== undefined ? { spec: raw.spec as string } : {}),
      ...(raw.like !== undefined ? { like: raw.like as string } : {}),
      ...(raw.printSpec === true ? { printSpec: true } : {}),
      ...(raw.compat !== undefined ? { compat: raw.compat as CompatModeName } : {}),
      ...(raw.init !== undefined ? { init: raw.init as string } : {}),
      params,
      ...(Object.keys(paramTexts).length > 0 ? { paramTexts } : {}),
      ...(raw.layout !== undefined ? { layout: raw.layout as KernelLayout } : {}),
      ...(raw.seed !== undefined ? { seed: await seedOf(raw.seed as string) } : {}),
      ...(raw.dtype !== undefined ? { dtype: raw.dtype as Dtype } : {}),
      ...(raw.name !== undefined ? { name: raw.name as string } : {}),
      ...(raw.output !== undefined ? { output: raw.output as string } : {}),
      ...(raw.format !== undefined ? { format: raw.format as string } : {}),
      ...(raw.threads !== undefined ? { threads: raw.threads as number } : {}),
      ...(raw.compress !== undefined ? { compress: raw.compress === true } : {}),
      ...(raw.maxShardSize !== undefined ? { maxShardSize: raw.maxShardSize as number } : {}),
      ...(raw.shard !== undefined ? { shard: raw.shard as string } : {}),
      force: raw.force === true,
      ...(raw.check === true ? { check: true } : {}),
      json: raw.json === true,
      quiet: raw.quiet === true,
    });
  });
  program
    .command('inspect')
    .description('report shape, dtype, moments, quantiles, a histogram and a fit check of a weights file')
    .argument('<file>', 'a weights file or directory, or - for stdin (the format is detected from the first bytes)')
    .option('--tensor <name>', 'only this tensor (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--bins <n>', 'histogram bins (default 20)', intInRange(1, 10000))
    .option('--json', 'print the report as JSON (schema in docs/inspect.md)', false)
    .action(async (file: string, raw: Record<string, unknown>) => {
      await onInspect({
        file,
        tensors: (raw.tensor as string[] | undefined) ?? [],
        ...(raw.bins !== undefined ? { bins: raw.bins as number } : {}),
        json: raw.json === true,
      });
    });
  program
    .command('verify')
    .description('regenerate a file or directory init-weights wrote from its recorded provenance and compare, tensor by tensor')
    .argument('<path>', 'a safetensors, npz, Arrow or tar file, or a directory with manifest.json')
    .option('--json', 'print the result as JSON', false)
    .action(async (path: string, raw: Record<string, unknown>) => {
      await onVerify({ path, json: raw.json === true });
    });
  return program;
}
