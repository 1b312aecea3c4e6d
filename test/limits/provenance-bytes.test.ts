import { describe, expect, it } from 'vitest';
import { encodeManifest, provenance, type ManifestFile } from '../../src/formats/directory/manifest.js';
import { encodeSafetensorsHeader, safetensorsMetadata, SAFETENSORS_DTYPES, entryBytes, type SafetensorsEntry } from '../../src/formats/safetensors/header.js';
import { resolveSpec, specToJson } from '../../src/weights-spec/parse.js';
import { specJsonText } from '../../src/weights-spec/printable.js';
import type { WeightsSpec } from '../../src/weights-spec/types.js';

/*
 * The recorded spec, the safetensors header and manifest.json are written piece by piece (issue 9
 * #8: memory of specs with many tensors). Their bytes must stay those of JSON.stringify over the
 * whole object, which these tests use as the oracle.
 */

/** The header as it was first written: one object keyed by name, one JSON.stringify. */
function oracleHeader(entries: readonly SafetensorsEntry[], metadata: Record<string, string>): Buffer {
  const header: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, { __metadata__: metadata });
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: SAFETENSORS_DTYPES[e.dtype], shape: e.shape, data_offsets: [offset, (offset += entryBytes(e))] };
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + Math.ceil(json.length / 8) * 8, 0x20);
  out.writeBigUInt64LE(BigInt(out.length - 8), 0);
  json.copy(out, 8);
  return out;
}

/** Names JavaScript orders first (array indices), names it does not, and non-ASCII ones. */
const NAMES = ['b', '10', '2', '0', '01', '-1', '4294967294', '4294967295', '__proto__', 'é/ü', 'x\u{1F600}', 'a"b', 'z'];

const spec = (n: number, extra: Record<string, unknown> = {}): WeightsSpec => resolveSpec({
  seed: 'seed "quoted"',
  ...extra,
  tensors: Array.from({ length: n }, (_, i) => ({
    name: NAMES[i] ?? `layers.${i}.w\u{1F600}`,
    shape: i === 4 ? [0, 2] : [1 + (i % 3), 2],
    initializer: i % 2 === 0 ? 'glorot_uniform' : { type: 'constant', value: i % 4 === 1 ? -0 : 0.1 * i },
    ...(i % 5 === 0 ? { zero_rows: [] } : {}),
    ...(i % 7 === 3 ? { zero_rows: [0] } : {}),
  })),
});

describe('recorded specs written piece by piece keep their bytes', () => {
  it('the spec text is JSON.stringify(specToJson(spec)), over more tensors than one batch', () => {
    for (const s of [spec(1), spec(13), spec(9000, { compat: 'numpy', seed: 7 })]) expect(specJsonText(s)).toBe(JSON.stringify(specToJson(s)));
  });

  it('the safetensors header orders names as JSON.stringify of an object does, with a long escaped spec', () => {
    const s = spec(NAMES.length);
    const entries = s.tensors;
    // Escaped pieces of 65536 characters: a surrogate pair, quotes and controls across the boundaries.
    const long = `${'a'.repeat(65535)}\u{1F600}"\\\n${'\u0001'.repeat(70000)}\u{1F600}`;
    for (const metadata of [safetensorsMetadata(provenance(s)), safetensorsMetadata(provenance(spec(5000))), { spec: long, more: 'x' }, {}]) {
      expect(encodeSafetensorsHeader(entries, metadata).equals(oracleHeader(entries, metadata))).toBe(true);
    }
  });

  it('manifest.json is JSON.stringify({...provenance, shard?, files}, null, 2) and a newline', () => {
    const files: ManifestFile[] = [
      { tensor: 'b', path: 'b.npy', dtype: 'float32', shape: [0, 2], bytes: 128, sha256: 'ab'.repeat(32) },
      { tensor: '*', path: 'model.safetensors', dtype: 'float32', shape: [], bytes: 9, sha256: 'cd'.repeat(32), tensors: ['b', 'é/ü'] },
    ];
    for (const s of [spec(NAMES.length), spec(40, { compat: 'numpy', seed: 7 })]) {
      const tree = JSON.parse(JSON.stringify(provenance(s))) as Record<string, unknown>;
      expect(encodeManifest(s, files).toString('utf8')).toBe(`${JSON.stringify({ ...tree, files }, null, 2)}\n`);
      expect(encodeManifest(s, [], { count: 3 }).toString('utf8')).toBe(`${JSON.stringify({ ...tree, shard: { count: 3 }, files: [] }, null, 2)}\n`);
    }
  });
});
