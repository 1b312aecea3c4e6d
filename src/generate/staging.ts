import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { link, rename, rm } from 'node:fs/promises';
import { errnoText, existsError, InitWeightsError } from '../errors.js';
import { registerTempRemover, tempPathFor } from '../io/cleanup.js';

/*
 * The files one run stages beside their final paths, to be moved into place together at the end.
 * A file is known by its index in the run: its temp name is derived from a per-run tag and that
 * index, and its state is one byte. Staging 100k files then holds no list of paths (a list of
 * staged files and the cleanup registry's set held two strings per file).
 */

const NONE = 0;
/** Staged; replaces whatever is at the final path. */
const STAGED = 1;
/** Staged where nothing was (and force is off): committed only if that is still so. */
const EXCLUSIVE = 2;

export class Staging {
  private readonly state: Uint8Array;
  private readonly tag = randomBytes(4).readUInt32BE(0);
  /** Files staged and not yet committed or removed. */
  private pending = 0;
  private staged = 0;
  private readonly unregister: () => void;

  /** `size`: how many indexes the run may use; `finalOf(i)`: the final path of file i. */
  constructor(size: number, readonly finalOf: (index: number) => string) {
    this.state = new Uint8Array(size);
    this.unregister = registerTempRemover(() => this.removeSync());
  }

  /** How many files were staged in all. */
  get count(): number {
    return this.staged;
  }

  /** The temp path of file `index` (the same for the whole run). */
  temp(index: number): string {
    return tempPathFor(this.finalOf(index), this.tag + index);
  }

  /** Mark file `index` staged (its temp is about to be written) and return the temp's path. */
  stage(index: number, exclusive: boolean): string {
    if (index >= this.state.length || this.state[index] !== NONE) throw new Error(`internal: file ${index} staged twice or out of range`);
    this.state[index] = exclusive ? EXCLUSIVE : STAGED;
    this.pending++;
    this.staged++;
    return this.temp(index);
  }

  /** Move every staged file into place, in index order. */
  async commit(): Promise<void> {
    for (const [i, state] of this.outstanding()) await commitStaged(this.temp(i), this.finalOf(i), state === EXCLUSIVE);
  }

  /** Remove the temps not committed (after a failure: nothing was moved, or the commit stopped), and stop tracking them. */
  async discard(): Promise<void> {
    for (const [i] of this.outstanding()) await rm(this.temp(i), { force: true }).catch(() => undefined);
    this.unregister();
  }

  /** For a signal handler: remove the temps not committed, now. */
  private removeSync(): void {
    for (const [i] of this.outstanding()) rmSync(this.temp(i), { force: true });
  }

  /**
   * Each file staged and not yet committed or removed, in index order, with its state; it is done
   * with once the loop's body for it has run through (a body that throws leaves it outstanding).
   */
  private *outstanding(): Generator<[number, number]> {
    for (let i = 0; this.pending > 0 && i < this.state.length; i++) {
      const state = this.state[i]!;
      if (state === NONE) continue;
      yield [i, state];
      this.state[i] = NONE;
      this.pending--;
    }
  }
}

/**
 * Move a staged file into place. An exclusive one is hard-linked (link(2) fails with EEXIST when
 * another run, a concurrent shard or anyone, made the file meanwhile) and its temp removed; where
 * the file system has no hard links it is renamed.
 */
async function commitStaged(temp: string, final: string, exclusive: boolean): Promise<void> {
  try {
    if (exclusive && (await linkedInto(temp, final))) return;
    await rename(temp, final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(final);
    throw new InitWeightsError('E_IO', `cannot finish ${final}: ${errnoText(err)}`, { cause: err, detail: { path: final } });
  }
}

/** Link the temp to the final path; false when hard links are not supported there. */
async function linkedInto(temp: string, final: string): Promise<boolean> {
  try {
    await link(temp, final);
  } catch (err) {
    if (NO_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
  await rm(temp, { force: true });
  return true;
}

/** link(2) errors that mean "no hard links here" (FAT, some network and FUSE file systems). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);
