import { CommanderError } from 'commander';
import { InitWeightsError } from '../errors.js';
import { removeAllTempsSync } from '../io/cleanup.js';
import { BrokenPipeError } from '../io/sink.js';
import { runGen } from './commands/gen.js';
import { flagOf } from './flags.js';
import { processIO, type CliIO } from './io.js';
import { buildProgram } from './program.js';

/** Commander's error text on one line, without its own 'error: ' prefix. */
function oneLine(s: string): string {
  return s.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
}

/**
 * Run the CLI with `argv` (user arguments only, no node/script) and return the exit code. This is
 * the one place that maps errors to exit codes: 0 ok, 2 usage/spec/target, 1 runtime or I/O; a
 * broken pipe is a reader that stopped early, not a failure, and exits 0 quietly.
 */
export async function run(argv: readonly string[], io: CliIO = processIO(), signal?: AbortSignal): Promise<number> {
  // A command's own exit code: `gen --check` and `verify` exit 1 on a difference.
  let exit = 0;
  const program = buildProgram(async (opts) => {
    exit = await runGen(opts, io, signal);
  }, async (opts) => {
    // Loaded on demand: gen does not pay for the readers.
    const { runInspect } = await import('./commands/inspect.js');
    await runInspect(opts, io);
  }, async (opts) => {
    const { runVerify } = await import('./commands/verify.js');
    exit = await runVerify(opts, io);
  });
  const output = {
    writeOut: (s: string) => io.stdout.write(s),
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
    if (err instanceof BrokenPipeError) return 0;
    if (err instanceof InitWeightsError) {
      if (err.code !== 'E_CANCELLED') io.stderr.write(`init-weights: ${err.describe(flagOf)}\n`);
      return err.exitCode;
    }
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
      removeAllTempsSync();
      process.exit(code);
    });
  }
  // A reader that closed stdout early (| head) is not an error: leave quietly, whatever was writing.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      removeAllTempsSync();
      process.exit(0);
    }
  });
  // With SIGXFSZ ignored, a write past the file size limit fails with EFBIG and is cleaned up.
  process.on('SIGXFSZ', () => undefined);
  process.exitCode = await run(process.argv.slice(2), processIO(), controller.signal);
}
