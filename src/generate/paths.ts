import { InitWeightsError } from '../errors.js';
import { MANIFEST } from '../formats/directory/header.js';
import { tarMemberPath } from '../formats/tar/writer.js';
import type { SplitPart } from '../formats/types.js';
import type { WeightsSpec } from '../weights-spec/types.js';
import type { OutputPlan } from './plan.js';

/** The file every directory output carries: what was written, for replacing with force and for verify. */
export { MANIFEST };

/** Every path a request writes, worked out once before anything is written (pure). */
export interface PlannedPaths {
  /** The output without trailing slashes, or '-' for a stream. */
  readonly target: string;
  /** For a directory: the files to write into it, relative to `target`, and their tensors. */
  readonly parts: readonly SplitPart[];
}

/** The output path a plan writes to: trailing slashes dropped (`weights/` is the directory `weights`). */
export function targetPath(output: string): string {
  return output.replace(/\/+$/, '') || output;
}

/**
 * The files of a plan. For a directory, refuses names that clash on disk: the same file twice, or
 * a file that another one needs as a directory (`a.npy` and `a.npy/b.npy`, or `manifest.json/x`).
 * A tar's members are checked the same way: extracting it would hit the same clash.
 */
export function planPaths(spec: WeightsSpec, output: string, plan: OutputPlan): PlannedPaths {
  const target = targetPath(output);
  if (plan.format.name === 'tar') checkClashes(target, [...spec.tensors.map((t) => tarMemberPath(t.name)), MANIFEST], TAR_CLASH);
  if (plan.layout !== 'directory') return { target, parts: [] };
  const parts = plan.split?.parts ?? spec.tensors.map((t) => ({ path: `${t.name}${plan.format.fileExtension}`, tensors: [t] }));
  checkClashes(target, [...parts.map((p) => p.path), MANIFEST]);
  return { target, parts };
}

/** How a clash is told: where it happens, and what to write instead. */
interface ClashWording {
  readonly where: string;
  readonly instead: string;
}
const DIR_CLASH: ClashWording = { where: 'on disk', instead: 'write one file holding every tensor' };
const TAR_CLASH: ClashWording = { where: 'when the tar is extracted', instead: 'write a format that keeps the names inside the file' };

function clashError(target: string, a: string, b: string, words: ClashWording): InitWeightsError {
  const why = a === b ? `both write ${JSON.stringify(a)}` : `${JSON.stringify(b)} needs ${JSON.stringify(a)} to be a directory`;
  return new InitWeightsError('E_SPEC', `${target === '-' ? 'stdout' : target}: the tensor names clash ${words.where}: ${why}; rename a tensor, or ${words.instead} (like weights.safetensors)`, {
    detail: { field: 'tensors', rule: 'file names must not clash', value: b, path: target },
  });
}

/** Throw if two relative paths are the same file or one is a parent directory of another. */
function checkClashes(target: string, paths: readonly string[], words: ClashWording = DIR_CLASH): void {
  const files = new Set<string>();
  for (const p of paths) {
    if (files.has(p)) throw clashError(target, p, p, words);
    files.add(p);
  }
  for (const p of paths) {
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
      if (files.has(p.slice(0, i))) throw clashError(target, p.slice(0, i), p, words);
    }
  }
}
