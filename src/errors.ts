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

export class InitWeightsError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly detail: ErrorDetail;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; detail?: ErrorDetail }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InitWeightsError';
    this.code = code;
    this.exitCode = code === 'E_IO' || code === 'E_READ' || code === 'E_CANCELLED' ? 1 : 2;
    this.detail = options?.detail ?? {};
  }
}

/** A spec field broke a rule: `path` is where (`tensors[1].shape[0]`), `rule` what, `value` the culprit. */
export function specError(path: string, rule: string, value: unknown): InitWeightsError {
  return new InitWeightsError('E_SPEC', `spec ${path}: ${rule}, got ${show(value)}`, { detail: { field: path, rule, value } });
}

/** A flag broke a rule. */
export function usageError(flag: string, rule: string, value: unknown): InitWeightsError {
  return new InitWeightsError('E_USAGE', `${flag}: ${rule}, got ${show(value)}`, { detail: { field: flag, rule, value } });
}

/** Echo a user's value compactly in an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'nothing';
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
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
