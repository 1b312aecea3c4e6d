/** init-weights: the public API. Everything a JS/TS user may rely on is exported here, by name. */
export { InitWeightsError, type ErrorCode } from './errors.js';
export { generate, planOutput, type GenerateOptions, type GenerateResult, type WrittenFile, type Layout, type OutputPlan } from './generate/generate.js';
export { parseSpecText, resolveSpec, resolveInitializer, specToJson, type SpecOverrides } from './weights-spec/parse.js';
export { builtinSpec } from './weights-spec/builtin.js';
export { SPEC_VERSION, type InitializerSpec, type TensorSpec, type WeightsSpec } from './weights-spec/types.js';
export { DTYPES, DTYPE_NAMES, type Dtype, type DtypeInfo } from './dtype/table.js';
export { normalizeSeed, drawSeed, type Seed } from './rng/seed.js';
export { shapeSize, shapeTuple } from './weights-spec/shape.js';
export {
  INITIALIZERS,
  INITIALIZER_NAMES,
  findInitializer,
  spreadOf,
  PARAMS,
  type InitializerDef,
  type BlockAt,
} from './init/table.js';
export type { ParamDef, ParamValues } from './init/params.js';
export { computeFans, KERNEL_LAYOUTS, type KernelLayout, type Fans } from './init/fans.js';
export { calculateGain, NONLINEARITIES } from './init/gain.js';
export { kerasSpread, xavierSpread, kaimingSpread, TRUNCATED_STD_2, type Spread } from './init/scaling.js';
export { ORTHOGONAL_MAX_ELEMENTS, ORTHOGONAL_MAX_WORK } from './init/orthogonal.js';
export { fillInitializerBlock, initializerValues } from './init/fill.js';
export { expandLayers, LAYERS, LAYER_TYPES } from './weights-spec/layers.js';
export { truncatedNormalCdf, truncatedNormalMoments, truncatedMass } from './stats/truncnormal.js';
export { STREAM_VERSION, BLOCK_SIZE, blockSeedString, blockGenerator } from './rng/stream.js';
export { Tychei } from './rng/tychei.js';
export { standardNormal, ZIGGURAT_R } from './rng/ziggurat.js';
export {
  float64ToFloat16Bits,
  float64ToBfloat16Bits,
  float16BitsToNumber,
  bfloat16BitsToNumber,
} from './dtype/round.js';
export { tensorChunks, tensorValues, tensorByteLength, fillBlock } from './io/chunks.js';
export { encodeNpyHeader } from './formats/npy/header.js';
export { encodeTarHeader } from './formats/tar/header.js';
export { FORMATS, FORMAT_NAMES, findFormat, formatForPath } from './formats/registry.js';
export type { FormatDef, FormatOptions, WriteContext, SplitPlan, SplitPart } from './formats/types.js';
export { provenance, type ManifestFile } from './formats/directory/manifest.js';
export {
  encodeSafetensorsHeader,
  safetensorsMetadata,
  planShards,
  shardName,
  encodeShardIndex,
  SAFETENSORS_DTYPES,
} from './formats/safetensors/header.js';
export { arrowLayout, FIXED_SHAPE_TENSOR } from './formats/arrow/layout.js';
export { inspect, type InspectOptions } from './inspect/inspect.js';
export { renderReport, type RenderOptions } from './inspect/render.js';
export { REPORT_JSON_SCHEMA } from './inspect/schema.js';
export {
  REPORT_SCHEMA_VERSION,
  QUANTILES,
  DEFAULT_BINS,
  FIT_ALPHA,
  type InspectReport,
  type TensorReport,
  type FitResult,
} from './inspect/report.js';
export { detectFormat } from './inspect/detect.js';
export type { InputFormat, ElementType } from './inspect/types.js';
export { SketchBuilder, FloatSketch, binnedKs, sketchHistogram, SKETCH_RELATIVE_ERROR } from './stats/sketch.js';
export { TOOL_VERSION } from './version.js';
