// Reader-facing types live with the readers (formats/types.ts) and the element type in the dtype
// table; re-exported here for the public API's old paths.
export type { InputFormat } from '../formats/types.js';
export type { ElementType } from '../dtype/table.js';
