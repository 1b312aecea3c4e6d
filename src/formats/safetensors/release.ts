/**
 * Free a large buffer or typed array now: its memory moves to a new, unreferenced ArrayBuffer, which
 * the next minor collection frees. Left alone, one that outlived a scan (old generation) was held
 * until a full collection, which a file of many small tensors may not trigger for a long time.
 * Only a view over its whole ArrayBuffer is freed; the caller must not use it again.
 */
export function release(b: ArrayBufferView): void {
  const whole = b.buffer;
  if (whole instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === whole.byteLength) structuredClone(whole, { transfer: [whole] });
}
