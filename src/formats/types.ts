import type { Dtype } from '../dtype/table.js';
import type { TensorSpec, WeightsSpec } from '../weights-spec/types.js';
import type { Sink } from '../io/sink.js';
import type { ManifestFile } from './directory/manifest.js';

/** Options that only some formats take; a format lists the ones it accepts in `options`. */
export interface FormatOptions {
  /** Compress (npz: deflate). */
  readonly compress?: boolean;
  /** Largest shard in bytes (safetensors: Hugging Face style shards + index). */
  readonly maxShardSize?: number;
}

/** What every writer gets besides the tensors and the sink. */
export interface WriteContext {
  readonly spec: WeightsSpec;
  /** Blocks per generated chunk (does not change the bytes). */
  readonly chunkBlocks: number;
  /** Called after each chunk with the number of elements it held. */
  readonly progress: (elements: number) => void;
  readonly signal?: AbortSignal;
  readonly formatOptions: FormatOptions;
  /** The tensor's data as little-endian byte chunks, in order (from one thread or a pool). */
  readonly chunks: (tensor: TensorSpec) => AsyncIterable<Uint8Array>;
}

/** One output format. Adding a format is a folder under formats/ plus one line in the registry. */
export interface FormatDef {
  readonly name: string;
  readonly extensions: readonly string[];
  readonly summary: string;
  /**
   * Whether one file holds several tensors. When not, several tensors are written as a directory of
   * one file per tensor plus manifest.json.
   */
  readonly multiTensor: boolean;
  readonly dtypes: readonly Dtype[];
  /** Extension of one tensor's file in the directory layout. */
  readonly fileExtension: string;
  /**
   * Whether the writer may hold a chunk after its sink write has resolved (then chunk buffers are
   * never reused for it). Writers that only pass chunks through leave this unset.
   */
  readonly retainsChunks?: boolean;
  /** Which FormatOptions this format accepts (others are a usage error naming the formats that do). */
  readonly options?: readonly (keyof FormatOptions)[];
  /** Write the tensors (exactly one when not multiTensor) to the sink, header first. */
  write(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext): Promise<void>;
  /**
   * For formats that can spread tensors over several files (shards): the files to write into the
   * output directory when the options ask for it, else undefined (one file, or the usual layouts).
   * Each part is written by `write`, so each is a valid file alone.
   */
  split?(tensors: readonly TensorSpec[], options: FormatOptions): SplitPlan | undefined;
}

/** One file of a split output: a path relative to the output directory, and what it holds. */
export interface SplitPart {
  readonly path: string;
  readonly tensors: readonly TensorSpec[];
}

/** How a split output is laid out: the parts, then an optional index made from what was written. */
export interface SplitPlan {
  readonly parts: readonly SplitPart[];
  /** A file written after the parts (such as model.safetensors.index.json), or none. */
  index?(written: readonly ManifestFile[]): { readonly path: string; readonly bytes: Buffer } | undefined;
}
