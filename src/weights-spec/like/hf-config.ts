import { DTYPE_NAMES, isDtype } from '../../dtype/table.js';
import type { LikeSpec, ZeroRow } from './conventions.js';
import { BERT } from './hf-bert.js';
import { LLAMA, MISTRAL, QWEN2 } from './hf-decoder.js';
import { HfFields, type HfModel } from './hf-fields.js';
import { GPT2 } from './hf-gpt2.js';
import { isObject, likeError } from './read.js';

/** The transformers release whose modeling files the tables follow. */
export const TRANSFORMERS_VERSION = '5.18.0';

/** Model tables by config `model_type`. */
export const HF_MODELS: readonly HfModel[] = [LLAMA, MISTRAL, QWEN2, GPT2, BERT];

/** Whether a parsed JSON object looks like a Hugging Face config (it names its model_type). */
export function isHfConfig(json: unknown): json is Record<string, unknown> {
  return isObject(json) && typeof json.model_type === 'string';
}

/** The dtype a config asks for (`dtype`, or `torch_dtype` before transformers 4.56), if one of ours. */
function configDtype(cfg: Record<string, unknown>, path: string): string | undefined {
  const key = cfg.dtype !== undefined && cfg.dtype !== null ? 'dtype' : 'torch_dtype';
  const v = cfg[key];
  if (v === undefined || v === null || v === 'auto') return undefined;
  const name = typeof v === 'string' ? v.replace(/^torch\./, '') : v;
  if (!isDtype(name)) throw likeError(path, `config field "${key}" must be one of ${DTYPE_NAMES.join(', ')} (or give a dtype)`, v);
  return name;
}

/** A `like` spec from a config.json: the architectures[0] model's state_dict, its init law, its padding rows. */
export function specFromHfConfig(cfg: Record<string, unknown>, path: string): { spec: LikeSpec; zeroRows: ZeroRow[] } {
  const modelType = cfg.model_type;
  const model = HF_MODELS.find((m) => m.modelType === modelType);
  if (model === undefined) {
    throw likeError(path, `model_type must be one of ${HF_MODELS.map((m) => m.modelType).join(', ')}`, modelType);
  }
  const archs = cfg.architectures;
  let architecture = model.architectures[0]!;
  if (archs !== undefined && archs !== null) {
    if (!Array.isArray(archs) || archs.length === 0 || typeof archs[0] !== 'string') {
      throw likeError(path, 'config field "architectures" must be a non-empty list of class names', archs);
    }
    architecture = archs[0];
    if (!model.architectures.includes(architecture)) {
      throw likeError(path, `architectures[0] must be one of ${model.architectures.join(', ')} for model_type ${model.modelType}`, architecture);
    }
  }
  const table = model.build(new HfFields(cfg, path, model.modelType), architecture);
  const dtype = configDtype(cfg, path);
  // Without `architectures` the base model is meant (what AutoModel builds); say so, since a
  // causal-LM loader would then find its head missing.
  const head = archs === undefined || archs === null ? `; the config names no architectures, so the base model: add "architectures": ["${model.architectures[1] ?? architecture}"] for the one with a head` : '';
  const spec: LikeSpec = {
    description: `${architecture} (model_type ${model.modelType}) from ${path}, laws of transformers ${TRANSFORMERS_VERSION} _init_weights${head}`,
    ...(dtype !== undefined ? { dtype } : {}),
    ...(model.layout !== undefined ? { layout: model.layout } : {}),
    tensors: table.tensors,
    rules: table.rules,
  };
  return { spec, zeroRows: table.zeroRows };
}
