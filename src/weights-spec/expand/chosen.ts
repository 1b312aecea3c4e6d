import type { RuleUse } from '../types.js';
import type { ChosenBy } from './rules.js';

/*
 * How a resolved spec names what chose a tensor's initializer when the tensor did not: "defaults" or
 * a rule with its glob (`rules[2] "**.c_proj.weight"`), so the printed spec reads without the rules
 * beside it. Rules were checked by expandSpec before these run.
 */

function ruleAt(rules: unknown, k: number): Record<string, unknown> {
  return (rules as Record<string, unknown>[])[k]!;
}

/** `rules[k] "glob"` (or a list of globs), as written. */
function ruleLabel(rules: unknown, k: number): string {
  return `rules[${k}] ${JSON.stringify(ruleAt(rules, k).match)}`;
}

/** The label of what expandSpec says chose a tensor; undefined when the tensor's own field did. */
export function chosenLabel(chosen: ChosenBy, rules: unknown): string | undefined {
  if (chosen === 'tensor' || chosen === 'none') return undefined;
  const m = /^rules\[(\d+)\]$/.exec(chosen);
  return m === null ? chosen : ruleLabel(rules, Number(m[1]));
}

/** Each rule, its description and how many tensors it took; undefined when the spec has no rules. */
export function ruleUses(rules: unknown, counts: readonly number[]): RuleUse[] | undefined {
  if (!Array.isArray(rules)) return undefined;
  return counts.map((taken, k) => {
    const d = ruleAt(rules, k).description;
    return { rule: ruleLabel(rules, k), ...(typeof d === 'string' ? { description: d } : {}), taken };
  });
}
