import { open } from 'node:fs/promises';
import { errnoText, InitWeightsError, show } from '../../errors.js';

/** Largest JSON file `like` reads (config.json, shape dumps, *.index.json): checked before reading. */
export const MAX_LIKE_JSON_BYTES = 64 * 1024 * 1024;

/**
 * A `like` source that is not a usable model description: exit 2 (the user named the wrong thing),
 * with the path, the rule and the value, one line.
 */
export function likeError(path: string, rule: string, value?: unknown): InitWeightsError {
  const tail = value === undefined ? '' : `, got ${show(value)}`;
  // eslint-disable-next-line no-control-regex
  const where = path.replace(/[\u0000-\u001f\u007f]/g, '?');
  return new InitWeightsError('E_SPEC', `like ${where}: ${rule}${tail}`, { detail: { field: 'like', rule, value, path } });
}

/** Read at most `max` bytes of a file whose size was checked first (flat memory for any input). */
export async function readCapped(path: string, max: number, what: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw likeError(path, `cannot open ${what}: ${errnoText(err)}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw likeError(path, `${what} must be a regular file`);
    if (st.size > max) throw likeError(path, `${what} must be at most ${max} bytes`, st.size);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const r = await fh.read(buf, at, st.size - at, at);
      if (r.bytesRead === 0) break;
      at += r.bytesRead;
    }
    return buf.subarray(0, at);
  } catch (err) {
    if (err instanceof InitWeightsError) throw err;
    throw new InitWeightsError('E_IO', `like ${path}: reading ${what} failed: ${errnoText(err)}`, { detail: { field: 'like', path } });
  } finally {
    await fh.close();
  }
}

/** Parse a capped JSON file as UTF-8; a syntax error or bad bytes is a `like` error. */
export async function readJson(path: string, what: string): Promise<unknown> {
  const bytes = await readCapped(path, MAX_LIKE_JSON_BYTES, what);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw likeError(path, `${what} must be UTF-8 text`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw likeError(path, `${what} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Whether a value is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
