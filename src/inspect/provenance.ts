/** What init-weights records about how a file was made (manifest.json, or format metadata). */
export interface Provenance {
  readonly tool: string;
  readonly toolVersion: string | undefined;
  readonly streamVersion: number | undefined;
  readonly seed: unknown;
  /** Declared initializer per tensor name. */
  readonly initializers: ReadonlyMap<string, DeclaredInitializer>;
}

/** An initializer as a spec declares it: type and numeric parameters. */
export interface DeclaredInitializer {
  readonly type: string;
  readonly params: Readonly<Record<string, number | string>>;
}

/** Longest metadata string parsed as JSON while looking for provenance. */
const MAX_JSON = 16 << 20;

/**
 * Find init-weights provenance in a metadata value (pure): an object with `tool: "init-weights"` or
 * a `spec` with `tensors`, directly, as a JSON string, or one level inside a string map (as
 * safetensors `__metadata__` and Arrow schema metadata hold it). Undefined when there is none.
 */
export function findProvenance(value: unknown, depth = 0): Provenance | undefined {
  if (depth > 3) return undefined;
  if (typeof value === 'string') {
    if (value.length > MAX_JSON || !/^\s*[{[]/.test(value)) return undefined;
    try {
      return findProvenance(JSON.parse(value) as unknown, depth + 1);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  let spec = o.spec;
  if (typeof spec === 'string') {
    try {
      spec = JSON.parse(spec) as unknown;
    } catch {
      spec = undefined;
    }
  }
  if (o.tool === 'init-weights' || (typeof spec === 'object' && spec !== null && Array.isArray((spec as Record<string, unknown>).tensors))) {
    return {
      tool: 'init-weights',
      toolVersion: typeof o.toolVersion === 'string' ? o.toolVersion : undefined,
      streamVersion: typeof o.streamVersion === 'number' ? o.streamVersion : typeof o.streamVersion === 'string' && /^\d+$/.test(o.streamVersion) ? Number(o.streamVersion) : undefined,
      // String maps (safetensors, Arrow) hold every value as a string; the spec keeps the seed's type.
      seed: (spec as Record<string, unknown> | undefined)?.seed ?? o.seed,
      initializers: initializersOf(spec),
    };
  }
  for (const v of Object.values(o)) {
    const p = findProvenance(v, depth + 1);
    if (p !== undefined) return p;
  }
  return undefined;
}

function initializersOf(spec: unknown): Map<string, DeclaredInitializer> {
  const out = new Map<string, DeclaredInitializer>();
  const tensors = (spec as { tensors?: unknown } | undefined)?.tensors;
  if (!Array.isArray(tensors)) return out;
  for (const t of tensors) {
    if (typeof t !== 'object' || t === null) continue;
    const { name, initializer } = t as { name?: unknown; initializer?: unknown };
    if (typeof name !== 'string') continue;
    if (typeof initializer === 'string') out.set(name, { type: initializer, params: {} });
    else if (typeof initializer === 'object' && initializer !== null) {
      const { type, ...rest } = initializer as Record<string, unknown>;
      if (typeof type !== 'string') continue;
      const params: Record<string, number | string> = {};
      for (const [k, v] of Object.entries(rest)) if (typeof v === 'number' || typeof v === 'string') params[k] = v;
      out.set(name, { type, params });
    }
  }
  return out;
}
