/** Element types inspect reads. */
export type ElementType = 'float16' | 'bfloat16' | 'float32' | 'float64';

/** Bytes per element. */
export const ELEMENT_BYTES: Readonly<Record<ElementType, number>> = { float16: 2, bfloat16: 2, float32: 4, float64: 8 };

/** Formats inspect detects from the first bytes. */
export type InputFormat = 'npy' | 'npz' | 'tar' | 'directory' | 'safetensors' | 'arrow-file' | 'arrow-stream';

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
  end(): void;
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
}
