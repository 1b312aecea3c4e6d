import { c, FAN_IN, FAN_OUT, GAIN, n } from './def.js';
import { KERNEL_LAYOUTS } from './fans.js';
import { NONLINEARITIES } from './gain.js';
import type { ParamDef } from './params.js';
import { VARIANCE_DISTRIBUTIONS, VARIANCE_MODES } from './scaling.js';

/*
 * The initializer table's names and parameter rows without its samplers: the CLI declares its
 * choices and one flag per parameter from this, and loading the table itself (samplers, ziggurat,
 * orthogonal, seedrandom) would cost ~25 ms of every `--help`. test/cli/names.test.ts checks that
 * these rows equal table.ts's, row by row, so the two cannot drift.
 */

const MEAN = n('mean', 'default', 'finite', 'mean of the distribution', 0);
const STDDEV = n('stddev', 'default', 'nonnegative', 'standard deviation', 0.05);
const FANS = [FAN_IN, FAN_OUT];

/** Each initializer's name and parameter rows, in the table's order. */
export const INITIALIZER_PARAMS: readonly { readonly name: string; readonly params: readonly ParamDef[] }[] = [
  { name: 'normal', params: [MEAN, STDDEV] },
  { name: 'uniform', params: [n('minval', 'default', 'finite', 'uniform: lower bound', -0.05), n('maxval', 'default', 'finite', 'uniform: upper bound', 0.05)] },
  {
    name: 'truncated_normal',
    params: [
      MEAN,
      STDDEV,
      n('a', 'optional', 'finite', 'truncated_normal: absolute lower bound (with b; default mean - 2 stddev)'),
      n('b', 'optional', 'finite', 'truncated_normal: absolute upper bound (with a; default mean + 2 stddev)'),
    ],
  },
  { name: 'zeros', params: [] },
  { name: 'ones', params: [] },
  { name: 'constant', params: [n('value', 'required', 'finite', 'the value of every element')] },
  {
    name: 'variance_scaling',
    params: [
      n('scale', 'default', 'positive', 'variance_scaling: scaling factor', 1),
      c('mode', VARIANCE_MODES, 'which fan the variance is scaled by', 'fan_in'),
      c('distribution', VARIANCE_DISTRIBUTIONS, 'variance_scaling: the distribution drawn from', 'truncated_normal'),
      ...FANS,
    ],
  },
  ...['glorot_normal', 'glorot_uniform', 'he_normal', 'he_uniform', 'lecun_normal', 'lecun_uniform'].map((name) => ({ name, params: FANS })),
  ...['xavier_normal', 'xavier_uniform'].map((name) => ({ name, params: [GAIN, ...FANS] })),
  ...['kaiming_normal', 'kaiming_uniform'].map((name) => ({
    name,
    params: [
      n('a', 'default', 'finite', 'kaiming: negative slope of the rectifier after this layer (leaky_relu)', 0),
      c('mode', ['fan_in', 'fan_out'], 'which fan the variance is scaled by', 'fan_in'),
      c('nonlinearity', NONLINEARITIES, "kaiming: the nonlinearity after this layer (torch's gain table)", 'leaky_relu'),
      ...FANS,
    ],
  })),
  { name: 'orthogonal', params: [GAIN, c('layout', KERNEL_LAYOUTS, 'orthogonal: keras rows = prod(shape[:-1]); torch rows = shape[0] (default: the kernel layout)')] },
  { name: 'identity', params: [GAIN] },
];

export const INITIALIZER_NAMES: readonly string[] = INITIALIZER_PARAMS.map((d) => d.name);

/** Every parameter by name, with its rows and the initializers that use it (as the table's PARAMS). */
export function paramsByName(rows: readonly { readonly name: string; readonly params: readonly ParamDef[] }[]): ReadonlyMap<string, { readonly defs: readonly ParamDef[]; readonly users: readonly string[] }> {
  const m = new Map<string, { defs: ParamDef[]; users: string[] }>();
  for (const d of rows) {
    for (const p of d.params) {
      const e = m.get(p.name) ?? { defs: [], users: [] };
      e.defs.push(p);
      e.users.push(d.name);
      m.set(p.name, e);
    }
  }
  return m;
}

/** The light table's parameters by name: the CLI makes a flag of each. */
export const PARAMS_BY_NAME = paramsByName(INITIALIZER_PARAMS);
