import { InitWeightsError } from '../errors.js';
import { HELP_WIDTH, helpWidth, lazyProcessIO, maybeTerminal, stdoutError, writeStdoutSync } from './process-io.js';

/*
 * Help and `--version` without loading the argument parser. The bin tries this first: commander and
 * the program's declarations are ~50-80M of the ~580M instructions of a help run (callgrind; `node
 * -e 0` is ~500M), and their output never changes between runs. The texts are the program's own,
 * printed by the bundled CLI at build time at HELP_WIDTH columns (scripts/bundle-cli.mjs) and
 * written in here as constants; test/cli/startup.test.ts checks they equal what commander prints.
 * Any other arguments, or a terminal narrower than HELP_WIDTH (where commander wraps the text to
 * fit), take the full path.
 */

/** The texts: help by command name ('' for the program's own), and the version line. */
export interface QuickTexts {
  readonly help?: Readonly<Record<string, string>>;
  readonly version?: string;
}

/** Written in by the CLI bundle; absent in dist/cli/quick.js, where nothing is answered quickly. */
declare const __INIT_WEIGHTS_QUICK__: QuickTexts | undefined;

const HELP_FLAGS = new Set(['--help', '-h']);
const VERSION_FLAGS = new Set(['--version', '-V']);

/** Which help `argv` asks for: '' for the program's, a command's name, or undefined for none. */
function helpAsked(argv: readonly string[]): string | undefined {
  if (argv.length === 1) return HELP_FLAGS.has(argv[0]!) || argv[0] === 'help' ? '' : undefined;
  if (argv.length !== 2) return undefined;
  if (argv[0] === 'help') return argv[1];
  return HELP_FLAGS.has(argv[1]!) ? argv[0] : undefined;
}

/**
 * The text for `argv`, when it is one answered here and the output would be that text: help only
 * when commander would wrap it at HELP_WIDTH too (`columns` is the terminal's, undefined off one).
 */
export function quickText(argv: readonly string[], texts: QuickTexts, columns: number | undefined): string | undefined {
  const found = lookUp(argv, texts);
  return found?.help === true && helpWidth(columns) !== HELP_WIDTH ? undefined : found?.text;
}

/** The text `argv` asks for, if the texts have it, and whether it is help (wrapped to a width). */
function lookUp(argv: readonly string[], texts: QuickTexts): { text: string; help: boolean } | undefined {
  if (argv.length === 1 && VERSION_FLAGS.has(argv[0]!)) return texts.version === undefined ? undefined : { text: texts.version, help: false };
  const command = helpAsked(argv);
  if (command === undefined || texts.help === undefined || !Object.hasOwn(texts.help, command)) return undefined;
  return { text: texts.help[command]!, help: true };
}

/** Print the answer for `argv` and return true, or return false for the bin to run the CLI. */
export function quick(argv: readonly string[]): boolean {
  const texts = typeof __INIT_WEIGHTS_QUICK__ === 'object' ? __INIT_WEIGHTS_QUICK__ : {};
  const found = lookUp(argv, texts);
  if (found === undefined) return false;
  // Only a terminal has a width; asking creates process.stdout, which a pipe need not pay for.
  if (found.help && helpWidth(maybeTerminal(1) ? process.stdout.columns : undefined) !== HELP_WIDTH) return false;
  const text = found.text;
  // As run.ts: a reader gone is no error (exit 0), any other fault one line and exit 1. A full
  // non-blocking pipe gets the rest through process.stdout, whose faults come as events.
  const fault = (err: unknown): void => {
    process.stderr.write(`init-weights: ${(err instanceof InitWeightsError ? err : stdoutError(err)).message}\n`);
    process.exitCode = 1;
  };
  try {
    writeStdoutSync(text, lazyProcessIO((stdout) => stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      fault(err);
      process.exit(1);
    })));
  } catch (err) {
    fault(err);
  }
  return true;
}
