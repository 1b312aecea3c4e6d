import { InitWeightsError, show, type FieldNamer } from '../errors.js';

/*
 * The one table from library words to CLI words: a request field (an option of `generate` or
 * `inspect`) and the flag that sets it. Library errors name fields; the CLI says them as flags.
 */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  output: '-o',
  force: '--force',
  format: '--format',
  compress: '--compress',
  maxShardSize: '--max-shard-size',
  shard: '--shard',
  shape: '--shape',
  spec: '--spec',
  specText: '--spec',
  like: '--like',
  compat: '--compat',
  initializer: '--init',
  init: '--init',
  name: '--name',
  seed: '--seed',
  dtype: '--dtype',
  layout: '--layout',
  threads: '--threads',
  tensor: '--tensor',
  tensors: '--tensor',
  bins: '--bins',
};

/** The CLI flag of an initializer parameter: `--fan-in` for fan_in. */
export function paramFlag(name: string): string {
  return `--${name.replace(/_/g, '-')}`;
}

/** How the CLI names a request field in messages: its flag (initializer parameters by theirs). */
export const flagOf: FieldNamer = (field) => FIELD_FLAGS[field] ?? paramFlag(field);

/** A flag's value broke its rule: `--flag: rule, got value` (exit 2). */
export function flagError(flag: string, rule: string, value?: unknown): InitWeightsError {
  const got = value === undefined ? '' : `, got ${show(value)}`;
  return new InitWeightsError('E_USAGE', `${flag}: ${rule}${got}`, { detail: { field: flag, rule, value } });
}
