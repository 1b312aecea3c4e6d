/**
 * Set the elements of zeroed rows that fall in one block to exactly 0 (docs/stream.md, zero rows).
 * Pure and per block, so every chunk size, thread count and block regeneration agrees: the block's
 * values are drawn first (draws are never skipped), then the rows' elements are overwritten.
 *
 * `rows` sorted ascending and unique; `rowLength` elements per row (size / shape[0]); `start` the
 * block's first element index in the tensor; `count` its element count; `out[0..count)` its values.
 */
export function zeroRowsInBlock(rows: readonly number[], rowLength: number, start: number, count: number, out: Float64Array | Float32Array | Uint16Array): void {
  if (rows.length === 0 || rowLength === 0 || count === 0) return;
  const end = start + count;
  // First zeroed row that ends after the block starts (binary search: rows may be many).
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid]! + 1) * rowLength <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < rows.length; k++) {
    const rowStart = rows[k]! * rowLength;
    if (rowStart >= end) break;
    out.fill(0, Math.max(rowStart, start) - start, Math.min(rowStart + rowLength, end) - start);
  }
}
