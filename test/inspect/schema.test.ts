import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_JSON_SCHEMA } from '../../src/inspect/schema.js';
import { REPO_ROOT } from '../helpers/python.js';
import { fixture, runInspectCli } from './helpers.js';

/** The subset of JSON Schema the report's schema uses, checked strictly. Returns the problems. */
function validate(value: unknown, schema: Record<string, unknown>, path = '$'): string[] {
  const problems: string[] = [];
  const types = schema.type === undefined ? undefined : ([] as string[]).concat(schema.type as string | string[]);
  const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  if (types !== undefined) {
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return [`${path}: ${t} is not ${types.join('|')}`];
  }
  if ('const' in schema && value !== schema.const) problems.push(`${path}: not ${String(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: ${String(value)} not in enum`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) problems.push(`${path}: below minimum`);
  if (typeOf(value) === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in o)) problems.push(`${path}.${r}: missing`);
    for (const [k, v] of Object.entries(o)) {
      if (props[k] !== undefined) problems.push(...validate(v, props[k], `${path}.${k}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${k}: not in the schema`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...validate(v, schema.additionalProperties as Record<string, unknown>, `${path}.${k}`));
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((v, i) => problems.push(...validate(v, schema.items as Record<string, unknown>, `${path}[${i}]`)));
  return problems;
}

const SCHEMA = REPORT_JSON_SCHEMA as unknown as Record<string, unknown>;

describe('the JSON report', () => {
  for (const file of ['normal_f32.npy', 'special_f16.npy', 'scalar.npy', 'model.safetensors', 'deflated.npz', 'tensors.arrows']) {
    it(`of ${file} follows the documented schema`, async () => {
      const r = await runInspectCli(['inspect', fixture(file), '--json']);
      expect(r.code).toBe(0);
      expect(validate(JSON.parse(r.stdout), SCHEMA)).toEqual([]);
    });
  }

  it('of a gen output with provenance follows the schema, declared fits included', async () => {
    const r = await runInspectCli(['inspect', fixture('gen_small.tar'), '--json']);
    const report = JSON.parse(r.stdout) as { tensors: { fit: { declared: unknown } }[] };
    expect(report.tensors.every((t) => t.fit.declared !== null)).toBe(true);
    expect(validate(report, SCHEMA)).toEqual([]);
  });

  it('is rejected by the checker when a field is missing or mistyped (the check can fail)', () => {
    expect(validate({ schemaVersion: 1 }, SCHEMA).length).toBeGreaterThan(0);
    expect(validate({ schemaVersion: 1, input: 3, format: 'npy', provenance: null, tensors: [], skipped: [] }, SCHEMA)).toEqual(['$.input: integer is not string']);
  });

  it('is shown verbatim in docs/inspect.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'inspect.md'), 'utf8');
    expect(doc).toContain(JSON.stringify(REPORT_JSON_SCHEMA, null, 2));
  });
});
