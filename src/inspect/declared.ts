import { NameIndex } from './name-index.js';

/** An initializer as a spec declares it: type and numeric parameters. */
export interface DeclaredInitializer {
  readonly type: string;
  readonly params: Readonly<Record<string, number | string>>;
}

/** Declared initializers by tensor name (a ReadonlyMap answers too). */
export interface DeclaredInitializers {
  get(name: string): DeclaredInitializer | undefined;
}

/** The key two declared initializers are equal on: type, then each parameter in order (-0 apart from 0). */
function keyOf(type: string, params: Record<string, number | string>): string {
  return JSON.stringify([type, ...Object.entries(params).map(([k, v]) => [k, Object.is(v, -0) ? { negativeZero: true } : v])]);
}

/**
 * Declared initializers by tensor name, as the spec's `tensors` list gives them (a later entry for
 * a name replaces an earlier one). Each distinct initializer is held once and the names compactly.
 */
export class DeclaredTable implements DeclaredInitializers {
  private readonly names = new NameIndex();
  private readonly distinct: DeclaredInitializer[] = [];
  private readonly byKey = new Map<string, number>();

  get(name: string): DeclaredInitializer | undefined {
    const i = this.names.get(name);
    return i < 0 ? undefined : this.distinct[i];
  }

  /** One entry of a spec's `tensors` list; an entry without a name or a usable initializer adds nothing. */
  add(t: unknown): void {
    if (typeof t !== 'object' || t === null) return;
    const { name, initializer } = t as { name?: unknown; initializer?: unknown };
    if (typeof name !== 'string') return;
    let type: unknown = initializer;
    const params: Record<string, number | string> = {};
    if (typeof initializer === 'object' && initializer !== null) {
      const { type: ty, ...rest } = initializer as Record<string, unknown>;
      type = ty;
      for (const [k, v] of Object.entries(rest)) if (typeof v === 'number' || typeof v === 'string') params[k] = v;
    }
    if (typeof type !== 'string') return;
    const key = keyOf(type, params);
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.distinct.push({ type, params }) - 1;
      this.byKey.set(key, i);
    }
    this.names.set(name, i);
  }
}
