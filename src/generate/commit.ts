import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoText, existsError, InitWeightsError } from '../errors.js';
import type { ManifestFile } from '../formats/directory/manifest.js';
import type { WriteContext } from '../formats/types.js';
import { registerTemp, tempPathFor, unregisterTemp } from '../io/cleanup.js';
import { FileSink } from '../io/sink.js';
import { emitParts, madeFiles, writeMade } from './emit.js';
import type { PlannedPaths } from './paths.js';
import type { OutputPlan } from './plan.js';

/* The commit of a new directory: write into a temp directory beside the target, then move it into place. */

/** mkdir, with a failure reported as an I/O error naming the directory the user will see. */
export async function makeDir(path: string, shown: string, recursive = false): Promise<void> {
  try {
    await mkdir(path, { recursive });
  } catch (err) {
    throw new InitWeightsError('E_IO', `cannot create directory ${shown}: ${errnoText(err)}`, { cause: err, detail: { path: shown } });
  }
}

/**
 * A new directory output: one file per tensor (or per part of a split format, then its index), and
 * manifest.json, all written into a temp directory beside the target that is moved into place.
 */
export async function writeDirectory(paths: PlannedPaths, plan: OutputPlan, ctx: WriteContext): Promise<ManifestFile[]> {
  const dir = paths.target;
  const temp = tempPathFor(dir);
  registerTemp(temp);
  try {
    await makeDir(temp, dir);
    // Parent directories already made: one mkdir per folder, not one per file.
    const made = new Set<string>([temp]);
    const files = await emitParts(paths, plan, ctx, async (part) => {
      const parent = dirname(join(temp, part.path));
      if (!made.has(parent)) await makeDir(parent, dirname(join(dir, part.path)), true);
      made.add(parent);
      return FileSink.create(join(temp, part.path), { direct: true, display: join(dir, part.path) });
    });
    for (const f of madeFiles(plan, ctx, files)) await writeMade(await FileSink.create(join(temp, f.path), { direct: true, display: join(dir, f.path) }), f);
    await moveDirectoryExclusive(temp, dir);
    unregisterTemp(temp);
    return files;
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    unregisterTemp(temp);
    throw err;
  }
}

/**
 * Move the temp directory to `dir` only if nothing is there: mkdir(2) fails with EEXIST when
 * another run (or anyone) got there first, and rename(2) then replaces only our own empty
 * directory (or fails, ENOTEMPTY, if someone filled it meanwhile).
 */
async function moveDirectoryExclusive(temp: string, dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(dir);
    throw new InitWeightsError('E_IO', `cannot create directory ${dir}: ${errnoText(err)}`, { cause: err, detail: { path: dir } });
  }
  try {
    await rename(temp, dir);
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw existsError(dir);
    throw new InitWeightsError('E_IO', `cannot finish ${dir}: ${errnoText(err)}`, { cause: err, detail: { path: dir } });
  }
}
