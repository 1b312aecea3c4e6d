import { specError } from '../../errors.js';
import { compileMatch, type NameMatcher } from './glob.js';

/*
 * `defaults` and `rules`: fill a tensor's initializer, dtype and seed from the first rule whose glob
 * matches its name, then from `defaults`. A tensor's own fields always win; the first matching
 * rule wins as a whole (fields it leaves out come from `defaults`, not from a later rule).
 */

const RULE_KEYS = ['match', 'initializer', 'dtype', 'seed', 'optional', 'description'];
const FILLED = ['initializer', 'dtype', 'seed'] as const;
const DEFAULT_KEYS = ['initializer', 'dtype'];

type Raw = Record<string, unknown>;

/** A checked rule. */
export interface Rule {
  readonly matches: NameMatcher;
  readonly fields: Readonly<Partial<Record<(typeof FILLED)[number], unknown>>>;
  readonly optional: boolean;
  /** The rule as written, for errors and the printed spec. */
  readonly raw: Raw;
}

/** What chose a tensor's initializer: its own field, a rule (by index), `defaults`, or nothing. */
export type ChosenBy = 'tensor' | `rules[${number}]` | 'defaults' | 'none';

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Check the `rules` list (globs compiled here, so a malformed one fails before anything else). */
export function checkRules(value: unknown): Rule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw specError('rules', 'must be a list of {"match": GLOB, "initializer": ...}', value);
  return value.map((r: unknown, i: number) => {
    const at = `rules[${i}]`;
    if (!isObject(r)) throw specError(at, 'must be an object like {"match": "**.bias", "initializer": "zeros"}', r);
    for (const k of Object.keys(r)) {
      if (!RULE_KEYS.includes(k)) throw specError(`${at}.${k}`, `is not a known field of a rule (known: ${RULE_KEYS.join(', ')})`, r[k]);
    }
    if (r.match === undefined) throw specError(`${at}.match`, 'is required (a glob such as "**.bias", or a list of them)', undefined);
    const matches = compileMatch(r.match, `${at}.match`);
    const fields: Partial<Record<(typeof FILLED)[number], unknown>> = {};
    for (const f of FILLED) if (r[f] !== undefined) fields[f] = r[f];
    if (Object.keys(fields).length === 0) throw specError(at, 'must set at least one of initializer, dtype, seed', r);
    if (r.optional !== undefined && typeof r.optional !== 'boolean') throw specError(`${at}.optional`, 'must be true or false', r.optional);
    if (r.description !== undefined && typeof r.description !== 'string') throw specError(`${at}.description`, 'must be a string', r.description);
    return { matches, fields, optional: r.optional === true, raw: r };
  });
}

/** Check `defaults`: an object with `initializer` and/or `dtype`. */
export function checkDefaults(value: unknown): Raw {
  if (value === undefined) return {};
  if (!isObject(value)) throw specError('defaults', 'must be an object like {"initializer": ..., "dtype": ...}', value);
  for (const k of Object.keys(value)) {
    if (!DEFAULT_KEYS.includes(k)) throw specError(`defaults.${k}`, `is not a known field of defaults (known: ${DEFAULT_KEYS.join(', ')})`, value[k]);
  }
  return value;
}

/** Tensors with their fields filled, what chose each initializer, and how many tensors each rule took. */
export interface RuleResult {
  readonly tensors: unknown[];
  readonly chosenBy: ChosenBy[];
  readonly ruleCounts: number[];
}

/**
 * Apply rules and defaults to raw tensor entries (after repeat expansion). Entries that are not
 * objects are passed through for resolveSpec to report. A rule that takes no tensor is an error
 * unless it is optional (a typo in a glob must not pass silently).
 */
export function applyRules(tensors: readonly unknown[], rules: readonly Rule[], defaults: Raw): RuleResult {
  const ruleCounts = rules.map(() => 0);
  const chosenBy: ChosenBy[] = [];
  const out = tensors.map((t) => {
    if (!isObject(t) || typeof t.name !== 'string') {
      chosenBy.push(isObject(t) && t.initializer !== undefined ? 'tensor' : 'none');
      return t;
    }
    const name = t.name;
    const k = rules.findIndex((r) => r.matches(name));
    if (k >= 0) ruleCounts[k]! += 1;
    const rule = k >= 0 ? rules[k]!.fields : {};
    const filled: Raw = { ...t };
    for (const f of FILLED) {
      if (filled[f] === undefined && rule[f] !== undefined) filled[f] = rule[f];
    }
    if (filled.initializer === undefined && defaults.initializer !== undefined) filled.initializer = defaults.initializer;
    chosenBy.push(t.initializer !== undefined ? 'tensor' : rule.initializer !== undefined ? `rules[${k}]` : filled.initializer !== undefined ? 'defaults' : 'none');
    return filled;
  });
  rules.forEach((r, i) => {
    if (ruleCounts[i] === 0 && !r.optional) {
      throw specError(`rules[${i}].match`, 'matches no tensor (check the glob, or mark the rule "optional": true)', r.raw.match);
    }
  });
  return { tensors: out, chosenBy, ruleCounts };
}
