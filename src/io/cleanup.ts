import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/*
 * Temporary files and directories in flight. A signal handler (the CLI's) removes them all
 * synchronously before exiting, so an interrupted run leaves nothing behind; what SIGKILL leaves
 * is found by its name (which carries the PID) and removed by the next run into the same place.
 */
const temps = new Set<string>();
/** Removers of temps too many to list one by one (a run staging 100k files derives their names). */
const removers = new Set<() => void>();

export function registerTemp(path: string): void {
  temps.add(path);
}

export function unregisterTemp(path: string): void {
  temps.delete(path);
}

/**
 * Register a synchronous remover of temps the caller tracks itself (names it can derive, one
 * byte of state per file, instead of 100k strings here); the returned function unregisters it.
 */
export function registerTempRemover(remove: () => void): () => void {
  removers.add(remove);
  return () => removers.delete(remove);
}

/** Remove every registered temp path now (for signal handlers). */
export function removeAllTempsSync(): void {
  for (const remove of removers) {
    try {
      remove();
    } catch {
      // Best effort: the process is exiting.
    }
  }
  removers.clear();
  for (const p of temps) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // Best effort: the process is exiting.
    }
  }
  temps.clear();
}

/** Longest file name most file systems take (bytes). */
const NAME_MAX = 255;

/** The first `max` bytes of `s` in UTF-8, not cutting a character. */
function utf8Prefix(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

/** `.NAME.PID.HEX.tmp`, with NAME shortened so that the whole stays within NAME_MAX bytes. */
function tempName(base: string, pid: number, hex: string): string {
  const suffix = `.${pid}.${hex}.tmp`;
  return `.${utf8Prefix(base, NAME_MAX - 1 - Buffer.byteLength(suffix))}${suffix}`;
}

const TEMP_NAME = /^\..*\.(\d{1,10})\.([0-9a-f]{8})\.tmp$/s;

/**
 * A name for a temp file or directory beside `target`: hidden, unique, carrying this process's PID.
 * `tag` (32 bits) replaces the random part: a run derives its temps' names as (run tag + file index).
 */
export function tempPathFor(target: string, tag?: number): string {
  const hex = tag === undefined ? randomBytes(4).toString('hex') : (tag >>> 0).toString(16).padStart(8, '0');
  return join(dirname(target), tempName(basename(target), process.pid, hex));
}

/** Whether a process with this PID exists (EPERM: it does, and belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temp files and directories that earlier runs writing `target` left behind when they
 * were killed (SIGKILL cannot be caught): names made by tempPathFor for this target whose process
 * is gone. Returns the paths removed. Temps of live processes (another run) are left alone.
 */
export async function sweepStaleTemps(target: string): Promise<string[]> {
  const dir = dirname(target);
  const base = basename(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (tempName(base, pid, m[2]!) !== name || pid === process.pid || processAlive(pid)) continue;
    const path = join(dir, name);
    try {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Not ours to fix (permissions): it stays, as it would have without the sweep.
    }
  }
  return removed;
}
