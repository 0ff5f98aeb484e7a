/**
 * Rows of numbers carved from shared `Float64Array` slabs, so a metric set's values cost no
 * allocation of their own (`metricValues.ts`, `labeledValues.ts`). A row is never handed out
 * twice while it can be read: a slab is recycled only after the garbage collector found its
 * view unreachable, which for the sets of one batch is when the batch is.
 *
 * Why recycle: a slab's bytes are external memory, and V8 starts a full GC for every 64 MiB of
 * external growth. Fresh slabs for every batch (~235 MiB at 5,000 nodes) forced several full
 * collections of a >1 GiB heap per cycle; reusing the buffers of dead slabs keeps external
 * memory flat (`docs/benchmarks.md`, "What changed").
 *
 * How it stays safe: sets reference the slab's `Float64Array` view; the registry holds only the
 * view's `ArrayBuffer`, and nothing else in the process holds that buffer or another view of it
 * (the view never leaves the two modules above, which never call `.buffer` or `subarray`). When
 * the view is collected no code can read the buffer, so a new view over it can be handed out.
 *
 * @module
 */

/** One row: `width` numbers from `offset` in `slab`, all NaN ("absent") when taken. */
export interface Row {
  readonly slab: Float64Array;
  readonly offset: number;
}

/** Counts of one allocator's slabs (tests read them). */
export interface SlabCounts {
  /** Slabs whose view may still be reachable. */
  live: number;
  /** Buffers of collected slabs waiting to be reused. */
  idle: number;
  /** Slabs allocated new (not reused) since the allocator was created. */
  allocated: number;
}

/** Hands out rows of a fixed width and counts its slabs. */
export interface RowSource {
  /** A row of NaNs that no reachable set holds. */
  take(): Row;
  counts(): SlabCounts;
}

/** Creates an allocator of `width`-wide rows, `rowsPerSlab` rows to a slab. */
export function createRowSource(width: number, rowsPerSlab: number): RowSource {
  const idle: ArrayBuffer[] = [];
  let live = 0;
  let allocated = 0;
  // At most as many idle buffers as live slabs (about two batches' worth: the latest and the
  // rate calculator's previous). Half that let the second cycle after a full GC allocate afresh,
  // which started several more full GCs: 5,000 nodes, side by side, 14–19 CPU-s a cycle against
  // 11–15, for ~0.1 MiB/node more RSS. Beyond the cap buffers are left to the collector, so a
  // shrinking cluster gives memory back.
  const registry = new FinalizationRegistry<ArrayBuffer>((buffer) => {
    live--;
    idle.push(buffer);
    if (idle.length > live) idle.length = live;
  });
  const none = new Float64Array(0);
  let slab: Float64Array = none;
  let nextRow = rowsPerSlab;

  function newSlab(): Float64Array {
    const buffer = idle.pop();
    if (buffer === undefined) allocated++;
    const view = buffer === undefined ? new Float64Array(width * rowsPerSlab) : new Float64Array(buffer);
    view.fill(Number.NaN);
    registry.register(view, view.buffer as ArrayBuffer);
    live++;
    return view;
  }

  return {
    take() {
      if (nextRow === rowsPerSlab) {
        slab = newSlab();
        nextRow = 0;
      }
      const row = { slab, offset: width * nextRow++ };
      // A full slab is referenced only by its rows' sets, so it dies with them.
      if (nextRow === rowsPerSlab) slab = none;
      return row;
    },
    counts: () => ({ live, idle: idle.length, allocated }),
  };
}
