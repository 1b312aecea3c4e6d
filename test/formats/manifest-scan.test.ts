import { describe, expect, it } from 'vitest';
import { listManifest } from '../../src/formats/directory/reader.js';
import { ManifestNotJson, scanManifest, type ManifestEntry } from '../../src/formats/directory/manifest-scan.js';
import { ManifestStream } from '../../src/formats/directory/manifest-stream.js';
import { jsonTextMutations } from '../fuzz/mutate.js';

/** What a scan gives: the value, and each files entry's path and bytes read where they lie. */
function scan(text: string): { value: unknown; files: unknown[] | undefined } {
  const m = scanManifest(Buffer.from(text));
  return { value: m.value, files: m.files === undefined ? undefined : Array.from(m.files(), (e) => [e.get('path'), e.get('bytes')]) };
}

describe('a manifest scanned without its tree', () => {
  it('gives the top-level members as JSON.parse does, the files list apart and an object spec as its text without whitespace', () => {
    const text = JSON.stringify({ tool: 'init-weights', seed: 1, spec: { seed: 1, tensors: [{ name: 'a b', shape: [2] }] }, files: [{ path: 'a.npy', bytes: 136 }] }, null, 2);
    const { value, files } = scan(text);
    expect(value).toEqual({ tool: 'init-weights', seed: 1, spec: '{"seed":1,"tensors":[{"name":"a b","shape":[2]}]}' });
    expect(JSON.parse((value as { spec: string }).spec)).toEqual(JSON.parse(text).spec);
    expect(files).toEqual([['a.npy', 136]]);
  });

  it('a repeated key keeps the last value, as JSON.parse does (files and spec too); escaped keys are keys', () => {
    expect(scan('{"seed": 1, "seed": 2}').value).toEqual({ seed: 2 });
    expect(scan('{"files": [{"path": "a.npy"}], "files": [{"path": "b.npy"}]}').files).toEqual([['b.npy', undefined]]);
    expect(scan('{"files": [{"path": "a.npy"}], "files": 3}')).toEqual({ value: { files: 3 }, files: undefined });
    expect(scan('{"files": 3, "files": []}')).toEqual({ value: {}, files: [] });
    expect(scan('{"spec": {"seed": 1}, "spec": 7}').value).toEqual({ spec: 7 });
    expect(scan('{"files": [{"p\\u0061th": "a.npy", "path": "b.npy", "bytes": 1, "bytes": 2}]}').files).toEqual([['b.npy', 2]]);
    expect(scan('{"\\u0066iles": [{"\\u0070ath": "c.npy"}]}').files).toEqual([['c.npy', undefined]]);
  });

  it('"__proto__" is an own member, as JSON.parse makes it', () => {
    const { value } = scan('{"__proto__": {"tool": "x"}}');
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(value).toEqual(JSON.parse('{"__proto__": {"tool": "x"}}'));
  });

  it('entries that are not objects have no members; a value that is not an object is the value', () => {
    expect(scan('{"files": [null, 3, "a.npy", ["path"], {}]}').files).toEqual(Array.from({ length: 5 }, () => [undefined, undefined]));
    expect(scan(' [1, {"a": 2}] ')).toEqual({ value: [1, { a: 2 }], files: undefined });
  });

  it('refuses what JSON.parse refuses: bad syntax anywhere, trailing text, raw control characters, an empty text', () => {
    for (const bad of ['', '{', '{"files": [{"path": "a.npy",}]}', '{"a": 1} x', '{"a": "x\ny"}', '{"files": [1 2]}', '\ufeff{}', '{"a": 01}']) {
      expect(() => JSON.parse(bad), bad).toThrow();
      expect(() => scanManifest(Buffer.from(bad)), bad).toThrow(ManifestNotJson);
    }
  });

  it('does not recurse on depth: 100,000 nested lists are scanned (and refused when unclosed)', () => {
    const deep = `{"spec": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => scanManifest(Buffer.from(deep))).not.toThrow(ManifestNotJson);
    expect(() => scanManifest(Buffer.from(`{"files": ${'['.repeat(100_000)}}`))).toThrow(ManifestNotJson);
  });
});

describe("a directory's file list from its manifest", () => {
  it('lists weights files in order with their tensor names (kept only where they are not the path without .npy)', () => {
    const text = JSON.stringify({ files: [{ tensor: 'a', path: 'a.npy' }, { tensor: 'x', path: 'b.npy' }, { path: 'model.safetensors.index.json' }, { tensor: '*', path: 'm-1.safetensors' }] });
    const { files } = listManifest(Buffer.from(text), 'm');
    expect(files.paths).toEqual(['a.npy', 'b.npy', 'm-1.safetensors']);
    expect(files.paths.map((_, i) => files.tensor(i))).toEqual(['a', 'x', 'm-1.safetensors']);
    expect(files.problem).toBeUndefined();
  });

  it('notes a missing list or an entry without a path (reported when the directory is read), and refuses bad JSON at once', () => {
    expect(listManifest(Buffer.from('{"tool": "init-weights"}'), 'm').files.problem).toBe('has no "files" list');
    const bad = listManifest(Buffer.from('{"files": [{"path": "a.npy"}, {"tensor": "b"}, {"path": "c.npy"}]}'), 'm').files;
    expect([bad.paths, bad.problem]).toEqual([['a.npy'], 'a file entry has no path']);
    expect(() => listManifest(Buffer.from('{"files": [}'), 'd/manifest.json')).toThrow('d/manifest.json: not valid JSON');
  });
});

/** What gen --force takes from a manifest: the last `tool` if a string, and the last `files` list's entries. */
type Taken = 'not JSON' | 'not an object' | { tool: string | undefined; files: unknown[] | undefined };
const taken = (e: ManifestEntry): unknown[] => [e.get('path'), e.get('bytes'), e.get('sha256')];

/** The reference: scanManifest over the whole text. */
function takenWhole(text: string): Taken {
  const first = text.replace(/^[ \t\n\r]+/, '')[0];
  if (first !== undefined && first !== '{') return 'not an object'; // neither reader goes on
  try {
    const m = scanManifest(Buffer.from(text));
    const tool = (m.value as { tool?: unknown }).tool;
    return { tool: typeof tool === 'string' ? tool : undefined, files: m.files === undefined ? undefined : Array.from(m.files(), taken) };
  } catch (err) {
    if (err instanceof ManifestNotJson) return 'not JSON';
    throw err;
  }
}

/** The same through ManifestStream, written in pieces of the given sizes (each overwritten after it is written). */
function takenStreamed(text: string, sizes: readonly number[]): Taken {
  let files: unknown[] = [];
  const scan = new ManifestStream({ files: () => (files = []), entry: (e) => files.push(taken(e)) });
  const b = Buffer.from(text);
  try {
    for (let at = 0, k = 0; at < b.length; k++) {
      const piece = Buffer.from(b.subarray(at, at + sizes[k % sizes.length]!));
      scan.write(piece);
      piece.fill(0x7b); // the caller reuses its buffer: nothing kept may point into it
      at += piece.length;
    }
    const m = scan.end();
    return m.object ? { tool: m.tool, files: m.files ? files : undefined } : 'not an object';
  } catch (err) {
    if (err instanceof ManifestNotJson) return 'not JSON';
    throw err;
  }
}

const PIECES = [[1], [2, 3], [7], [64, 1, 5], [1 << 20]];
const SAMPLE = JSON.stringify(
  {
    tool: 'other',
    seed: -0.5e-3,
    spec: { tensors: [{ name: 'a\u00e9"\\', shape: [2, 3], ok: [true, false, null] }], tool: 'x', files: [] },
    files: [{ path: 'a.npy', bytes: 136, sha256: 'ab', tensor: 'é' }, { path: 'b.npy', bytes: 1e3 }, 3, { p: [{}] }],
  },
  null,
  1,
).replace(/\n}$/, ',\n "\\u0074ool": "init-weights"\n}'); // the last tool, its key escaped

describe('a manifest scanned as it is read (ManifestStream)', () => {
  it('takes what scanManifest takes from the whole text, in pieces of any size', () => {
    const texts = [
      SAMPLE,
      '{"tool": "init-weights", "files": [{"path": "a.npy"}], "files": [{"path": "b.npy", "bytes": 12}]}',
      '{"files": [{"path": "a.npy"}], "files": 3, "tool": 7}',
      '{"tool": "init-weights", "tool": {"a": 1}, "files": []}',
      '{"files": [{"p\\u0061th": "a.npy", "path": "b.npy", "bytes": 1, "bytes": 2}]}',
      '{"__proto__": {"tool": "x"}, "tool": "y"}',
      ' {} ',
      ...['', '{', '{"files": [{"path": "a.npy",}]}', '{"a": 1} x', '{"a": "x\ny"}', '{"files": [1 2]}', '\ufeff{}', '{"a": 01}', '{"a": 1', '{"a": tru}', '{"a": 1.}', '{"a" 1}'],
    ];
    for (const text of texts) for (const sizes of PIECES) expect(takenStreamed(text, sizes), `${text} in ${sizes.join(',')}`).toEqual(takenWhole(text));
    expect(takenWhole(SAMPLE)).toEqual({ tool: 'init-weights', files: [['a.npy', 136, 'ab'], ['b.npy', 1000, undefined], [undefined, undefined, undefined], [undefined, undefined, undefined]] });
  });

  it('agrees with scanManifest on 3000 seeded mutations of a manifest, whatever the pieces', () => {
    const mutations = jsonTextMutations(SAMPLE, 3000, 9);
    const outcomes = new Set<string>();
    for (const [i, text] of mutations.entries()) {
      const want = takenWhole(text);
      outcomes.add(typeof want === 'string' ? want : 'taken');
      expect(takenStreamed(text, PIECES[i % PIECES.length]!), text).toEqual(want);
    }
    expect([outcomes.has('not JSON'), outcomes.has('taken')]).toEqual([true, true]);
  });

  it('takes a token longer than many pieces (a 3 MB string, a 1 MB entry) whole, and does not recurse on depth', () => {
    const long = JSON.stringify({ tool: 'init-weights', note: 'x'.repeat(3 << 20), files: [{ path: 'a.npy', bytes: 1, pad: 'y'.repeat(1 << 20) }] });
    expect(takenStreamed(long, [4096])).toEqual({ tool: 'init-weights', files: [['a.npy', 1, undefined]] });
    const deep = `{"spec": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "tool": "init-weights"}`;
    expect(takenStreamed(deep, [1000])).toEqual({ tool: 'init-weights', files: undefined });
    expect(takenStreamed(`{"files": ${'['.repeat(100_000)}}`, [1000])).toBe('not JSON');
  });
});
