import { CommanderError } from './commander.js';
import { InitWeightsError } from '../errors.js';
import { flagOf } from './flags.js';
import { processIO, type CliIO } from './io.js';
import { helpWidth, lazyProcessIO, maybeTerminal, writeStdoutSync } from './process-io.js';
import { buildProgram } from './program.js';

/*
 * Start-up: `--help` and `--version` must cost little more than node itself, so this file and
 * program.ts import only small modules. Each command, the I/O plumbing and the temp-file registry
 * are loaded when a command runs (gen alone loads ~150 modules).
 */

/** The temp-file registry's cleanup, once a command has loaded it: before that no temp file exists. */
let removeTemps: (() => void) | undefined;

/** Load a command's module, and the temp-file registry that signal handlers clean up. */
async function load<T>(command: Promise<T>): Promise<T> {
  const [mod, cleanup] = await Promise.all([command, import('../io/cleanup.js')]);
  removeTemps = cleanup.removeAllTempsSync;
  return mod;
}

/** Commander's error text on one line, without its own 'error: ' prefix. */
function oneLine(s: string): string {
  return s.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
}

/**
 * Run the CLI with `argv` (user arguments only, no node/script) and return the exit code. This is
 * the one place that maps errors to exit codes: 0 ok, 2 usage/spec/target, 1 runtime or I/O; a
 * broken pipe is a reader that stopped early, not a failure, and exits 0 quietly.
 */
export async function run(
  argv: readonly string[],
  io: CliIO = processIO(),
  signal?: AbortSignal,
  /** How help and version text reach stdout (the bin writes fd 1 directly). */
  writeOut: (s: string) => void = (s) => io.stdout.write(s),
): Promise<number> {
  // A command's own exit code: `gen --check` and `verify` exit 1 on a difference.
  let exit = 0;
  const program = buildProgram(async (opts) => {
    const { runGen } = await load(import('./commands/gen.js'));
    exit = await runGen(opts, io, signal);
  }, async (opts) => {
    // Loaded on demand: gen does not pay for the readers, nor inspect for the writers.
    const { runInspect } = await load(import('./commands/inspect.js'));
    await runInspect(opts, io);
  }, async (opts) => {
    const { runVerify } = await load(import('./commands/verify.js'));
    exit = await runVerify(opts, io);
  });
  const defaults = program.configureOutput();
  const output = {
    writeOut,
    // Commander asks process.stdout for a terminal's width, creating the stream: only on one.
    getOutHelpWidth: () => helpWidth(maybeTerminal(1) ? defaults.getOutHelpWidth!() : undefined),
    // Only styled help has colours to strip, and ours has none: off the terminal, the answer changes nothing.
    getOutHasColors: () => (maybeTerminal(1) ? defaults.getOutHasColors?.() ?? false : false),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (str: string) => void) => write(`init-weights: ${oneLine(s)}\n`),
  };
  // Subcommands copied the root's settings when declared, so each gets them here too.
  for (const cmd of [program, ...program.commands]) cmd.exitOverride().configureOutput(output);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InitWeightsError) {
      if (err.code !== 'E_CANCELLED') io.stderr.write(`init-weights: ${err.describe(flagOf)}\n`);
      return err.exitCode;
    }
    // A broken pipe comes from a command's sink: io/sink is loaded by then, so this costs nothing.
    if (err instanceof (await import('../io/sink.js')).BrokenPipeError) return 0;
    const e = err as Error;
    io.stderr.write(`init-weights: internal error: ${e?.message ?? String(err)} (please report it; set INIT_WEIGHTS_DEBUG=1 for details)\n`);
    if (io.env.INIT_WEIGHTS_DEBUG) io.stderr.write(`${e?.stack ?? ''}\n`);
    return 1;
  }
}

/** Entry point of the bin: signals clean up temp files; the exit code is set, not forced. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  // SIGQUIT (Ctrl-\) too: its default would dump core and leave the temp files behind.
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129], ['SIGQUIT', 131]] as const) {
    process.on(sig, () => {
      controller.abort();
      removeTemps?.();
      process.exit(code);
    });
  }
  // A reader that closed stdout early (| head) is not an error: leave quietly, whatever was writing.
  const io = lazyProcessIO((stdout) => stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      removeTemps?.();
      process.exit(0);
    }
  }));
  // With SIGXFSZ ignored, a write past the file size limit fails with EFBIG and is cleaned up.
  process.on('SIGXFSZ', () => undefined);
  process.exitCode = await run(process.argv.slice(2), io, controller.signal, (s) => writeStdoutSync(s, io));
}
