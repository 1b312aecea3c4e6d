import { HELP_WIDTH, helpWidth, maybeTerminal, writeStdoutSync, lazyProcessIO } from './process-io.js';

/*
 * `init-weights --help` and `--version` without loading the argument parser. The bin tries this
 * first: commander and the program's declarations are ~60M of ~580M instructions of a `--help` run
 * (callgrind; `node -e 0` is ~500M), and their output never changes between runs. The texts are
 * the program's own, rendered by the bundled CLI at build time at HELP_WIDTH columns
 * (scripts/bundle-cli.mjs) and written in here as constants; test/cli/startup.test.ts checks they
 * equal what commander prints. Any other arguments, or a terminal narrower than HELP_WIDTH (where
 * commander wraps the text to fit), take the full path.
 */

/** Written in by the CLI bundle; absent in dist/cli/quick.js, where nothing is answered quickly. */
declare const __INIT_WEIGHTS_HELP__: string | undefined;
declare const __INIT_WEIGHTS_VERSION_TEXT__: string | undefined;

/** The arguments answered here and which text each gets. */
const QUICK: Readonly<Record<string, 'help' | 'version'>> = { '--help': 'help', '-h': 'help', help: 'help', '--version': 'version', '-V': 'version' };

/**
 * The text for `argv`, when it is one answered here and the output would be that text: help only
 * when commander would wrap it at HELP_WIDTH too (`columns` is the terminal's, undefined off one).
 */
export function quickText(argv: readonly string[], texts: { help?: string; version?: string }, columns: number | undefined): string | undefined {
  const which = argv.length === 1 ? QUICK[argv[0]!] : undefined;
  if (which === 'version') return texts.version;
  if (which === 'help' && helpWidth(columns) === HELP_WIDTH) return texts.help;
  return undefined;
}

/** Print the answer for `argv` and return true, or return false for the bin to run the CLI. */
export function quick(argv: readonly string[]): boolean {
  const texts = {
    ...(typeof __INIT_WEIGHTS_HELP__ === 'string' ? { help: __INIT_WEIGHTS_HELP__ } : {}),
    ...(typeof __INIT_WEIGHTS_VERSION_TEXT__ === 'string' ? { version: __INIT_WEIGHTS_VERSION_TEXT__ } : {}),
  };
  if (argv.length !== 1 || QUICK[argv[0]!] === undefined) return false;
  // Only a terminal has a width; asking creates process.stdout, which a pipe need not pay for.
  const text = quickText(argv, texts, maybeTerminal(1) ? process.stdout.columns : undefined);
  if (text === undefined) return false;
  // A full non-blocking pipe gets the rest through process.stdout; a reader gone meanwhile is no error (as in run.ts).
  writeStdoutSync(text, lazyProcessIO((stdout) => stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  })));
  return true;
}
