/**
 * Starts V8's full garbage collection shortly after a batch is stored, between housekeeping cycles,
 * instead of letting the next cycle's allocations start it in the middle of that cycle.
 *
 * Why: a metric set's values live in slabs (`rows.ts`) that are reused once a full collection
 * has found their sets dead, and a batch dies when the store has written the next one. Left to
 * V8, the full collection came once per cycle at 5,000 nodes, started by the next cycle's fresh
 * slabs (V8 starts one when array buffers grow ~64 MiB past their level at the last); its marking
 * then took 320–560 ms of the main thread while the scrape allocated, most of what API requests
 * waited for during a cycle. Started just after the batch is stored, it marks while the process idles
 * until the next cycle, and frees the old batch's slabs before the next decode needs them, so the
 * next cycle allocates none fresh and starts no collection of its own. Measured with
 * `bench/cycles-inprocess.ts` (docs/benchmarks.md, P1 and P3).
 *
 * How: Node has no call that starts V8's incremental marking, but V8 starts it for external
 * memory: an `ArrayBuffer` of {@link hintBytes}, made and dropped at once, takes the array buffers
 * past the level V8 allows since the last full collection. Its zero pages are never touched, so it
 * costs no resident memory, and it is freed with the garbage it helped find. If V8 stops doing
 * this, the hint does nothing and the collection comes when V8 decides, as before.
 *
 * @module
 */

/**
 * Bytes of the hint: past V8's 64 MiB allowance even when array buffers shrank by up to 32 MiB
 * since the last full collection, and below half of any old space Heapgraph is sized with
 * (operations.md: ≥ 413 MiB), beyond which V8 would collect at once instead of incrementally.
 */
export const hintBytes = 96 * 1024 * 1024;

/**
 * How long after a batch is stored the collection starts, ms: after the live feed has reached its
 * subscribers (≤ 300 ms to 10,000 of them at 5,000 nodes, benchmarks.md P5), whose sends a marking
 * heap slowed (the fan-out took 886 ms and 1.9 CPU-s a batch with the collection started at once),
 * and long before the next cycle.
 */
export const afterStoredMs = 500;

// Written and cleared so that the allocation is not optimised away.
let hint: ArrayBuffer | undefined;

/** Asks V8 to start a full collection now (incrementally, mostly off the main thread). */
export function startFullCollection(): void {
  try {
    hint = new ArrayBuffer(hintBytes);
  } catch {
    // Address space refused (a 32-bit or tightly limited host): only the hint is lost.
  }
  hint = undefined;
}

/** Starts a full collection {@link afterStoredMs} from now; the timer does not keep the process alive. */
export function scheduleFullCollection(): void {
  setTimeout(startFullCollection, afterStoredMs).unref();
}
