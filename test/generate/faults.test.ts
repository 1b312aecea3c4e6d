import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { generate } from '../../src/generate/generate.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { tempDir } from '../helpers/cli.js';

/*
 * Faults a test cannot make for real as root or on a roomy disk (a directory that cannot be
 * emptied, a file system out of inodes): node:fs/promises answers chosen calls with an errno.
 */
type Fault = (path: string) => string | undefined;
const faults = vi.hoisted(() => ({} as Record<'access' | 'rm' | 'mkdir', Fault | undefined>));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const wrap = <F extends (...a: never[]) => Promise<unknown>>(name: 'access' | 'rm' | 'mkdir', fn: F) => (async (...args: Parameters<F>) => {
    const code = faults[name]?.(String(args[0]));
    if (code !== undefined) throw Object.assign(new Error(`${code}: ${name} '${String(args[0])}'`), { code });
    return fn(...args);
  }) as unknown as F;
  const mocked = { ...real, access: wrap('access', real.access), rm: wrap('rm', real.rm), mkdir: wrap('mkdir', real.mkdir) };
  return { ...mocked, default: mocked };
});

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  faults.access = faults.rm = faults.mkdir = undefined;
  tmp.cleanup();
});

const SPEC = (seed: number) => resolveSpec({ seed, tensors: [{ name: 'dense/kernel', shape: [4, 3], initializer: 'glorot_uniform' }, { name: 'dense/bias', shape: [3], initializer: 'zeros' }] });

describe('--force into an existing directory', () => {
  it('an old file it no longer writes that cannot be removed: the new output stands and a warning names it', async () => {
    const out = tmp.path('w');
    const more = resolveSpec({ seed: 1, tensors: [...SPEC(1).tensors.map((t) => ({ name: t.name, shape: t.shape, initializer: 'ones' })), { name: 'old', shape: [2], initializer: 'ones' }] });
    await generate({ spec: more, output: `${out}/` });
    faults.rm = (p) => (p === join(out, 'old.npy') ? 'EACCES' : undefined);
    const warnings: string[] = [];
    const result = await generate({ spec: SPEC(2), output: `${out}/`, force: true, onWarning: (m) => warnings.push(m) });
    expect(result.seed).toBe(2);
    expect(warnings).toEqual([`could not remove ${join(out, 'old.npy')}, left by an earlier run (permission denied); remove it by hand`]);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe(2);
  });

  it('a failure midway (a new subdirectory that cannot be made) changes no file and leaves no temp', async () => {
    const out = tmp.path('w');
    await generate({ spec: SPEC(1), output: `${out}/` });
    const before = readdirSync(out, { recursive: true }).map((f) => [f, existsSync(join(out, String(f))) && !String(f).endsWith('dense') ? readFileSync(join(out, String(f))) : null]);
    const more = resolveSpec({ seed: 2, tensors: [...SPEC(2).tensors.map((t) => ({ name: t.name, shape: t.shape, initializer: 'zeros' })), { name: 'extra/w', shape: [2], initializer: 'ones' }] });
    faults.mkdir = (p) => (p.endsWith('/extra') ? 'ENOSPC' : undefined);
    await expect(generate({ spec: more, output: `${out}/`, force: true })).rejects.toThrow(`cannot create directory ${join(out, 'extra')}: no space left on the device`);
    expect(readdirSync(out, { recursive: true }).map((f) => [f, existsSync(join(out, String(f))) && !String(f).endsWith('dense') ? readFileSync(join(out, String(f))) : null])).toEqual(before);
  });
});

describe('a directory that cannot be created midway', () => {
  it('is an I/O error (exit 1) naming the final path, not the temp, and leaves nothing', async () => {
    const out = tmp.path('w');
    faults.mkdir = (p) => (p.endsWith('/dense') ? 'ENOSPC' : undefined);
    expect.assertions(3);
    const err = await generate({ spec: SPEC(1), output: `${out}/` }).catch((e: unknown) => e);
    expect((err as InitWeightsError).exitCode).toBe(1);
    expect((err as Error).message).toBe(`cannot create directory ${join(out, 'dense')}: no space left on the device`);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('the directory itself: also named by its final path', async () => {
    mkdirSync(tmp.path('sub'));
    faults.mkdir = (p) => (p.includes('.tmp') ? 'ENOSPC' : undefined);
    await expect(generate({ spec: SPEC(1), output: tmp.path('sub/w/') })).rejects.toThrow(`cannot create directory ${tmp.path('sub/w')}: no space left on the device`);
    expect(readdirSync(tmp.path('sub'))).toEqual([]);
  });
});
