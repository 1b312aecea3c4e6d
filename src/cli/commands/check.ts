import { escapeText } from '../../errors.js';
import type { FormatOptions } from '../../formats/types.js';
import type { ShardChoice } from '../../generate/shard.js';
import { checkOutput, type CheckProblem, type CheckResult } from '../../verify/check.js';
import type { TensorOutcome } from '../../verify/tensors.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import type { CliIO } from '../io.js';

/* `gen --check`: the words for what the library found; one line per differing file or tensor. */

/** A value as it would print in Python: -0 keeps its sign. */
function num(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** A name from a file or spec, quoted and made safe for one terminal line. */
function quoted(name: string): string {
  return escapeText(JSON.stringify(name));
}

/** What is wrong with one tensor, after "tensor NAME: ". */
export function outcomeText(o: TensorOutcome): string {
  switch (o.status) {
    case 'match': return 'matches';
    case 'differs': return `element ${o.index} differs: expected ${num(o.expected)}, found ${num(o.found)}`;
    case 'missing': return 'missing';
    case 'extra': return 'extra (the spec does not have it)';
    case 'mismatch': return o.what;
  }
}

/** The lines of one problem: the file, or one per differing tensor in it. */
export function problemLines(p: CheckProblem): string[] {
  const path = escapeText(p.path);
  if (p.kind === 'missing') return [`${path}: missing`];
  if (p.kind === 'extra') return [`${path}: extra file (the spec does not write it)`];
  if (p.tensors.length === 0) return [`${path}: differs from byte ${p.offset} (a header or metadata; the tensors' data match)`];
  return p.tensors.map((t) => `${path}: tensor ${quoted(t.tensor)}: ${outcomeText(t)}`);
}

export interface CheckRequest {
  readonly spec: WeightsSpec;
  readonly output: string;
  readonly format?: string;
  readonly formatOptions: FormatOptions;
  readonly threads?: number;
  /** Check only this shard's files (see gen --shard). */
  readonly shard?: ShardChoice;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Run the check and report on stderr; the exit code is 0 when the output matches, else 1. */
export async function runCheck(req: CheckRequest, io: CliIO, signal?: AbortSignal): Promise<number> {
  const result: CheckResult = await checkOutput({
    spec: req.spec,
    output: req.output,
    formatOptions: req.formatOptions,
    ...(req.format !== undefined ? { format: req.format } : {}),
    ...(req.threads !== undefined ? { threads: req.threads } : {}),
    ...(req.shard !== undefined ? { shard: req.shard } : {}),
    ...(signal ? { signal } : {}),
  });
  const ok = result.problems.length === 0;
  if (req.json) {
    io.stderr.write(`${JSON.stringify({ output: result.output, ok, files: result.files, problems: result.problems })}\n`);
  } else if (!ok) {
    const lines = result.problems.flatMap(problemLines).map((l) => `init-weights: check: ${l}\n`);
    io.stderr.write(`${lines.join('')}init-weights: check: ${escapeText(result.output)} does not match its spec; to regenerate it run the same gen command without --check (with --force)\n`);
  } else if (!req.quiet) {
    io.stderr.write(`init-weights: check: ${escapeText(result.output)} matches (${result.files.length} file${result.files.length === 1 ? '' : 's'})\n`);
  }
  return ok ? 0 : 1;
}
