import { InitWeightsError } from '../../errors.js';
import { inspectEach } from '../../inspect/inspect.js';
import { textRenderer } from '../../inspect/render.js';
import { jsonRenderer } from '../../inspect/report-json.js';
import type { CliIO } from '../io.js';

/** `inspect`'s options after commander has parsed and checked each flag. */
export interface InspectOptions {
  file: string;
  tensors: string[];
  bins?: number;
  json: boolean;
}

/**
 * Run `inspect`: the library reads the input and emits the report tensor by tensor; each piece is
 * printed as text or JSON on stdout as it comes, so a report of any length takes constant memory.
 */
export async function runInspect(opts: InspectOptions, io: CliIO): Promise<void> {
  if (opts.file === '-' && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new InitWeightsError('E_USAGE', 'inspect -: stdin is a terminal; pipe a file in (init-weights gen ... -o - | init-weights inspect -) or give a path');
  }
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const out = opts.json ? jsonRenderer() : textRenderer({ color: io.stdout.isTTY === true && !noColor });
  const print = heldBack(io);
  const skipped = await inspectEach(
    { input: opts.file, stdin: io.stdin, tensors: opts.tensors, ...(opts.bins !== undefined ? { bins: opts.bins } : {}) },
    { begin: (h) => print(out.head(h)), tensor: (t) => print(out.tensor(t)) },
  );
  await print(out.end(skipped), true);
}

/** Report text held back before the first write: an input that fails early prints nothing. */
const HOLD_BACK = 1 << 20;
/** Past that, text is written in batches of about this many characters (one write per tensor was a syscall each). */
const BATCH = 64 << 10;

/**
 * A printer that holds the first MiB of the report, so a malformed input of ordinary size leaves
 * stdout empty (one error line on stderr); past that it streams in 64 KiB batches, and a later
 * error ends a report already begun. It waits for stdout to drain, so a slow reader does not grow
 * memory.
 */
function heldBack(io: CliIO): (text: string, last?: boolean) => Promise<void> | undefined {
  let held: string[] = [];
  let heldBytes = 0;
  let limit = HOLD_BACK;
  return (text, last = false) => {
    held.push(text);
    heldBytes += text.length;
    if (heldBytes < limit && !last) return undefined;
    text = held.join('');
    held = [];
    heldBytes = 0;
    limit = BATCH;
    return drained(io, text);
  };
}

/** Write, and when stdout's buffer is full wait for it to drain (a slow reader must not grow memory). */
function drained(io: CliIO, text: string): Promise<void> | undefined {
  if (io.stdout.write(text)) return undefined;
  return new Promise((resolve) => {
    // A closed pipe never drains: stop waiting then too (the runner handles the broken pipe).
    const done = (): void => {
      io.stdout.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    io.stdout.on('drain', done).on('close', done).on('error', done);
  });
}
