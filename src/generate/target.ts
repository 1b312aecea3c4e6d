import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InitWeightsError } from '../errors.js';
import type { Layout } from './plan.js';

/* File-system checks of the target, made before anything is generated. */

function targetError(message: string, path: string): InitWeightsError {
  return new InitWeightsError('E_TARGET', message, { detail: { field: 'output', rule: 'usable target', path } });
}

/** What is at `path` (following symlinks), or undefined when nothing is. */
export async function kindOf(path: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

async function checkParent(path: string): Promise<void> {
  const parent = dirname(resolve(path));
  if ((await kindOf(parent)) !== 'directory') throw targetError(`${path}: the directory ${parent} does not exist`, path);
  try {
    await access(parent, constants.W_OK);
  } catch {
    throw targetError(`${path}: the directory ${parent} is not writable`, path);
  }
}

/**
 * Check that `target` (a planned output path, no trailing slash) can be written: its parent is a
 * writable directory, and what is there already is of the layout's kind. Whether an existing file
 * may be replaced (identical bytes, or force) is decided by comparing, when writing.
 */
export async function checkTarget(target: string, layout: Layout): Promise<'file' | 'directory' | undefined> {
  if (layout === 'stream') return undefined;
  await checkParent(target);
  const kind = await kindOf(target);
  if (kind === undefined) return undefined;
  if (layout === 'file' && kind !== 'file') throw targetError(`${target}: exists and is not a regular file`, target);
  if (layout === 'directory' && kind !== 'directory') throw targetError(`${target}: exists and is not a directory`, target);
  return kind as 'file' | 'directory';
}
