/** init-weights: the public API. Everything a JS/TS user may rely on is exported here, by name. */
export { InitWeightsError, type ErrorCode } from './errors.js';
export { generate, planOutput, type GenerateOptions, type GenerateResult, type WrittenFile, type Layout, type OutputPlan } from './generate.js';
export { parseSpecText, resolveSpec, resolveInitializer, specToJson, type SpecOverrides } from './spec/parse.js';
export { builtinSpec } from './spec/builtin.js';
export { SPEC_VERSION, type InitializerSpec, type TensorSpec, type WeightsSpec } from './spec/types.js';
export { DTYPES, DTYPE_NAMES, type Dtype, type DtypeInfo } from './spec/dtype.js';
export { normalizeSeed, drawSeed, type Seed } from './spec/seed.js';
export { parseShapeFlag, shapeSize, shapeTuple } from './spec/shape.js';
export { INITIALIZERS, INITIALIZER_NAMES, findInitializer, type InitializerDef, type ParamDef } from './init/table.js';
export { STREAM_VERSION, BLOCK_SIZE, blockSeedString, blockGenerator } from './rng/stream.js';
export { Tychei } from './rng/tychei.js';
export { standardNormal, ZIGGURAT_R } from './rng/ziggurat.js';
export {
  float64ToFloat16Bits,
  float64ToBfloat16Bits,
  float16BitsToNumber,
  bfloat16BitsToNumber,
} from './rng/round.js';
export { tensorChunks, tensorValues, tensorByteLength, fillBlock } from './stream/generate.js';
export { encodeNpyHeader } from './formats/npy/header.js';
export { encodeTarHeader } from './formats/tar/header.js';
export { FORMATS, FORMAT_NAMES, findFormat } from './formats/registry.js';
export type { FormatDef, WriteContext } from './formats/types.js';
export { TOOL_VERSION } from './version.js';
