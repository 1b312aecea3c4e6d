import { describe, expect, it } from 'vitest';
import { Accumulator } from '../../src/inspect/accumulate.js';
import { detectFormat } from '../../src/inspect/detect.js';
import { findProvenance } from '../../src/inspect/provenance.js';
import { checkedSize } from '../../src/formats/reader.js';
import { parseNpyDict } from '../../src/formats/npy/header.js';
import { parseSafetensorsHeader } from '../../src/formats/safetensors/header.js';
import { f32, npyBytes, safetensorsBytes } from './helpers.js';

describe('the .npy header parser', () => {
  it('reads the dict numpy writes, 0-d and 1-d shapes included', () => {
    expect(parseNpyDict("{'descr': '<f4', 'fortran_order': False, 'shape': (784, 128), }  ")).toEqual({ dtype: 'float32', bigEndian: false, fortranOrder: false, shape: [784, 128] });
    expect(parseNpyDict("{'descr': '>f8', 'fortran_order': True, 'shape': (5,), }")).toMatchObject({ dtype: 'float64', bigEndian: true, fortranOrder: true, shape: [5] });
    expect(parseNpyDict("{'descr': '<f2', 'fortran_order': False, 'shape': (), }")).toMatchObject({ shape: [] });
    expect(parseNpyDict("{'descr': '<V2', 'fortran_order': False, 'shape': (2, 2), }")).toMatchObject({ dtype: 'bfloat16' });
  });

  it('names what is wrong instead of evaluating anything', () => {
    expect(parseNpyDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }")).toMatch(/not an integer/);
    expect(parseNpyDict("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }")).toMatch(/unsupported dtype "\|O"/);
    expect(parseNpyDict('__import__("os")')).toBe('header is not a Python dict');
  });
});

describe('shape checks on untrusted headers', () => {
  it('accept zero-length dimensions and refuse negative, fractional, huge or too many', () => {
    expect(checkedSize([0, 5], 'float32')).toEqual({ count: 0, bytes: 0 });
    expect(checkedSize([-1], 'float32')).toMatch(/negative/);
    expect(checkedSize([1.5], 'float32')).toMatch(/not an integer/);
    expect(checkedSize([2 ** 30, 2 ** 30, 2 ** 30], 'float32')).toMatch(/too many elements/);
    expect(checkedSize([2 ** 51], 'float64')).toMatch(/2\^53 bytes/);
    expect(checkedSize(new Array(65).fill(1), 'float32')).toMatch(/65 dimensions/);
  });
});

describe('the safetensors header parser', () => {
  it('orders entries by offset and returns the metadata', () => {
    const h = parseSafetensorsHeader(JSON.stringify({ __metadata__: { format: 'pt' }, b: { dtype: 'F16', shape: [2], data_offsets: [8, 12] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }));
    expect(typeof h === 'string' ? h : h.entries.map((e) => e.name)).toEqual(['a', 'b']);
    expect(typeof h === 'string' ? h : h.metadata).toEqual({ format: 'pt' });
  });

  it('refuses data_offsets that do not start at 0', () => {
    expect(parseSafetensorsHeader(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }))).toMatch(/hole in the data before offset 4/);
  });

  it('refuses an unknown dtype and offsets that end before they begin', () => {
    expect(parseSafetensorsHeader(JSON.stringify({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 1] } }))).toMatch(/unknown dtype "Q7"/);
    expect(parseSafetensorsHeader(JSON.stringify({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }))).toMatch(/end before they begin/);
  });
});

describe('format detection from the first bytes', () => {
  it('knows each format by its magic, not its name', () => {
    expect(detectFormat(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f32([1])))).toBe('npy');
    expect(detectFormat(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe('npz');
    expect(detectFormat(Buffer.from('ARROW1\0\0', 'latin1'))).toBe('arrow-file');
    expect(detectFormat(Buffer.from([0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0]))).toBe('arrow-stream');
    expect(detectFormat(safetensorsBytes({}, new Uint8Array(0)))).toBe('safetensors');
    expect(detectFormat(Buffer.from('{"json": "but no length"}'))).toBeUndefined();
  });
});

describe('provenance', () => {
  it('is found in a manifest, and in string maps as safetensors and Arrow hold it', () => {
    const spec = { version: 1, seed: 7, tensors: [{ name: 'w', initializer: { type: 'normal', mean: 0, stddev: 0.1 } }] };
    const manifest = findProvenance({ tool: 'init-weights', toolVersion: '0.1.0', streamVersion: 1, seed: 7, spec });
    const strings = findProvenance({ format: 'pt', tool: 'init-weights', streamVersion: '1', seed: '7', spec: JSON.stringify(spec) });
    for (const p of [manifest, strings]) {
      expect(p?.seed).toBe(7);
      expect(p?.streamVersion).toBe(1);
      expect(p?.initializers.get('w')).toEqual({ type: 'normal', params: { mean: 0, stddev: 0.1 } });
    }
  });

  it('is absent from other metadata', () => {
    expect(findProvenance({ format: 'pt' })).toBeUndefined();
    expect(findProvenance('{not json')).toBeUndefined();
  });
});

describe('the accumulator', () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * (i % 7 === 0 ? 1e3 : 1));
  const bytes = f32(values);

  it('gives the same counts and extremes for any split of the bytes, odd offsets included', () => {
    const whole = new Accumulator('float32');
    whole.push(bytes);
    const a = whole.finish();
    const pieces = new Accumulator('float32');
    for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
    const b = pieces.finish();
    expect([b.count, b.moments.min, b.moments.max]).toEqual([a.count, a.moments.min, a.moments.max]);
    expect(b.moments.mean).toBeCloseTo(a.moments.mean, 12);
    expect(Array.from(b.sketch.counts)).toEqual(Array.from(a.sketch.counts));
  });

  it('byte-swaps big-endian data', () => {
    const be = Buffer.from(bytes);
    be.swap32();
    const acc = new Accumulator('float32', true);
    acc.push(be);
    const s = acc.finish();
    expect([s.moments.min, s.moments.max]).toEqual([Math.min(...values.map(Math.fround)), Math.max(...values.map(Math.fround))]);
  });

  it('counts NaN and infinities apart and keeps them out of the moments', () => {
    const acc = new Accumulator('float64');
    acc.push(Buffer.from(new Float64Array([1, NaN, Infinity, -Infinity, 3]).buffer));
    const s = acc.finish();
    expect({ nan: s.nan, posInf: s.posInf, negInf: s.negInf, n: s.moments.count, mean: s.moments.mean }).toEqual({ nan: 1, posInf: 1, negInf: 1, n: 2, mean: 2 });
  });

  it('holds a partial element until the rest arrives', () => {
    const acc = new Accumulator('float64');
    acc.push(new Uint8Array(5));
    expect(acc.leftover).toBe(5);
    acc.push(new Uint8Array(3));
    expect(acc.leftover).toBe(0);
    expect(acc.finish().count).toBe(1);
  });
});

describe('the text renderer', () => {
  it('escapes control characters in names from the input, so they cannot drive the terminal', async () => {
    const { renderReport } = await import('../../src/inspect/render.js');
    const { inspect } = await import('../../src/inspect/inspect.js');
    const { pipeOf } = await import('./helpers.js');
    const bytes = safetensorsBytes({ 'evil\u001b[2J\nname': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32([1, 2]));
    const text = renderReport(await inspect({ input: '-', stdin: pipeOf(bytes) }));
    expect(text).toContain('evil\\x1b[2J\\x0aname  float32');
    expect(text.includes('\u001b')).toBe(false);
  });
});
