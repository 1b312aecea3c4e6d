import type { Dtype, ElementType } from '../dtype/table.js';
import type { TensorSpec, WeightsSpec } from '../weights-spec/types.js';
import type { Sink } from '../io/sink.js';
import type { ByteSource } from '../io/source.js';
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
  /** How inspect reads this format back (each format's reader lives beside its writer). */
  readonly reader?: FormatReader;
}

/** Formats a reader recognises from the first bytes, plus 'directory'. */
export type InputFormat = 'npy' | 'npz' | 'tar' | 'directory' | 'safetensors' | 'arrow-file' | 'arrow-stream' | 'keras';

/** One format's reader: detection from the first bytes, then one forward pass over a source. */
export interface FormatReader {
  readonly input: Exclude<InputFormat, 'directory'>;
  /** Whether the first bytes (up to 512) are this format's (pure). */
  detect(head: Buffer): boolean;
  /** Read every tensor to the sink; `name` names a lone array (a .npy file has no names inside). */
  read(src: ByteSource, sink: TensorSink, name: string): Promise<void>;
}

/** What a reader knows about a tensor before its data. */
export interface TensorHeader {
  readonly name: string;
  readonly dtype: ElementType;
  readonly shape: readonly number[];
  /** Data is big-endian (a '>f4' .npy); every other layout is little-endian. */
  readonly bigEndian?: boolean;
}

/** Receives one tensor's data bytes, in order, in chunks of any size and alignment. */
export interface TensorConsumer {
  /** `bytes` is only valid during the call. */
  push(bytes: Uint8Array): void;
  /** The data is complete; a promise makes the reader wait (for output to drain). */
  end(): void | Promise<void>;
}

/** Where readers deliver what they find. */
export interface TensorSink {
  /** A tensor starts; its bytes go to the returned consumer (which may ignore them). */
  tensor(header: TensorHeader): TensorConsumer;
  /** Whether to deliver this tensor (else the reader skips its bytes). Asked once per tensor. */
  wants(name: string): boolean;
  /** A tensor inspect does not summarise (an integer buffer in a safetensors file). */
  skipped?(name: string, dtype: string, shape: readonly number[], reason: string): void;
  /** Provenance metadata found in the input (a manifest, a safetensors or Arrow metadata value). */
  metadata(value: unknown): void;
  /**
   * The number of tensors the input holds, when its header says so before any data (and after any
   * metadata in that header): lets a report start before the last tensor is read.
   */
  count?(tensors: number): void;
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
