import type { Tychei } from '../rng/tychei.js';
import { fillTruncatedNormal } from '../rng/truncated.js';
import { fillUniform } from '../rng/uniform.js';
import { fillNormal } from '../rng/ziggurat.js';
import { c, FAN_IN, FAN_OUT, GAIN, n, needGenerator, type InitializerDef, type Reach } from './def.js';
import { NONLINEARITIES } from './gain.js';
import { normalReach } from './overflow.js';
import { num, word, type ParamDef, type ParamValues } from './params.js';
import { kaimingSpread, kerasSpread, VARIANCE_DISTRIBUTIONS, VARIANCE_MODES, xavierSpread, type Spread } from './scaling.js';

/** Keras (and JAX) truncate at 2 standard deviations: draws beyond are redrawn. */
export const TRUNCATE_AT = 2;

/** Draw values of a spread: truncated normal (±2 stddev), normal, or uniform(-limit, limit). */
export function fillSpread(s: Spread, g: Tychei, out: Float64Array | Float32Array, start: number, end: number): void {
  if (s.distribution === 'truncated_normal') fillTruncatedNormal(g, out, start, end, 0, s.stddev, -TRUNCATE_AT, TRUNCATE_AT);
  else if (s.distribution === 'normal') fillNormal(g, out, start, end, 0, s.stddev);
  else fillUniform(g, out, start, end, -s.limit, s.limit);
}

/** The largest |value| a spread can draw. */
export function spreadReach(s: Spread): Reach {
  if (s.distribution === 'truncated_normal') return { magnitude: TRUNCATE_AT * Math.abs(s.stddev) };
  if (s.distribution === 'normal') return normalReach(0, Math.abs(s.stddev));
  return { magnitude: Math.abs(s.limit) };
}

/** A row whose values are a spread computed from its parameters (and fans). */
function scaled(name: string, summary: string, params: readonly ParamDef[], spread: (p: ParamValues) => Spread): InitializerDef {
  return {
    name,
    summary,
    params,
    random: true,
    spread,
    reach: (p) => spreadReach(spread(p)),
    normal(p) {
      const s = spread(p);
      return s.distribution === 'normal' ? { mean: 0, stddev: s.stddev } : undefined;
    },
    fill(p, g, out, start, end) {
      fillSpread(spread(p), needGenerator(g), out, start, end);
    },
  };
}

/** A Keras preset: VarianceScaling with a fixed scale, mode and distribution. */
const keras = (name: string, scale: number, mode: string, distribution: string): InitializerDef =>
  scaled(name, `Keras ${name}: variance_scaling(scale=${scale}, ${mode}, ${distribution})`, [FAN_IN, FAN_OUT], (p) =>
    kerasSpread(scale, mode, distribution, num(p, 'fan_in'), num(p, 'fan_out')));

const KAIMING_PARAMS: readonly ParamDef[] = [
  n('a', 'default', 'finite', 'kaiming: negative slope of the rectifier after this layer (leaky_relu)', 0),
  c('mode', ['fan_in', 'fan_out'], 'which fan the variance is scaled by', 'fan_in'),
  c('nonlinearity', NONLINEARITIES, "kaiming: the nonlinearity after this layer (torch's gain table)", 'leaky_relu'),
  FAN_IN,
  FAN_OUT,
];

/** The variance-scaling rows (Keras VarianceScaling and its presets, torch xavier and kaiming). */
export const SCALED_INITIALIZERS: readonly InitializerDef[] = [
  scaled(
    'variance_scaling',
    'Keras VarianceScaling: s = scale / max(1, fan); stddev sqrt(s)/0.8796 (truncated), sqrt(s), or limit sqrt(3 s)',
    [
      n('scale', 'default', 'positive', 'variance_scaling: scaling factor', 1),
      c('mode', VARIANCE_MODES, 'which fan the variance is scaled by', 'fan_in'),
      c('distribution', VARIANCE_DISTRIBUTIONS, 'variance_scaling: the distribution drawn from', 'truncated_normal'),
      FAN_IN,
      FAN_OUT,
    ],
    (p) => kerasSpread(num(p, 'scale'), word(p, 'mode'), word(p, 'distribution'), num(p, 'fan_in'), num(p, 'fan_out')),
  ),
  keras('glorot_normal', 1, 'fan_avg', 'truncated_normal'),
  keras('glorot_uniform', 1, 'fan_avg', 'uniform'),
  keras('he_normal', 2, 'fan_in', 'truncated_normal'),
  keras('he_uniform', 2, 'fan_in', 'uniform'),
  keras('lecun_normal', 1, 'fan_in', 'truncated_normal'),
  keras('lecun_uniform', 1, 'fan_in', 'uniform'),
  scaled('xavier_normal', 'torch xavier_normal_: normal, std = gain * sqrt(2 / (fan_in + fan_out))', [GAIN, FAN_IN, FAN_OUT], (p) =>
    xavierSpread(num(p, 'gain'), false, num(p, 'fan_in'), num(p, 'fan_out'))),
  scaled('xavier_uniform', 'torch xavier_uniform_: uniform, bound = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))', [GAIN, FAN_IN, FAN_OUT], (p) =>
    xavierSpread(num(p, 'gain'), true, num(p, 'fan_in'), num(p, 'fan_out'))),
  scaled('kaiming_normal', 'torch kaiming_normal_: normal, std = gain(nonlinearity, a) / sqrt(fan)', KAIMING_PARAMS, (p) =>
    kaimingSpread(num(p, 'a'), word(p, 'mode'), word(p, 'nonlinearity'), false, num(p, 'fan_in'), num(p, 'fan_out'))),
  scaled('kaiming_uniform', 'torch kaiming_uniform_: uniform, bound = sqrt(3) * gain(nonlinearity, a) / sqrt(fan)', KAIMING_PARAMS, (p) =>
    kaimingSpread(num(p, 'a'), word(p, 'mode'), word(p, 'nonlinearity'), true, num(p, 'fan_in'), num(p, 'fan_out'))),
];
