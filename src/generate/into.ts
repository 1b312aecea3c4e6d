import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoText, existsError, InitWeightsError } from '../errors.js';
import type { ManifestFile } from '../formats/directory/manifest.js';
import type { FormatDef, WriteContext } from '../formats/types.js';
import { registerTemp, tempPathFor, unregisterTemp } from '../io/cleanup.js';
import { FileSink } from '../io/sink.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { makeDir } from './commit.js';
import { CompareSink, DifferenceFound } from './compare-sink.js';
import { emitParts, madeFiles, writeAll, type SinkResult } from './emit.js';
import { staleOwnFiles } from './owned.js';
import { MANIFEST, type PlannedPaths } from './paths.js';
import type { OutputPlan } from './plan.js';
import { kindOf } from './target.js';

/*
 * Writing onto what is already there. A file whose bytes would be the same is left alone (its
 * mtime too: make, bazel and git see no change); a different one is replaced only with force.
 * Into a directory, only the files of the plan are written, plus removal (with force) of the
 * tool's own earlier files the plan no longer has; config.json, tokenizer files and the like are
 * never touched.
 */

/** The result of writing `tensors` if the file at `path` already holds exactly those bytes, else undefined. */
export async function sameBytes(path: string, format: FormatDef, tensors: readonly TensorSpec[], ctx: WriteContext, hash = true): Promise<SinkResult | undefined> {
  const sink = await CompareSink.open(path, { stopAtFirst: true, hash });
  try {
    return await writeAll(sink, format, tensors, ctx);
  } catch (err) {
    if (err instanceof DifferenceFound) return undefined;
    throw err;
  }
}

interface Staged {
  readonly temp: string;
  readonly final: string;
}

/** Outcome of writing into a directory: the manifest entries, and whether any file changed. */
export interface IntoResult {
  readonly files: ManifestFile[];
  readonly changed: boolean;
}

export interface IntoOptions {
  /** Replace planned files whose bytes differ (and remove the tool's own stale files). */
  readonly force: boolean;
  /** Called before the first file is written. */
  readonly ready: () => void;
  readonly warn: (message: string) => void;
}

/**
 * Write a directory plan into the existing directory `dir`. New and changed files are written to
 * temps beside their final paths and all moved into place at the end; on failure the temps go and
 * nothing in `dir` has changed. Without force, a planned file that exists with other bytes is
 * refused (exit 2) before any file is moved.
 */
export async function writeInto(paths: PlannedPaths, plan: OutputPlan, ctx: WriteContext, how: IntoOptions): Promise<IntoResult> {
  const { force, warn } = how;
  const dir = paths.target;
  const staged: Staged[] = [];
  const stage = async (rel: string): Promise<FileSink> => {
    how.ready();
    const final = join(dir, rel);
    await makeDir(dirname(final), dirname(final), true);
    const temp = tempPathFor(final);
    registerTemp(temp);
    staged.push({ temp, final });
    return FileSink.create(temp, { direct: true, display: final });
  };
  const existing = async (rel: string): Promise<boolean> => {
    const kind = await kindOf(join(dir, rel));
    if (kind === undefined) return false;
    if (kind !== 'file') throw new InitWeightsError('E_TARGET', `${join(dir, rel)}: exists and is not a regular file`, { detail: { field: 'output', rule: 'usable target', path: join(dir, rel) } });
    return true;
  };
  try {
    const files = await emitParts(paths, plan, ctx, async (part) => {
      if (await existing(part.path)) {
        const same = await sameBytes(join(dir, part.path), plan.format, part.tensors, ctx);
        if (same !== undefined) return same;
        if (!force) throw existsError(join(dir, part.path));
      }
      return stage(part.path);
    });
    for (const f of madeFiles(plan, ctx, files)) {
      if (await existing(f.path)) {
        if ((await readFile(join(dir, f.path))).equals(f.bytes)) continue;
        if (!force) throw existsError(join(dir, f.path));
      }
      const sink = await stage(f.path);
      await sink.write(f.bytes);
      await sink.close();
    }
    const planned = new Set([...paths.parts.map((p) => p.path), ...files.map((f) => f.path), MANIFEST]);
    const stale = force ? await staleOwnFiles(dir, planned) : { ours: [], changed: [] };
    const wrote = staged.length;
    for (const s of staged) await commitStaged(s);
    for (const rel of stale.ours) await rm(join(dir, rel)).catch((err: unknown) => warn(`could not remove ${join(dir, rel)}, left by an earlier run (${errnoText(err)}); remove it by hand`));
    for (const rel of stale.changed) warn(`left ${join(dir, rel)} alone: an earlier run wrote it, but its bytes have changed since`);
    return { files, changed: wrote > 0 || stale.ours.length > 0 };
  } finally {
    for (const s of staged) {
      await rm(s.temp, { force: true }).catch(() => undefined);
      unregisterTemp(s.temp);
    }
  }
}

async function commitStaged(s: Staged): Promise<void> {
  try {
    await rename(s.temp, s.final);
  } catch (err) {
    throw new InitWeightsError('E_IO', `cannot finish ${s.final}: ${errnoText(err)}`, { cause: err, detail: { path: s.final } });
  }
  unregisterTemp(s.temp);
}
