import { escapeText } from '../../errors.js';
import { verify } from '../../verify/verify.js';
import type { CliIO } from '../io.js';
import { outcomeText } from './check.js';

/** `verify`'s options after commander has parsed them. */
export interface VerifyOptions {
  path: string;
  json: boolean;
}

/**
 * Run `verify`: the report goes to stdout (a line per tensor, or JSON), the exit code is 0 when
 * every tensor matches its recorded spec, else 1.
 */
export async function runVerify(opts: VerifyOptions, io: CliIO): Promise<number> {
  const r = await verify(opts.path);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(r)}\n`);
    return r.ok ? 0 : 1;
  }
  const bad = r.tensors.filter((t) => t.status !== 'match').length;
  const lines = r.tensors.map((t) => `  ${t.status === 'match' ? 'ok  ' : 'FAIL'}  ${escapeText(JSON.stringify(t.tensor))}${t.status === 'match' ? '' : `: ${outcomeText(t)}`}`);
  const made = `seed ${escapeText(JSON.stringify(r.seed))}, ${r.compat !== undefined ? `compat ${r.compat}` : `stream v${r.streamVersion}`}${r.toolVersion !== undefined ? `, written by init-weights ${escapeText(r.toolVersion)}` : ''}`;
  const verdict = r.ok ? `all ${r.tensors.length} tensors match` : `${bad} of ${r.tensors.length} tensors do not match`;
  io.stdout.write(`${escapeText(r.path)}: ${verdict} (${made})\n${lines.join('\n')}\n`);
  return r.ok ? 0 : 1;
}
