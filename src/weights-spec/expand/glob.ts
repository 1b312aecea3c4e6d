import picomatch from 'picomatch';
import { specError } from '../../errors.js';

/*
 * Rule globs over tensor names. Names use "." (Hugging Face: model.layers.0.mlp.up_proj.weight)
 * and "/" (Keras: dense_1/kernel) between parts; both separate parts here, and a "." or "/" in a
 * pattern matches either. `*` matches within one part, `**` any number of whole parts (also none),
 * `?` one character, `[abc]` a class, `{a,b}` alternatives, a leading `!` negates (picomatch).
 */

/** Longest glob accepted: patterns are user text compiled to regular expressions. */
export const MAX_GLOB_LENGTH = 1000;

/** A compiled name matcher. */
export type NameMatcher = (name: string) => boolean;

/** picomatch sees "/" as its only separator: map "." onto it in both names and patterns. */
function toPath(s: string): string {
  return s.replaceAll('.', '/');
}

/** Compile one glob; a malformed one is a spec error naming `path`. */
export function compileGlob(value: unknown, path: string): NameMatcher {
  if (typeof value !== 'string' || value.length === 0) throw specError(path, 'must be a non-empty glob such as "**.bias"', value);
  if (value.length > MAX_GLOB_LENGTH) throw specError(path, `must be at most ${MAX_GLOB_LENGTH} characters`, value);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) throw specError(path, 'must not contain control characters or backslashes', value);
  let re: RegExp;
  try {
    re = picomatch.makeRe(toPath(value), { strictBrackets: true, dot: true });
  } catch (err) {
    throw specError(path, `is not a valid glob (${err instanceof Error ? err.message.split(' - ')[0] : String(err)})`, value);
  }
  return (name) => re.test(toPath(name));
}

/** Compile `match`: one glob or a non-empty list of them (any may match). */
export function compileMatch(value: unknown, path: string): NameMatcher {
  if (!Array.isArray(value)) return compileGlob(value, path);
  if (value.length === 0) throw specError(path, 'must be a glob or a non-empty list of globs', value);
  const all = value.map((g: unknown, i: number) => compileGlob(g, `${path}[${i}]`));
  return (name) => all.some((m) => m(name));
}
