import { compatMode } from '../../compat/stream.js';
import { sharedSeedGroups } from '../../compat/shared-seeds.js';
import { escapeText } from '../../errors.js';
import type { GenerateResult, ShardShare } from '../../generate/generate.js';
import type { LoadedSpec } from '../../weights-spec/load.js';
import { shapeTuple } from '../../weights-spec/shape.js';
import type { WeightsSpec } from '../../weights-spec/types.js';
import { formatBytes } from '../progress.js';

/* `gen`'s summary on stderr: human lines, or JSON with --json. */

type LikeSource = LoadedSpec['like'];

function describeInit(t: WeightsSpec['tensors'][number]): string {
  const ps = Object.entries(t.initializer.params).map(([k, v]) => `${k}=${v}`).join(', ');
  return ps === '' ? t.initializer.type : `${t.initializer.type}(${ps})`;
}

/** Tensors whose initializer `defaults` chose (rules count their own in spec.rules). */
function defaultsTaken(spec: WeightsSpec): number {
  let n = 0;
  for (const t of spec.tensors) if (t.chosenBy === 'defaults') n++;
  return n;
}

/** The compat mode, what it follows, and the tensors that share a seed (the framework gives them the same prefix). */
function compatInfo(spec: WeightsSpec): { mode: string; follows: string; sharedSeeds: string[][] } | undefined {
  if (spec.compat === undefined) return undefined;
  return { mode: spec.compat, follows: compatMode(spec.compat).follows, sharedSeeds: sharedSeedGroups(spec.compat, spec.tensors) };
}

/** The warning for tensors that share a seed in a compat mode, one line per group (empty when none). */
export function sharedSeedWarnings(spec: WeightsSpec): string[] {
  const info = compatInfo(spec);
  if (info === undefined) return [];
  return info.sharedSeeds.map((names) => {
    const shown = names.length > 4 ? `${names.slice(0, 3).map((n) => JSON.stringify(n)).join(', ')} and ${names.length - 3} more` : names.map((n) => JSON.stringify(n)).join(', ');
    return escapeText(`tensors ${shown} share a seed: their values start the same, as ${info.mode}'s own seeded initializers give them (a known pitfall); give each tensor its own "seed" in a spec to avoid it`);
  });
}

/** The machine-readable summary (`--json`). */
export function summaryJson(spec: WeightsSpec, r: GenerateResult, like?: LikeSource): Record<string, unknown> {
  const compat = compatInfo(spec);
  return {
    output: r.output,
    format: r.format,
    layout: r.layout,
    seed: r.seed,
    seedDrawn: r.seedDrawn,
    streamVersion: r.streamVersion,
    toolVersion: r.toolVersion,
    ...(compat !== undefined ? { compat } : {}),
    ...(like !== undefined ? { like } : {}),
    ...(spec.rules !== undefined ? { rules: spec.rules, defaultsTaken: defaultsTaken(spec) } : {}),
    tensors: spec.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, initializer: { type: t.initializer.type, ...t.initializer.params }, seed: t.seed })),
    files: r.files,
    unchanged: r.unchanged,
    ...(r.shard !== undefined ? { shard: r.shard } : {}),
  };
}

/** How many tensors each rule took, one line per rule, then defaults (none when the spec has no rules or defaults). */
function ruleLines(spec: WeightsSpec): string[] {
  const lines = (spec.rules ?? []).map((u) => `  ${escapeText(u.rule)}${u.description !== undefined ? ` (${escapeText(u.description)})` : ''}: ${u.taken} tensor${u.taken === 1 ? '' : 's'}`);
  const d = defaultsTaken(spec);
  if (d > 0 || lines.length > 0) lines.push(`  defaults: ${d} tensor${d === 1 ? '' : 's'}`);
  return lines;
}

/** The human summary: where, how much, the sha256, a line per tensor, the rules, then seed and mode. */
export function summaryText(spec: WeightsSpec, r: GenerateResult, like?: LikeSource): string {
  const bytes = r.files.reduce((s, f) => s + f.bytes, 0);
  const where = r.layout === 'stream' ? 'stdout' : r.output;
  const what = `${r.format}${r.layout === 'directory' ? ' directory + manifest.json' : ''}, ${formatBytes(bytes)}`;
  const lines = [r.unchanged ? `init-weights: ${where} unchanged (${what}: already these bytes, nothing written)` : `init-weights: wrote ${where} (${what})`];
  if (r.layout !== 'directory' && r.files[0]?.sha256 !== undefined) lines.push(`  sha256 ${r.files[0].sha256}`);
  if (r.shard !== undefined) lines.push(`  ${shareText(r.shard)}`);
  if (like !== undefined) {
    // For a config, the description names the architecture built (and a missing `architectures`).
    const about = like.kind === 'hf-config' && spec.description !== undefined ? `: ${escapeText(spec.description)}` : '';
    lines.push(`  like ${escapeText(like.path)} (${like.kind})${about}`);
  }
  const nameW = maxOf(spec.tensors, (t) => t.name.length);
  const shapeW = maxOf(spec.tensors, (t) => shapeTuple(t.shape).length);
  for (const t of spec.tensors) {
    const seed = t.seed === spec.seed ? '' : `  seed ${JSON.stringify(t.seed)}`;
    lines.push(`  ${t.name.padEnd(nameW)}  ${t.dtype.padEnd(8)}  ${shapeTuple(t.shape).padEnd(shapeW)}  ${describeInit(t)}${seed}`);
  }
  lines.push(...ruleLines(spec));
  const compat = compatInfo(spec);
  const stream = compat === undefined ? `stream v${r.streamVersion}` : `compat ${compat.mode} (${compat.follows})`;
  lines.push(`  seed ${JSON.stringify(spec.seed)}, ${stream}, init-weights ${r.toolVersion}`);
  for (const w of sharedSeedWarnings(spec)) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** "shard 1/3: 2 of 7 files" (the index as given: counted from 0). */
export function shareText(share: ShardShare): string {
  return `shard ${share.index}/${share.count}: ${share.files} of ${share.of} files${share.index === 0 ? ' (with the manifest)' : ''}`;
}

/** The largest `f(x)` (0 for none): a loop, since spreading a million values overflows the stack. */
export function maxOf<T>(items: readonly T[], f: (x: T) => number): number {
  let m = 0;
  for (const x of items) m = Math.max(m, f(x));
  return m;
}
