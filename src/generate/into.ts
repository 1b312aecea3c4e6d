import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoText, existsError, InitWeightsError } from '../errors.js';
import type { ManifestFile } from '../formats/directory/manifest.js';
import type { FormatDef, SplitPart, WriteContext } from '../formats/types.js';
import { FileSink } from '../io/sink.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { makeDir } from './commit.js';
import { CompareSink, DifferenceFound } from './compare-sink.js';
import { emitParts, madeBytes, madeFiles, writeAll, writeMade, type MadeFile, type SinkResult } from './emit.js';
import { staleOwnFiles } from './owned.js';
import { MANIFEST, type PlannedPaths } from './paths.js';
import type { OutputPlan } from './plan.js';
import { isShardManifest, manifestsAgree } from './shard.js';
import { Staging } from './staging.js';
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

/** Whether the file at `path` holds exactly a made file's bytes (read in step, one buffer at a time). */
export async function sameMade(path: string, file: MadeFile): Promise<boolean> {
  const sink = await CompareSink.open(path, { stopAtFirst: true, hash: false });
  try {
    await writeMade(sink, file);
    return true;
  } catch (err) {
    if (err instanceof DifferenceFound) return false;
    throw err;
  }
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
  /** A sharded run: only these parts of the plan (every part of it is still kept by a forced sweep). */
  readonly only?: readonly SplitPart[];
  /** The small files after the parts (default: the plan's index and manifest.json). */
  readonly made?: (files: ManifestFile[]) => MadeFile[];
  /** With force, remove the tool's earlier files the plan no longer has (default true). */
  readonly sweep?: boolean;
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
  const parts = how.only ?? paths.parts;
  let made: MadeFile[] = [];
  // Files by index: the parts, then the made files (an index, the manifest: at most MADE_MAX).
  const staging = new Staging(parts.length + MADE_MAX, (i) => join(dir, i < parts.length ? parts[i]!.path : made[i - parts.length]!.path));
  // Parent directories already made: one mkdir per folder, not one per file.
  const dirs = new Set<string>();
  const stage = async (index: number, fresh: boolean): Promise<FileSink> => {
    how.ready();
    const final = staging.finalOf(index);
    const parent = dirname(final);
    if (!dirs.has(parent)) await makeDir(parent, parent, true);
    dirs.add(parent);
    return FileSink.create(staging.stage(index, fresh && !force), { direct: true, display: final });
  };
  const existing = async (rel: string): Promise<boolean> => {
    const kind = await kindOf(join(dir, rel));
    if (kind === undefined) return false;
    if (kind !== 'file') throw new InitWeightsError('E_TARGET', `${join(dir, rel)}: exists and is not a regular file`, { detail: { field: 'output', rule: 'usable target', path: join(dir, rel) } });
    return true;
  };
  try {
    let next = 0;
    const files = await emitParts(how.only !== undefined ? { ...paths, parts: how.only } : paths, plan, ctx, async (part) => {
      const index = next++;
      const there = await existing(part.path);
      if (there) {
        const same = await sameBytes(join(dir, part.path), plan.format, part.tensors, ctx);
        if (same !== undefined) return same;
        if (!force) throw existsError(join(dir, part.path));
      }
      return stage(index, !there);
    });
    made = how.made?.(files) ?? madeFiles(plan, ctx, files);
    if (made.length > MADE_MAX) throw new Error(`internal: ${made.length} made files`);
    // What is there of the made files, compared in step (each stops at its first difference).
    const found: { there: boolean; same: boolean }[] = [];
    for (const f of made) {
      const there = await existing(f.path);
      found.push({ there, same: there && (await sameMade(join(dir, f.path), f)) });
    }
    // An unchanged manifest lists just the planned files: nothing of the old run is stale, and
    // the old manifest (~50 MB at 100k files) need not be read again to find out. It is read
    // before the new one is made: the two at once (and the new one's garbage) set the peak.
    const sameManifest = made.some((f, j) => f.path === MANIFEST && found[j]!.same);
    // The planned paths (~3 MB of Set at 100k files; the strings are the parts') only when swept.
    const planned = (): Set<string> => new Set([...paths.parts.map((p) => p.path), ...made.map((f) => f.path), MANIFEST]);
    const stale = force && how.sweep !== false && !sameManifest ? await staleOwnFiles(dir, planned()) : { ours: [], changed: [], unproven: [] };
    for (const [j, f] of made.entries()) {
      const { there, same } = found[j]!;
      if (there && !same) {
        // Whole manifests are read and parsed only when a sharded run's manifest is in play.
        if (f.path === MANIFEST && (f.shard === true || !force)) {
          const old = await readFile(join(dir, f.path));
          const want = madeBytes(f);
          if (f.shard === true && manifestsAgree(old, want)) continue;
          // A sharded run's manifest of this same output gains its sha256s without force.
          if (!force && !(isShardManifest(old) && manifestsAgree(old, want))) throw existsError(join(dir, f.path));
        } else if (!force) throw existsError(join(dir, f.path));
      } else if (there) continue;
      await writeMade(await stage(parts.length + j, !there), f);
    }
    const wrote = staging.count;
    await staging.commit();
    for (const rel of stale.ours) await rm(join(dir, rel)).catch((err: unknown) => warn(`could not remove ${join(dir, rel)}, left by an earlier run (${errnoText(err)}); remove it by hand`));
    for (const rel of stale.changed) warn(`left ${join(dir, rel)} alone: an earlier run wrote it, but its bytes have changed since`);
    for (const rel of stale.unproven) warn(`left ${join(dir, rel)} alone: an earlier sharded run listed it without a sha256, so it cannot be told from a file of yours; remove it by hand if it is not`);
    return { files, changed: wrote > 0 || stale.ours.length > 0 };
  } finally {
    await staging.discard();
  }
}

/** Most files written after the parts (madeFiles: an index and the manifest). */
const MADE_MAX = 2;
