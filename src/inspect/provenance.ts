import { DeclaredTable, type DeclaredInitializers } from './declared.js';
import { scanSpecText, type SpecFacts } from './spec-text.js';

export type { DeclaredInitializer } from './declared.js';

/** What init-weights records about how a file was made (manifest.json, or format metadata). */
export interface Provenance {
  readonly tool: string;
  readonly toolVersion: string | undefined;
  readonly streamVersion: number | undefined;
  readonly seed: unknown;
  /** Declared initializer per tensor name. */
  readonly initializers: DeclaredInitializers;
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
  // A spec recorded as text (every string map holds it so) is scanned, not parsed: a parsed spec of
  // 150,000 tensors was an object graph of a hundred MB or more.
  const spec = typeof o.spec === 'string' ? scanSpecText(o.spec) : specFacts(o.spec);
  if (o.tool === 'init-weights' || spec?.tensors !== undefined) {
    return {
      tool: 'init-weights',
      toolVersion: typeof o.toolVersion === 'string' ? o.toolVersion : undefined,
      streamVersion: typeof o.streamVersion === 'number' ? o.streamVersion : typeof o.streamVersion === 'string' && /^\d+$/.test(o.streamVersion) ? Number(o.streamVersion) : undefined,
      // String maps (safetensors, Arrow) hold every value as a string; the spec keeps the seed's type.
      seed: spec?.seed ?? o.seed,
      initializers: spec?.tensors ?? new DeclaredTable(),
    };
  }
  for (const v of Object.values(o)) {
    const p = findProvenance(v, depth + 1);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** The facts of a spec that is already a value (a manifest's); undefined when it is not an object. */
function specFacts(spec: unknown): SpecFacts | undefined {
  if (typeof spec !== 'object' || spec === null) return undefined;
  const { seed, tensors } = spec as { seed?: unknown; tensors?: unknown };
  if (!Array.isArray(tensors)) return { seed, tensors: undefined };
  const table = new DeclaredTable();
  for (const t of tensors) table.add(t);
  return { seed, tensors: table };
}
