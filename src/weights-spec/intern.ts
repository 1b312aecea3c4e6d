import type { InitializerSpec } from './types.js';

/*
 * One shared, frozen copy of each distinct shape, resolved initializer and label of a spec being
 * resolved. Specs of many tensors repeat a few of each (150k tensors, one initializer law); a copy
 * per tensor was most of the resolved spec's memory (a shape array alone took ~150 bytes).
 */

/** A number as a key part: exact (JSON numbers round-trip), and -0 apart from 0 (constant -0 writes -0). */
function numberKey(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The key two resolved initializers are equal on: type, then each parameter name and value in order. */
function initializerKey(init: InitializerSpec): string {
  let key = init.type;
  for (const [k, v] of Object.entries(init.params)) key += `\u0000${k}=${typeof v === 'number' ? numberKey(v) : JSON.stringify(v)}`;
  return key;
}

/** Interns the values of one spec's tensors; dropped with the resolution (no global cache). */
export class SpecInterner {
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly initializers = new Map<string, InitializerSpec>();
  private readonly labels = new Map<string, string>();

  /** The shared copy of `dims` (checked dimensions: non-negative safe integers). */
  shape(dims: readonly number[]): readonly number[] {
    const key = dims.join(',');
    let got = this.shapes.get(key);
    if (got === undefined) this.shapes.set(key, (got = Object.freeze(dims.slice())));
    return got;
  }

  /** The shared copy of a resolved initializer (equal type and parameters, in the same order). */
  initializer(init: InitializerSpec): InitializerSpec {
    const key = initializerKey(init);
    let got = this.initializers.get(key);
    if (got === undefined) this.initializers.set(key, (got = Object.freeze({ type: init.type, params: Object.freeze({ ...init.params }) })));
    return got;
  }

  /** The shared copy of a label (a rule's `chosen_by` note, repeated for every tensor it took). */
  label(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    let got = this.labels.get(text);
    if (got === undefined) this.labels.set(text, (got = text));
    return got;
  }
}
