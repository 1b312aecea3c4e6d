import { float64ToBfloat16Bits, float64ToFloat16Bits } from '../dtype/round.js';
import type { Tychei } from './tychei.js';
import { NORMAL4_WASM } from './wasm/normal4.wasm.js';
import { zigguratTables } from './ziggurat.js';

/*
 * The SIMD normal kernel: four whole blocks of `fillNormal` at once, in WebAssembly (source and
 * reasons in wasm/normal4.as.ts). Same values bit for bit as fillNormal; it only makes them faster:
 * measured in-process on CPU time, ~1.65x the JS kernel's values/s on float32 (220 vs 133 M/s, this
 * 2-core machine, busy). The JS kernel stays the definition and the fallback: where WebAssembly SIMD
 * is missing, or INIT_WEIGHTS_SIMD=0 is set, nothing changes but the speed.
 */

/** The part of WebAssembly used here (the project's lib settings have no WebAssembly values). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};
type WasmMemory = { readonly buffer: ArrayBuffer };
type WasmGlobal = { readonly value: number };

interface Kernel {
  readonly normal4: (n: number, mean: number, sd: number, f32out: number) => void;
  readonly memory: WasmMemory;
  readonly state: number;
  readonly out: number;
}

/** undefined: not loaded yet; null: not available here. One instance per thread (worker or main). */
let kernel: Kernel | null | undefined;
let enabled = process.env.INIT_WEIGHTS_SIMD !== '0';

function load(): Kernel | null {
  try {
    const bytes = Buffer.from(NORMAL4_WASM, 'base64');
    if (!WebAssembly.validate(bytes)) return null;
    const env = { log1p: Math.log1p, exp: Math.exp, toBfloat16: float64ToBfloat16Bits, toFloat16: float64ToFloat16Bits };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
    const x = instance.exports;
    const memory = x.memory as WasmMemory;
    // The tables are fillNormal's own, so both kernels read the same numbers.
    const t = zigguratTables();
    const tables = new Float64Array(memory.buffer, (x.KI as WasmGlobal).value, 768);
    tables.set(t.ki, 0);
    tables.set(t.wi, 256);
    tables.set(t.fi, 512);
    const pairs = new Float64Array(memory.buffer, (x.KW as WasmGlobal).value, 512);
    for (let i = 0; i < 256; i++) {
      pairs[2 * i] = t.ki[i]!;
      pairs[2 * i + 1] = t.wi[i]!;
    }
    return {
      normal4: x.normal4 as Kernel['normal4'],
      memory,
      state: (x.STATE as WasmGlobal).value,
      out: (x.OUT as WasmGlobal).value,
    };
  } catch {
    return null;
  }
}

/** Use the SIMD kernel where it is available (true, the default) or always the JS one: for tests. */
export function useSimdKernel(on: boolean): void {
  enabled = on;
}

/** Whether `fillNormal4` can run here (WebAssembly SIMD present and not turned off). */
export function simdKernelAvailable(): boolean {
  if (!enabled) return false;
  if (kernel === undefined) kernel = load();
  return kernel !== null;
}

/** The kernel's output types, by its `mode` number. */
const MODES = { float64: 0, float32: 1, bfloat16: 2, float16: 3 } as const;
export type Normal4Dtype = keyof typeof MODES;

/**
 * `n` normal values (mean + stddev * z) from each of four generators, as `fillNormal` would draw
 * them from each and then rounded once to `dtype` (16-bit floats as roundInto16 rounds): block l's
 * values are elements [l*n, (l+1)*n) of the result, a view into the kernel's memory that is valid
 * until the next call on this thread (16-bit values as their bits). The generators are not
 * advanced (the caller drops them). n <= 65536.
 */
export function fillNormal4(gens: readonly Tychei[], n: number, mean: number, stddev: number, dtype: Normal4Dtype): Float32Array | Float64Array | Uint16Array {
  if (!simdKernelAvailable()) throw new Error('internal: fillNormal4 without the SIMD kernel');
  const k = kernel!;
  const state = new Int32Array(k.memory.buffer, k.state, 16);
  for (let l = 0; l < 4; l++) {
    const g = gens[l]!;
    state[l] = g.a;
    state[4 + l] = g.b;
    state[8 + l] = g.c;
    state[12 + l] = g.d;
  }
  k.normal4(n, mean, stddev, MODES[dtype]);
  if (dtype === 'float32') return new Float32Array(k.memory.buffer, k.out, 4 * n);
  if (dtype === 'float64') return new Float64Array(k.memory.buffer, k.out, 4 * n);
  return new Uint16Array(k.memory.buffer, k.out, 4 * n);
}
