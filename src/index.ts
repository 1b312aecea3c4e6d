/**
 * init-weights: the public API. Everything a JS/TS user may rely on is exported here, by name; a
 * test (test/index.test.ts) pins the list, so growing it is a visible decision. Codecs, RNG state,
 * sketches and CLI helpers stay internal.
 */

// Errors: one type with a stable code, an exit code and structured detail.
export { InitWeightsError, type ErrorCode, type ErrorDetail } from './errors.js';

// Specs: parse, resolve, load (with `like` sources), print.
export { parseSpecText, resolveSpec, printableSpec, type SpecOverrides } from './weights-spec/parse.js';
export { loadSpec, type LoadSpecOptions, type LoadedSpec } from './weights-spec/load.js';
export { builtinSpec } from './weights-spec/builtin.js';
export { SPEC_VERSION, type InitializerSpec, type TensorSpec, type WeightsSpec } from './weights-spec/types.js';

// Generation: whole outputs, or one tensor's values and bytes.
export { generate, planOutput, type GenerateOptions, type GenerateResult, type WrittenFile, type Layout, type OutputPlan } from './generate/generate.js';
export { tensorChunks, tensorValues } from './io/chunks.js';
export { STREAM_VERSION } from './rng/stream.js';
export type { Seed } from './rng/seed.js';

// CI fixtures: compare an output with its spec, or a file with its own provenance.
export { checkOutput, type CheckOptions, type CheckResult } from './verify/check.js';
export { verify, type VerifyResult } from './verify/verify.js';

// Reading any weights file back.
export { inspect, inspectEach, type InspectOptions } from './inspect/inspect.js';
export { renderReport, type RenderOptions } from './inspect/render.js';
export { REPORT_JSON_SCHEMA } from './inspect/schema.js';
export { REPORT_SCHEMA_VERSION, type InspectReport, type TensorReport, type FitResult } from './inspect/report.js';

// The metadata tables (read-only): formats, initializers, dtypes.
export { FORMATS } from './formats/registry.js';
export type { FormatDef, FormatOptions } from './formats/types.js';
export { INITIALIZERS, type InitializerDef } from './init/table.js';
export { DTYPES, type Dtype, type DtypeInfo } from './dtype/table.js';
export { TOOL_VERSION } from './version.js';
