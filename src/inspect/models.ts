import { findInitializer } from '../init/table.js';
import { normalCdf } from '../stats/normal.js';
import { truncatedNormalCdf } from '../stats/truncnormal.js';
import type { DeclaredInitializer } from './provenance.js';

/** Keras and torch truncate at ± this many standard deviations by default. */
const TRUNCATE_AT = 2;

/** A declared initializer's distribution: a constant, or a continuous CDF. */
export type Model = { readonly kind: 'constant'; readonly value: number } | { readonly kind: 'continuous'; readonly cdf: (x: number) => number };

function numberParam(init: DeclaredInitializer, name: string): number | undefined {
  const v = init.params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function normal(mean: number, sd: number): Model {
  return sd === 0 ? { kind: 'constant', value: mean } : { kind: 'continuous', cdf: (x) => normalCdf(x, mean, sd) };
}

function uniform(lo: number, hi: number): Model {
  if (hi === lo) return { kind: 'constant', value: lo };
  return { kind: 'continuous', cdf: (x) => Math.min(1, Math.max(0, (x - lo) / (hi - lo))) };
}

function truncated(mean: number, sd: number, lo: number, hi: number): Model {
  return sd === 0 ? { kind: 'constant', value: mean } : { kind: 'continuous', cdf: (x) => truncatedNormalCdf(x, lo, hi, mean, sd) };
}

/**
 * The distribution an initializer declares, from its recorded parameters (fans included, as the
 * spec records them), or undefined when inspect has no check for it (orthogonal, identity, or an
 * initializer this version does not know).
 */
export function modelOf(init: DeclaredInitializer): Model | undefined {
  const p = (name: string): number | undefined => numberParam(init, name);
  switch (init.type) {
    case 'zeros':
      return { kind: 'constant', value: 0 };
    case 'ones':
      return { kind: 'constant', value: 1 };
    case 'constant':
      return p('value') === undefined ? undefined : { kind: 'constant', value: p('value')! };
    case 'normal': {
      const mean = p('mean') ?? 0;
      const sd = p('stddev') ?? 0.05;
      return sd >= 0 ? normal(mean, sd) : undefined;
    }
    case 'uniform': {
      const lo = p('minval') ?? -0.05;
      const hi = p('maxval') ?? 0.05;
      return hi >= lo ? uniform(lo, hi) : undefined;
    }
    case 'truncated_normal': {
      const mean = p('mean') ?? 0;
      const sd = p('stddev') ?? 0.05;
      const a = p('a') ?? mean - TRUNCATE_AT * sd;
      const b = p('b') ?? mean + TRUNCATE_AT * sd;
      return sd >= 0 && b > a ? truncated(mean, sd, a, b) : undefined;
    }
    default: {
      // Variance-scaling families (glorot, he, lecun, xavier, kaiming): the table knows their spread.
      const def = findInitializer(init.type);
      if (def?.spread === undefined) return undefined;
      let s;
      try {
        s = def.spread(init.params);
      } catch {
        return undefined;
      }
      if (s.distribution === 'normal') return normal(0, s.stddev);
      if (s.distribution === 'uniform') return uniform(-s.limit, s.limit);
      return truncated(0, s.stddev, -TRUNCATE_AT * s.stddev, TRUNCATE_AT * s.stddev);
    }
  }
}
