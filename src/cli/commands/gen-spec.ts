import { errnoText, escapeText, InitWeightsError, show } from '../../errors.js';
import { capText, MAX_SPEC_BYTES, readBounded } from '../../generate/bounded-read.js';
import { isIntegerDtype } from '../../dtype/table.js';
import { findInitializer } from '../../init/table.js';
import { builtinSpec } from '../../weights-spec/builtin.js';
import { loadSpec, type LoadedSpec } from '../../weights-spec/load.js';
import { resolveSpec, type SpecOverrides } from '../../weights-spec/parse.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import { paramFlag } from '../flags.js';
import { readAllText, type CliIO } from '../io.js';
import type { GenOptions } from './gen.js';

/* `gen`'s flags turned into one resolved spec: --shape, the built-in, or --spec and --like through loadSpec. */

/** The flags that replace the spec's file-level fields. */
function overridesOf(opts: GenOptions): SpecOverrides {
  return {
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.dtype ? { dtype: opts.dtype } : {}),
    ...(opts.layout ? { layout: opts.layout } : {}),
    ...(opts.compat ? { compat: opts.compat } : {}),
  };
}

/** Turn the flags into one resolved spec (flag errors name the flag), and the like source read, if any. */
export async function specFromOptions(opts: GenOptions, io: CliIO): Promise<LoadedSpec> {
  const overrides = overridesOf(opts);
  if (opts.spec !== undefined || opts.like !== undefined) return loadFromFiles(opts, io, overrides);
  const init = opts.init ?? 'normal';
  const initializer = { type: init, ...opts.params };
  const spec = opts.shape === undefined ? builtinSpec(initializer) : { tensors: [{ name: opts.name ?? 'weights', shape: opts.shape, initializer }] };
  if (opts.shape === undefined && opts.name !== undefined) {
    throw new InitWeightsError('E_USAGE', '--name: names the tensor of --shape; the built-in spec names its own');
  }
  let resolved: WeightsSpec;
  try {
    resolved = resolveSpec(spec, overrides);
  } catch (err) {
    throw (err instanceof InitWeightsError ? initFlagError(err, init, opts.params, opts.paramTexts) : undefined) ?? err;
  }
  checkExactIntegers(opts, resolved);
  return { spec: resolved };
}

/** The integer a decimal text denotes exactly (9007199254740993, 9.007199254740993e15, 1e17), or undefined if it is not one. */
function decimalInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (m === null) return undefined;
  let digits = `${m[2] ?? ''}${m[3] ?? ''}`;
  let e = Number(m[4] ?? '0') - (m[3] ?? '').length;
  while (e < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    e++;
  }
  // A fraction left, or past any finite float64 (finiteNumber refused those already).
  if (e < 0 || e > 400) return undefined;
  const v = BigInt(digits || '0') * 10n ** BigInt(e);
  return m[1] === '-' ? -v : v;
}

/**
 * A number flag typed as an integer that float64 cannot hold (past 2^53: 9007199254740993 reads
 * as 9007199254740992) would be written rounded into an integer tensor: refused, showing what was
 * typed. (A float tensor rounds any value; a library caller's number is the number it gave.)
 */
function checkExactIntegers(opts: GenOptions, spec: WeightsSpec): void {
  for (const [param, typed] of Object.entries(opts.paramTexts ?? {})) {
    const text = typed.trim();
    const n = opts.params[param];
    const exact = decimalInteger(text);
    if (exact === undefined || typeof n !== 'number' || !Number.isInteger(n) || exact === BigInt(n)) continue;
    const t = spec.tensors.find((x) => isIntegerDtype(x.dtype) && x.initializer.params[param] === n);
    if (t === undefined) continue;
    const rule = `must be an integer float64 holds exactly for an integer dtype (${t.dtype}): past 2^53 this one reads as ${BigInt(n)} and would be written so`;
    throw new InitWeightsError('E_USAGE', `${paramFlag(param)}: ${rule}, got ${escapeText(text)}`, { detail: { field: param, rule, value: text } });
  }
}

/** --spec and/or --like: loadSpec reads the like source (headers only) and merges the spec onto it. */
async function loadFromFiles(opts: GenOptions, io: CliIO, overrides: SpecOverrides): Promise<LoadedSpec> {
  const source = opts.spec !== undefined ? '--spec' : '--like';
  if (opts.shape !== undefined) throw new InitWeightsError('E_USAGE', `--shape and ${source}: give one or the other, not both`);
  if (opts.name !== undefined) throw new InitWeightsError('E_USAGE', `--name: names the tensor of --shape; ${source} names its own tensors`);
  const params = Object.keys(opts.params).map(paramFlag);
  if (opts.like === undefined && (opts.init !== undefined || params.length > 0)) {
    const flags = [...(opts.init !== undefined ? ['--init'] : []), ...params];
    throw new InitWeightsError('E_USAGE', `${flags.join(', ')}: not used with --spec (initializers are in the spec file; with --like, --init replaces the source's law)`);
  }
  if (opts.init === undefined && params.length > 0) {
    throw new InitWeightsError('E_USAGE', `${params.join(', ')}: parameters of --init; with --like give --init too (for example --init normal ${params[0]} 0.02)`);
  }
  const specText = opts.spec === undefined ? undefined : opts.spec === '-' ? await readStdinSpec(io) : await readSpecFile(opts.spec);
  const loaded = await loadSpec({
    ...(specText !== undefined ? { specText, specPath: opts.spec === '-' ? '-' : opts.spec! } : {}),
    ...(opts.like !== undefined ? { like: opts.like } : {}),
    ...(opts.init !== undefined ? { initializer: { type: opts.init, ...opts.params } } : {}),
    overrides,
  });
  checkExactIntegers(opts, loaded.spec);
  return loaded;
}

/**
 * The spec here is made of flags: an error about its initializer (the resolver checks the
 * parameters) points at the flag, not at a spec path the user never wrote.
 */
function initFlagError(err: InitWeightsError, init: string, given: Record<string, unknown>, texts: Readonly<Record<string, string>> = {}): InitWeightsError | undefined {
  const m = err.code === 'E_SPEC' ? /^(?:tensors\[0\]|layers\[\d+\])\.(?:initializer|kernel_initializer)(?:\.(\w+))?$/.exec(err.detail.field ?? '') : null;
  if (m === null) return undefined;
  const param = m[1];
  const def = findInitializer(init);
  // The flag's own text when the error is about its value: past 2^53 the number read may differ from it.
  const text = param === undefined ? undefined : texts[param];
  const value = text !== undefined && typeof err.detail.value === 'number' && err.detail.value === given[param!] ? escapeText(text) : show(err.detail.value);
  const got = `${err.detail.rule}, got ${value}`;
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
  if (read.problem === 'not a regular file') throw cannot('not a regular file (a directory, a FIFO or a device); give a spec file, or - for stdin');
  throw cannot(`larger than ${capText(MAX_SPEC_BYTES)}, the largest spec read`);
}

async function readStdinSpec(io: CliIO): Promise<string> {
  const text = await readAllText(io.stdin, MAX_SPEC_BYTES);
  if (text === undefined) throw new InitWeightsError('E_USAGE', `--spec: the spec on stdin is larger than ${capText(MAX_SPEC_BYTES)}, the largest spec read`);
  return text;
}
