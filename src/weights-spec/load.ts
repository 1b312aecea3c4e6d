import { dirname, isAbsolute, join } from 'node:path';
import { specError, usageError } from '../errors.js';
import { isObject } from './fields.js';
import { likeSource, type LikeKind } from './like/like.js';
import { mergeLike } from './like/merge.js';
import { parseSpecJson, resolveSpec, type SpecOverrides } from './parse.js';
import type { WeightsSpec } from './types.js';

/*
 * The library entry for specs that may name a `like` source: the one async step (reading the
 * source's headers or config), then the pure merge, expansion and resolution.
 */

/** What to load: a spec text, a like source, or both. */
export interface LoadSpecOptions {
  /** Spec JSON text (a file's contents, or stdin). Optional when `like` is given. */
  readonly specText?: string;
  /** Where specText came from: names it in messages, and a relative `like` in it is relative to its directory ('-': stdin, the working directory). */
  readonly specPath?: string;
  /** A like source (the CLI's like flag); wins over the spec's `like` field. Relative to the working directory. */
  readonly like?: string;
  /** An initializer for every tensor the spec's own rules do not decide, in place of the source's law (the CLI's init flag with a like source). */
  readonly initializer?: unknown;
  /** Replace the file-level seed, dtype (the source's dtypes too) and layout. */
  readonly overrides?: SpecOverrides;
}

/** A loaded spec, and the like source it was made from. */
export interface LoadedSpec {
  readonly spec: WeightsSpec;
  /** The like source read: its kind and the file read (a directory resolves to the file inside). */
  readonly like?: { readonly kind: LikeKind; readonly path: string };
}

/** A `like` field of a spec file, relative to that file's directory. */
function likeFromSpec(value: unknown, specPath: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value === '' || /[\u0000]/.test(value)) throw specError('like', 'must be a path (a config.json, a {name: shape} dump, a .safetensors file or its index, or a directory)', value);
  if (isAbsolute(value) || specPath === undefined || specPath === '-') return value;
  return join(dirname(specPath), value);
}

/**
 * Parse, merge with a `like` source, expand and resolve. Errors: spec and like errors exit 2 with
 * the field, rule and value; an I/O fault reading the source exits 1.
 */
export async function loadSpec(options: LoadSpecOptions): Promise<LoadedSpec> {
  const overrides = options.overrides ?? {};
  const name = options.specPath === undefined || options.specPath === '-' ? 'spec' : options.specPath;
  const raw = options.specText === undefined ? {} : parseSpecJson(options.specText, name);
  if (!isObject(raw)) return { spec: resolveSpec(raw, overrides) }; // throws: not an object
  const likePath = options.like ?? likeFromSpec(raw.like, options.specPath);
  if (likePath === undefined) {
    if (options.specText === undefined) throw usageError('specText', 'give a spec text or a like source');
    if (options.initializer !== undefined) throw usageError('initializer', 'applies with a like source (a spec names its own initializers)');
    return { spec: resolveSpec(raw, overrides) };
  }
  const source = await likeSource(likePath);
  const user = { ...raw };
  delete user.like;
  const merged = mergeLike(user, source.spec, { initializer: options.initializer, dtypeOverride: overrides.dtype !== undefined });
  return { spec: resolveSpec(merged, overrides), like: { kind: source.kind, path: source.path } };
}
