import { describe, expect, it } from 'vitest';
import { listManifest } from '../../src/formats/directory/reader.js';
import { ManifestNotJson, scanManifest } from '../../src/formats/directory/manifest-scan.js';

/** What a scan gives: the value, and each files entry's path and bytes read where they lie. */
function scan(text: string): { value: unknown; files: unknown[] | undefined } {
  const m = scanManifest(Buffer.from(text));
  return { value: m.value, files: m.files === undefined ? undefined : [...m.files()].map((e) => [e.get('path'), e.get('bytes')]) };
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
