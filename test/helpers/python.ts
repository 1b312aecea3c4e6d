/*
 * The interop Python: the real consumers (numpy, ml_dtypes) that read what init-weights writes.
 *
 * Where it is: $INIT_WEIGHTS_PYTHON, else .venv/bin/python in the repository (made by
 * scripts/python-env.sh from requirements-interop.txt). When it is missing or cannot import numpy
 * and ml_dtypes:
 *   - in CI ($CI set, and not "false" or "0") the interop suites FAIL, naming the fix;
 *   - when INIT_WEIGHTS_PYTHON was given explicitly, they fail too (someone asked for them);
 *   - otherwise (a local run) they are skipped, with a loud warning on stderr.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const FIX = 'run scripts/python-env.sh (it creates .venv with numpy and ml_dtypes from requirements-interop.txt), or set INIT_WEIGHTS_PYTHON to a python that has them';

/** Whether we run in CI, where interop tests must run rather than skip. */
export function inCI(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The result of looking for the interop Python. */
export type PythonLookup =
  | { readonly ok: true; readonly python: string; readonly versions: string }
  | { readonly ok: false; readonly problem: string; readonly explicit: boolean };

/** Find the interop Python (default: `root`/.venv/bin/python) and check that it imports numpy and ml_dtypes. */
export function locatePython(env: Readonly<Record<string, string | undefined>> = process.env, root = REPO_ROOT): PythonLookup {
  const given = env.INIT_WEIGHTS_PYTHON;
  const explicit = given !== undefined && given !== '';
  const python = explicit ? given : join(root, '.venv', 'bin', 'python');
  const source = explicit ? `INIT_WEIGHTS_PYTHON=${python}` : python;
  if (!explicit && !existsSync(python)) return { ok: false, problem: `no interop Python at ${source}`, explicit };
  const probe = spawnSync(python, ['-c', 'import numpy, ml_dtypes; print("numpy", numpy.__version__, "ml_dtypes", ml_dtypes.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.error !== undefined) return { ok: false, problem: `cannot run ${source}: ${probe.error.message}`, explicit };
  if (probe.status !== 0) {
    const why = probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
    return { ok: false, problem: `${source} cannot import numpy and ml_dtypes (${why})`, explicit };
  }
  return { ok: true, python, versions: probe.stdout.trim() };
}

let lookup: PythonLookup | undefined;

/** The lookup, done once per test file. */
export function interopPython(): PythonLookup {
  lookup ??= locatePython();
  return lookup;
}

let warned = false;

function warnLoudly(problem: string): void {
  if (warned) return;
  warned = true;
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\n!!! INTEROP TESTS SKIPPED: ${problem}.\n!!! To run them: ${FIX}.\n!!! (In CI, with $CI set, they fail instead of skipping.)\n${bar}\n`);
}

/**
 * `describe` for a suite that needs the interop Python. Runs `body` when the Python is there. When
 * it is not: in CI, or when INIT_WEIGHTS_PYTHON was set, the suite holds one failing test that says
 * how to fix it; locally the suite is skipped with a loud warning.
 */
export function describeInterop(name: string, body: (python: string) => void): void {
  const found = interopPython();
  if (found.ok) {
    describe(name, () => body(found.python));
    return;
  }
  if (inCI() || found.explicit) {
    describe(name, () => {
      it('has the interop Python environment', () => {
        throw new Error(`interop Python missing (${found.problem}): ${FIX}.`);
      });
    });
    return;
  }
  warnLoudly(found.problem);
  describe.skip(name, () => body(''));
}

/** Python code to run: a snippet (`code`) or a script file (`script`). */
export type PythonProgram = { readonly code: string } | { readonly script: string };

export interface RunPythonOptions {
  /** Bytes for the script's stdin (default: none, stdin closed). */
  readonly input?: Uint8Array | string;
  /**
   * A readable with an fd (another child's stdout) to connect straight to stdin: a real OS pipe.
   * It is handed over: once Python has started, the test runner's copy is closed, so that the
   * writer sees EPIPE when Python stops reading early, as in a shell pipeline.
   */
  readonly stdin?: NonNullable<ChildProcess['stdout']>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** What a Python run printed. */
export interface PythonOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The error of a Python run that failed: the exit status and everything it wrote on stderr. */
export class PythonError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'PythonError';
  }
}

/**
 * Run a Python program with `args` (sys.argv[1:]) and return its stdout. Throws a PythonError with
 * its stderr when it exits non-zero or is killed by the timeout.
 */
export async function runPython(python: string, program: PythonProgram, args: readonly string[] = [], options: RunPythonOptions = {}): Promise<string> {
  return (await runPythonFull(python, program, args, options)).stdout;
}

/** As runPython, but returns stderr too (for checking that a reader printed no warnings). */
export function runPythonFull(python: string, program: PythonProgram, args: readonly string[] = [], options: RunPythonOptions = {}): Promise<PythonOutput> {
  const argv = 'code' in program ? ['-c', program.code, ...args] : [program.script, ...args];
  const stdinMode = options.stdin ?? (options.input === undefined ? 'ignore' : 'pipe');
  const child = spawn(python, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: [stdinMode, 'pipe', 'pipe'],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'default' },
  });
  options.stdin?.destroy();
  const what = 'code' in program ? 'python -c <snippet>' : `python ${program.script}`;
  return new Promise((resolvePromise, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 110_000);
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new PythonError(`${what}: cannot start ${python}: ${e.message}`, null, ''));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (status === 0) {
        resolvePromise({ stdout, stderr });
        return;
      }
      const how = timedOut ? 'timed out' : signal !== null ? `was killed by ${signal}` : `exited with status ${status}`;
      reject(new PythonError(`${what} ${how}:\n${stderr.trimEnd()}`, status, stderr));
    });
    if (child.stdin !== null) {
      child.stdin.on('error', () => undefined); // the script may exit without reading it all
      child.stdin.end(options.input);
    }
  });
}

/** Run a Python program that prints one JSON value, and parse it. */
export async function runPythonJson<T>(python: string, program: PythonProgram, args: readonly string[] = [], options: RunPythonOptions = {}): Promise<T> {
  const stdout = await runPython(python, program, args, options);
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`expected one JSON value from Python, got:\n${stdout}`);
  }
}
