/* Shared by the interop suites: temp dirs, raw float64 files, the recipes, and the real bin. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/python.js';

export const PY_DIR = join(REPO_ROOT, 'test', 'interop', 'py');
export const RECIPES_PATH = join(REPO_ROOT, 'test', 'interop', 'RECIPES.md');
export const BIN = join(REPO_ROOT, 'bin', 'init-weights.js');

/** A fresh temp directory and a function that removes it. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `init-weights-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Numbers as a raw little-endian float64 file (what Python reads with np.fromfile(path, '<f8')). */
export async function writeFloat64LE(path: string, values: ArrayLike<number>): Promise<void> {
  const buf = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) buf.writeDoubleLE(values[i]!, i * 8);
  await writeFile(path, buf);
}

/**
 * The Python code block that follows `<!-- recipe: NAME -->` in RECIPES.md, exactly as written
 * there (the README copies these blocks; the tests run them).
 */
export function recipe(name: string): string {
  const text = readFileSync(RECIPES_PATH, 'utf8');
  const marker = `<!-- recipe: ${name} -->`;
  const at = text.indexOf(marker);
  if (at === -1) throw new Error(`RECIPES.md has no ${marker}`);
  const m = /^```python\n([\s\S]*?)^```$/m.exec(text.slice(at + marker.length));
  if (m === null) throw new Error(`RECIPES.md: no \`\`\`python block after ${marker}`);
  return m[1]!;
}

/** Names of all recipes in RECIPES.md, in order. */
export function recipeNames(): string[] {
  const text = readFileSync(RECIPES_PATH, 'utf8');
  return [...text.matchAll(/<!-- recipe: ([\w-]+) -->/g)].map((m) => m[1]!);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bin runs dist/: fail when it was never built, and warn loudly when src/ is newer (the spawned
 * runs would then test old code; `npm test` builds first).
 */
export function checkBuilt(): void {
  const entry = join(REPO_ROOT, 'dist', 'cli', 'run.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build (the spawned bin runs dist/)`);
  if (newestMtime(join(REPO_ROOT, 'src')) > newestMtime(join(REPO_ROOT, 'dist'))) {
    console.warn('\n!!! dist/ is older than src/: the spawned bin runs the old build. Run npm run build (npm test does).\n');
  }
}

/** A running bin: its stdout is a pipe to hand to the next process of a pipeline. */
export interface BinRun {
  readonly child: ChildProcess & { stdout: NonNullable<ChildProcess['stdout']> };
  /** Exit code (null when killed), signal and everything written on stderr. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Start `node bin/init-weights.js ...args` with stdout a pipe and stderr captured. */
export function startBin(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): BinRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 100_000);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child: child as BinRun['child'], done };
}

/**
 * Connect a bin's stdout straight to another process (a real OS pipe: the consumer gets the fd),
 * then close the test runner's own copy of the read end, so that when the consumer exits early
 * the bin sees EPIPE, as it would in a shell pipeline.
 */
export function spawnConsumer(run: BinRun, command: string, args: readonly string[]): ChildProcess {
  const consumer = spawn(command, args, { stdio: [run.child.stdout, 'pipe', 'pipe'] });
  run.child.stdout.destroy();
  return consumer;
}
