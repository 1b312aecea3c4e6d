import { InitWeightsError, usageError } from '../errors.js';
import { FORMAT_NAMES, FORMATS, findFormat, formatForPath } from '../formats/registry.js';
import type { FormatDef, FormatOptions, SplitPlan } from '../formats/types.js';
import type { WeightsSpec } from '../weights-spec/types.js';

/*
 * The plan, pure: which format and layout a request means. Errors name request fields (`format`,
 * `output`, `compress`...) through the error's namer, so the CLI can say them as flags.
 */

export type Layout = 'file' | 'directory' | 'stream';

/** How a request maps onto a format and a layout, decided before anything is written. */
export interface OutputPlan {
  readonly format: FormatDef;
  readonly layout: Layout;
  /** For a format split over several files (shards): which files hold which tensors. */
  readonly split?: SplitPlan;
}

/** Default outputs when no output is given and stdout is a terminal. */
export const DEFAULT_FILE = 'weights.npy';
export const DEFAULT_DIR = 'weights/';

/**
 * The output to use when none is given (and stdout is a terminal): weights.<ext> of the format for
 * one file, or weights/ when the output is a directory (several tensors in a one-tensor format,
 * or shards).
 */
export function defaultOutput(tensors: number, formatName: string | undefined, sharded: boolean): string {
  const format = findFormat(formatName ?? 'npy');
  if (format === undefined) return DEFAULT_FILE; // an unknown format is reported by planOutput
  if (sharded || (tensors > 1 && !format.multiTensor)) return DEFAULT_DIR;
  return `weights${format.extensions[0] ?? format.fileExtension}`;
}

function planError(text: (name: (field: string) => string) => string, field: string, value: unknown): InitWeightsError {
  return new InitWeightsError('E_USAGE', text, { detail: { field, rule: 'format', value } });
}

/** Decide format and layout for a spec and an output, or throw a usage error naming the alternatives. */
export function planOutput(spec: WeightsSpec, output: string, formatName?: string, formatOptions: FormatOptions = {}): OutputPlan {
  const plan = planFormat(spec, output, formatName, formatOptions);
  for (const key of Object.keys(formatOptions) as (keyof FormatOptions)[]) {
    if (formatOptions[key] === undefined || plan.format.options?.includes(key)) continue;
    const takers = FORMATS.filter((f) => f.options?.includes(key)).map((f) => f.name);
    throw usageError(key, `does not apply to ${plan.format.name} output (it applies to: ${takers.join(', ') || 'no format yet'})`);
  }
  return plan;
}

/**
 * The one format that takes every option given (`maxShardSize` means safetensors), for a path
 * that does not name a format itself. `compress` is left out: it reads as a general wish.
 */
function formatForOptions(formatOptions: FormatOptions): FormatDef | undefined {
  const given = (Object.keys(formatOptions) as (keyof FormatOptions)[]).filter((k) => formatOptions[k] !== undefined && k !== 'compress');
  if (given.length === 0) return undefined;
  const takers = FORMATS.filter((f) => given.every((k) => f.options?.includes(k)));
  return takers.length === 1 ? takers[0] : undefined;
}

function chooseFormat(n: number, output: string, formatName: string | undefined, formatOptions: FormatOptions, dirRequested: boolean): FormatDef {
  const byOptions = output !== '-' && formatForPath(output) === undefined ? formatForOptions(formatOptions) : undefined;
  let format: FormatDef | undefined;
  if (formatName === undefined && byOptions !== undefined) {
    format = byOptions;
  } else if (formatName !== undefined) {
    format = findFormat(formatName);
    if (format === undefined) throw usageError('format', `must be one of ${FORMAT_NAMES.join(', ')}`, formatName);
    const byPath = output === '-' || dirRequested ? undefined : formatForPath(output);
    const f = format;
    if (byPath !== undefined && byPath !== f) {
      throw planError((name) => `${output}: the extension says ${byPath.name} but ${name('format')} is ${f.name}; give a path ending in ${f.extensions.join(' or ')}, or drop ${name('format')}`, 'format', formatName);
    }
  } else if (output === '-') {
    format = findFormat(n > 1 ? 'tar' : 'npy');
  } else if (dirRequested) {
    format = findFormat('npy');
  } else {
    format = formatForPath(output);
    if (format === undefined && n === 1) {
      const known = FORMATS.map((f) => f.extensions.join('/')).join(', ');
      throw planError((name) => `cannot tell the format of ${JSON.stringify(output)} from its extension (known: ${known}): give ${name('format')} or a path ending in one of them`, 'output', output);
    }
    format ??= findFormat('npy');
  }
  if (format === undefined) throw new Error('format registry is missing npy/tar');
  return format;
}

function planFormat(spec: WeightsSpec, output: string, formatName: string | undefined, formatOptions: FormatOptions): OutputPlan {
  const n = spec.tensors.length;
  const dirRequested = output !== '-' && output.endsWith('/');
  const format = chooseFormat(n, output, formatName, formatOptions, dirRequested);
  for (const t of spec.tensors) {
    if (!format.dtypes.includes(t.dtype)) {
      const others = FORMATS.filter((f) => f.dtypes.includes(t.dtype)).map((f) => f.name);
      throw new InitWeightsError('E_USAGE', `format ${format.name} cannot hold ${t.dtype} (tensor ${t.name}); formats that can: ${others.join(', ') || 'none'}`, { detail: { field: 'format', rule: 'dtype', value: t.dtype } });
    }
  }
  // A directory of a format that splits: its one-part layout (safetensors: DIR/model.safetensors,
  // as Hugging Face loads a checkpoint directory), when no option asked for more parts.
  const split = format.split?.(spec.tensors, formatOptions) ?? (dirRequested ? format.split?.(spec.tensors, { ...formatOptions, maxShardSize: Number.MAX_SAFE_INTEGER }) : undefined);
  // One part and no index is the unsplit file: write it where asked (a file path or stdout) as is.
  const oneFile = split !== undefined && split.parts.length === 1 && split.index === undefined && !dirRequested && (output === '-' || formatForPath(output) === format);
  if (split !== undefined && !oneFile) {
    if (output === '-' || formatForPath(output) !== undefined) {
      const shown = `${split.parts.map((p) => p.path).slice(0, 2).join(', ')}${split.parts.length > 2 ? ', ...' : ''}`;
      throw planError((name) => `${output === '-' ? 'stdout' : output}: split ${format.name} output is a directory of files (${shown}); give a directory path (like ${name('output')} checkpoint/)`, 'output', output);
    }
    return { format, layout: 'directory', split };
  }
  if (dirRequested) {
    if (format.multiTensor) {
      throw planError(() => `${output}: ${format.name} writes one file holding every tensor; give a file path (like weights${format.extensions[0]})`, 'output', output);
    }
    return { format, layout: 'directory' };
  }
  if (format.multiTensor || n === 1) {
    return { format, layout: output === '-' ? 'stream' : 'file' };
  }
  if (output === '-') {
    const multi = FORMATS.filter((f) => f.multiTensor).map((f) => f.name);
    throw planError((name) => `${format.name} holds one tensor and the spec has ${n}: to stream them all use ${name('format')} ${multi.join(' or ')}, or pick one tensor`, 'format', format.name);
  }
  if (formatForPath(output) === format) {
    const multi = FORMATS.filter((f) => f.multiTensor).map((f) => `${f.extensions[0]}`);
    throw planError((name) => `${output}: a ${format.name} file holds one tensor and the spec has ${n}; give a directory (like ${name('output')} weights/) or a file of a format that holds several (${multi.join(', ')})`, 'output', output);
  }
  return { format, layout: 'directory' };
}
