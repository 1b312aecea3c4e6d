import { likeError } from './read.js';

/**
 * Checked reads of a Hugging Face config.json. Dimensions the table needs are required (a config
 * missing one is an error naming it); behaviour switches fall back to the defaults of the
 * transformers config class, as transformers itself would.
 */
export class HfFields {
  constructor(
    private readonly cfg: Record<string, unknown>,
    /** The config file, for messages. */
    readonly path: string,
    readonly modelType: string,
  ) {}

  private has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.cfg, key) && this.cfg[key] !== null;
  }

  /** A positive integer; required unless `fallback` is given (null in the config counts as absent). */
  int(key: string, fallback?: number): number {
    if (!this.has(key)) {
      if (fallback !== undefined) return fallback;
      throw likeError(this.path, `config field "${key}" is required for model_type ${this.modelType}`);
    }
    const v = this.cfg[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw likeError(this.path, `config field "${key}" must be a positive integer`, v);
    return v;
  }

  /** A non-negative integer or absent (pad_token_id). */
  index(key: string, fallback: number | undefined): number | undefined {
    if (!this.has(key)) return fallback;
    const v = this.cfg[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw likeError(this.path, `config field "${key}" must be a non-negative integer or null`, v);
    return v;
  }

  /** A positive finite number (initializer_range). */
  positive(key: string, fallback: number): number {
    if (!this.has(key)) return fallback;
    const v = this.cfg[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw likeError(this.path, `config field "${key}" must be a positive number`, v);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.cfg[key];
    if (typeof v !== 'boolean') throw likeError(this.path, `config field "${key}" must be true or false`, v);
    return v;
  }

  /** `a` divided by `b` exactly, or an error naming both fields. */
  divide(a: string, av: number, b: string, bv: number): number {
    if (av % bv !== 0) throw likeError(this.path, `config field "${a}" (${av}) must be a multiple of "${b}" (${bv})`);
    return av / bv;
  }

  /** Refuse a switch the table does not model, rather than write a checkpoint that will not load. */
  unsupported(key: string, unlessValue: unknown): void {
    if (this.has(key) && this.cfg[key] !== unlessValue) {
      throw likeError(this.path, `config field "${key}" is not supported by the ${this.modelType} table (only ${JSON.stringify(unlessValue)})`, this.cfg[key]);
    }
  }
}

/** What a model table returns: the tensors in state_dict order, the law as rules, padding rows. */
export interface HfTable {
  readonly tensors: { name: string; shape: number[] }[];
  readonly rules: Record<string, unknown>[];
  readonly zeroRows: { tensor: string; row: number }[];
}

/** A model table: architecture names it builds, and the builder. */
export interface HfModel {
  readonly modelType: string;
  /** architectures[0] values, the first being the base model (used when `architectures` is absent). */
  readonly architectures: readonly string[];
  /**
   * The kernel layout of its weights: torch's (out, in) for nn.Linear models; GPT-2's Conv1D stores
   * (in, out), the keras reading, so it gives none (the default).
   */
  readonly layout?: 'torch';
  build(f: HfFields, architecture: string): HfTable;
}

/** The padding row of an Embedding (nn.Embedding zeroes it), checked against its row count. */
export function paddingRow(f: HfFields, tensor: string, pad: number | undefined, rows: number): HfTable['zeroRows'] {
  if (pad === undefined) return [];
  if (pad >= rows) throw likeError(f.path, `config field "pad_token_id" must be below vocab_size (${rows})`, pad);
  return [{ tensor, row: pad }];
}

/** Push `name` with `shape` and, when `bias`, `name`.bias with the first dimension. */
export function linear(out: HfTable['tensors'], prefix: string, outDim: number, inDim: number, bias: boolean): void {
  out.push({ name: `${prefix}.weight`, shape: [outDim, inDim] });
  if (bias) out.push({ name: `${prefix}.bias`, shape: [outDim] });
}
