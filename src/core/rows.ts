/**
 * Rows of numbers carved from shared `Float64Array` slabs, so a metric set's values cost no
 * allocation of their own (`metricValues.ts`, `labeledValues.ts`). A row is never reused: a
 * slab is garbage once every set holding one of its rows is, which for sets of one batch is
 * when the batch is.
 *
 * @module
 */

/** One row: `width` numbers from `offset` in `slab`, all NaN ("absent") when taken. */
export interface Row {
  readonly slab: Float64Array;
  readonly offset: number;
}

/** Hands out rows of a fixed width. */
export type RowAllocator = () => Row;

/** Creates an allocator of `width`-wide rows, `rowsPerSlab` rows to a slab. */
export function createRowAllocator(width: number, rowsPerSlab: number): RowAllocator {
  let slab = new Float64Array(0);
  let nextRow = rowsPerSlab;
  return () => {
    if (nextRow === rowsPerSlab) {
      slab = new Float64Array(width * rowsPerSlab).fill(Number.NaN);
      nextRow = 0;
    }
    return { slab, offset: width * nextRow++ };
  };
}
