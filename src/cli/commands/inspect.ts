import { InitWeightsError } from '../../errors.js';
import type { CliIO } from '../io.js';

/** `inspect`'s options after commander has parsed and checked each flag. */
export interface InspectOptions {
  file: string;
  tensors: string[];
  bins?: number;
  json: boolean;
}

/** Run `inspect` (being built: see issue 4). */
export async function runInspect(opts: InspectOptions, io: CliIO): Promise<void> {
  void io;
  throw new InitWeightsError('E_USAGE', `inspect ${opts.file}: not available in this build yet`);
}
