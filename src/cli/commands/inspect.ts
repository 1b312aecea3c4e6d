import { InitWeightsError } from '../../errors.js';
import { inspect } from '../../inspect/inspect.js';
import { renderReport } from '../../inspect/render.js';
import type { CliIO } from '../io.js';

/** `inspect`'s options after commander has parsed and checked each flag. */
export interface InspectOptions {
  file: string;
  tensors: string[];
  bins?: number;
  json: boolean;
}

/** Run `inspect`: build the report in the library, print it as text or JSON on stdout. */
export async function runInspect(opts: InspectOptions, io: CliIO): Promise<void> {
  if (opts.file === '-' && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new InitWeightsError('E_USAGE', 'inspect -: stdin is a terminal; pipe a file in (init-weights gen ... -o - | init-weights inspect -) or give a path');
  }
  const report = await inspect({
    input: opts.file,
    stdin: io.stdin,
    tensors: opts.tensors,
    ...(opts.bins !== undefined ? { bins: opts.bins } : {}),
  });
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  io.stdout.write(renderReport(report, { color: io.stdout.isTTY === true && !noColor }));
}
