/** A parameter of an initializer: a number or one of a few words. Read by the spec parser and the CLI. */
export type ParamDef = NumberParam | ChoiceParam;

interface ParamBase {
  readonly name: string;
  readonly doc: string;
  /**
   * 'required': the spec must give it; 'default': `default` is used when absent; 'optional': may be
   * absent and then stays absent; 'derived': computed from the tensor's shape and layout when absent.
   */
  readonly presence: 'required' | 'default' | 'optional' | 'derived';
}

export interface NumberParam extends ParamBase {
  readonly kind: 'number';
  readonly default?: number;
  /** 'finite': any finite number; 'nonnegative': >= 0; 'positive': > 0. */
  readonly rule: 'finite' | 'nonnegative' | 'positive';
}

export interface ChoiceParam extends ParamBase {
  readonly kind: 'choice';
  readonly default?: string;
  readonly choices: readonly string[];
}

/** Resolved parameter values: numbers, and words for choice parameters. */
export type ParamValues = Readonly<Record<string, number | string>>;

/** What is wrong with `value` for parameter `p`, or undefined when it is fine. */
export function paramProblem(p: ParamDef, value: unknown): string | undefined {
  if (p.kind === 'choice') {
    return typeof value === 'string' && p.choices.includes(value) ? undefined : `must be one of ${p.choices.join(', ')}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (p.rule === 'nonnegative' && value < 0) return 'must be >= 0';
  if (p.rule === 'positive' && value <= 0) return 'must be > 0';
  return undefined;
}

/** A number parameter's value (resolution has checked it). */
export function num(params: ParamValues, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new Error(`internal: parameter ${name} is not a resolved number`);
  return v;
}

/** A choice parameter's value (resolution has checked it). */
export function word(params: ParamValues, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new Error(`internal: parameter ${name} is not a resolved choice`);
  return v;
}
