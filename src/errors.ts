/**
 * The one error type of init-weights. `code` is stable (scripts may match on it); `exitCode` is what
 * the CLI exits with: 2 for a mistake in the request (flags, spec, target path), 1 for a fault while
 * doing the work (I/O, a file that cannot be read).
 */
export type ErrorCode =
  | 'E_USAGE' // a flag's value breaks its rule
  | 'E_SPEC' // a spec field breaks its rule, or the spec is not valid JSON
  | 'E_TARGET' // the output path cannot be used (exists, missing parent, not writable, a terminal)
  | 'E_IO' // reading or writing failed midway
  | 'E_READ' // a file to read is malformed, truncated or not a weights file (inspect)
  | 'E_CANCELLED'; // SIGINT or SIGTERM

/**
 * What an error is about, for programs (and for the CLI, which turns a field into its flag):
 * `field` is a request field or a spec path (`output`, `force`, `tensors[1].shape[0]`), `rule`
 * the rule it broke, `value` the culprit.
 */
export interface ErrorDetail {
  readonly field?: string;
  readonly rule?: string;
  readonly value?: unknown;
  /** The path the error is about, when it is about a file. */
  readonly path?: string;
}

/**
 * How a message names a request field. The library names fields as they are spelled in its options
 * (`force`); the CLI passes its own namer (its flag table), so only src/cli/ knows the flags.
 */
export type FieldNamer = (field: string) => string;

/** A message whose text names request fields through a namer. */
export type MessageText = string | ((name: FieldNamer) => string);

const OPTION_NAME: FieldNamer = (field) => field;

export class InitWeightsError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly detail: ErrorDetail;
  readonly #text: MessageText;

  constructor(code: ErrorCode, text: MessageText, options?: { cause?: unknown; detail?: ErrorDetail }) {
    super(typeof text === 'string' ? text : text(OPTION_NAME), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InitWeightsError';
    this.code = code;
    this.exitCode = code === 'E_IO' || code === 'E_READ' || code === 'E_CANCELLED' ? 1 : 2;
    this.detail = options?.detail ?? {};
    this.#text = text;
  }

  /** The message with request fields named by `name` (the CLI passes its flag table). */
  describe(name: FieldNamer): string {
    return typeof this.#text === 'string' ? this.message : this.#text(name);
  }
}

/** A spec field broke a rule: `path` is where (`tensors[1].shape[0]`), `rule` what, `value` the culprit. */
export function specError(path: string, rule: string, value: unknown): InitWeightsError {
  return new InitWeightsError('E_SPEC', `spec ${path}: ${rule}, got ${show(value)}`, { detail: { field: path, rule, value } });
}

/** A request field (an option of `generate`) broke a rule; the message names the field first. */
export function usageError(field: string, rule: string, value?: unknown): InitWeightsError {
  const got = value === undefined ? '' : `, got ${show(value)}`;
  return new InitWeightsError('E_USAGE', (name) => `${name(field)}: ${rule}${got}`, { detail: { field, rule, value } });
}

/** The output exists and replacing it was not asked for. */
export function existsError(path: string): InitWeightsError {
  return new InitWeightsError('E_TARGET', (name) => `${path}: already exists; pass ${name('force')} to replace it`, { detail: { field: 'force', rule: 'exists', path } });
}

/**
 * Echo a user's value compactly (at most 80 characters) in a one-line error message. Untrusted text
 * is escaped (see escapeText), and the value is walked without recursion and only as far as the 80
 * characters need, so a deeply nested or huge value cannot overflow the stack or fill memory.
 */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'nothing';
  const s = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value) : preview(value, 80);
  return escapeText(s.length > 80 && typeof value !== 'string' ? `${s.slice(0, 77)}...` : s);
}

/** JSON.stringify's spelling of `value`, built iteratively and cut off once past `budget` characters. */
function preview(value: unknown, budget: number): string {
  const CLOSE = Symbol('text');
  let out = '';
  // A stack of values to print and of literal text (wrapped so that strings stay values).
  const todo: unknown[] = [value];
  while (todo.length > 0 && out.length <= budget) {
    const v = todo.pop();
    if (typeof v === 'object' && v !== null && CLOSE in v) {
      out += (v as { [CLOSE]: string })[CLOSE];
    } else if (typeof v === 'object' && v !== null) {
      const isList = Array.isArray(v);
      const items: unknown[] = [];
      // Only the first `budget` entries can show; larger values are never walked in full.
      if (isList) {
        for (let i = 0; i < Math.min(v.length, budget); i++) items.push(v[i] === undefined || typeof v[i] === 'function' ? null : v[i]);
      } else {
        for (const k in v) {
          const x = (v as Record<string, unknown>)[k];
          if (x !== undefined && typeof x !== 'function') items.push({ [CLOSE]: `${JSON.stringify(k)}:` }, x);
          if (items.length > 2 * budget) break;
        }
      }
      const text = (t: string): unknown => ({ [CLOSE]: t });
      todo.push(text(isList ? ']' : '}'));
      const step = isList ? 1 : 2;
      for (let i = items.length - step; i >= 0; i -= step) {
        todo.push(...items.slice(i, i + step).reverse());
        if (i > 0) todo.push(text(','));
      }
      out += isList ? '[' : '{';
    } else {
      out += typeof v === 'string' ? JSON.stringify(v.length > budget ? v.slice(0, budget) : v) : typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? 'null');
    }
  }
  return out;
}

/**
 * Untrusted text made safe for one terminal line: C0 controls, DEL, C1 controls, bidi embeddings,
 * overrides and isolates (U+202A-202E, U+2066-2069) and lone surrogates become `\uXXXX`.
 */
export function escapeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'file name too long',
  ENOSPC: 'no space left on the device',
  EFBIG: 'file too large (past the file size limit)',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
};

/** A file system error in words for one-line messages ("no such file"), else its code or message. */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e.code !== undefined ? ERRNO_TEXT[e.code] : undefined) ?? e.code ?? (e.message || String(err));
}
