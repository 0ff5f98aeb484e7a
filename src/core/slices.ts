/**
 * Long synchronous work cut into slices, so API requests get the event loop between them
 * (architecture-brief: "the event loop stays free"; target P3, p99 < 50 ms during a cycle).
 *
 * Work is written as a generator that yields every {@link itemsPerStep} items; a driver either
 * runs it to the end at once ({@link runToEnd}: tests, small batches) or in slices of about
 * `budgetMs` with a macrotask turn between them ({@link runInSlices}: the housekeeping path).
 * A time check per step rather than per item keeps the overhead out of the profile.
 *
 * @module
 */

import { ShardedMap } from './shardedMap.js';

/** Resumable work: yields between steps, returns its result at the end. */
export type Steps<T> = Generator<void, T, undefined>;

/** Items (metric sets) handled between two yields: ≈0.1–0.3 ms of processor work each. */
export const itemsPerStep = 256;

/** Default slice length. Requests wait at most about this long behind a slice. */
export const defaultSliceMs = 8;

/** Captured at load so a test's fake timers do not turn the pause between slices into a hang. */
const yieldImmediate = setImmediate;

/** Runs `steps` to the end synchronously and returns its result. */
export function runToEnd<T>(steps: Steps<T>): T {
  let next = steps.next();
  while (!next.done) next = steps.next();
  return next.value;
}

/**
 * Runs `steps` in slices of about `budgetMs`, giving the event loop a turn (setImmediate: after
 * pending I/O) between slices. Resolves to its result; rejects with whatever a step throws.
 */
export async function runInSlices<T>(steps: Steps<T>, budgetMs = defaultSliceMs): Promise<T> {
  let sliceStart = performance.now();
  let next = steps.next();
  while (!next.done) {
    if (performance.now() - sliceStart >= budgetMs) {
      await new Promise<void>((resolve) => yieldImmediate(resolve));
      sliceStart = performance.now();
    }
    next = steps.next();
  }
  return next.value;
}

/**
 * Visits every entry of `entries`, yielding every {@link itemsPerStep} entries. A Map is walked
 * by its key and value iterators side by side, a step at a time in a plain function: in a
 * generator V8 allocated a `[key, value]` pair and a result object per entry of `for…of` over the
 * Map (~90 bytes each, ~17 % of all bytes a 1,000-node cycle allocated, over its ten passes), and
 * still a result object per entry with the iterators walked in the generator itself (6.5 %); in
 * the optimised step function the iterators' results are optimised away. Both iterators advance
 * before `visit` runs, so they stay in step however `visit` changes the Map, and see what
 * `for…of` would. A {@link ShardedMap} (a batch's sets) is walked by position, also without an
 * object per entry and seeing what `for…of` would.
 */
export function* eachInSteps<K, V>(entries: Iterable<readonly [K, V]>, visit: (value: V, key: K) => void): Steps<void> {
  if (entries instanceof ShardedMap) {
    const sharded = entries as ShardedMap<V>;
    const visitSet = visit as (value: V, key: string) => void;
    for (let at = 0; (at = sharded.visitFrom(at, itemsPerStep, visitSet)) !== -1; ) yield;
    return;
  }
  if (entries instanceof Map) {
    const keys = (entries as Map<K, V>).keys();
    const values = (entries as Map<K, V>).values();
    while (visitStep(keys, values, visit)) yield;
    return;
  }
  let count = 0;
  for (const [key, value] of entries) {
    visit(value, key);
    if (++count === itemsPerStep) {
      count = 0;
      yield;
    }
  }
}

/** Visits up to {@link itemsPerStep} entries of a Map's iterators; false when they ended. */
function visitStep<K, V>(keys: MapIterator<K>, values: MapIterator<V>, visit: (value: V, key: K) => void): boolean {
  for (let i = 0; i < itemsPerStep; i++) {
    const key = keys.next();
    if (key.done === true) return false;
    visit(values.next().value as V, key.value);
  }
  return true;
}

/**
 * A queue for many small pieces of synchronous work that arrive as separate callbacks (one
 * kubelet response each). Pieces run in arrival order in turns of about `budgetMs`, with a
 * macrotask turn (setImmediate) between turns, so a burst of responses that arrived in one poll
 * phase cannot hold the event loop for more than about `budgetMs` plus one piece.
 */
export interface SliceGate {
  /** Queues `work`; resolves with its result (rejects with what it throws) once it has run. */
  run<T>(work: () => T): Promise<T>;
}

/** Creates a {@link SliceGate}. */
export function createSliceGate(budgetMs = defaultSliceMs): SliceGate {
  let queue: Array<() => void> = [];
  let head = 0;
  let scheduled = false;

  const drain = (): void => {
    const turnStart = performance.now();
    while (head < queue.length) {
      const piece = queue[head]!;
      queue[head++] = undefined as unknown as () => void;
      piece();
      if (head < queue.length && performance.now() - turnStart >= budgetMs) {
        yieldImmediate(drain);
        return;
      }
    }
    queue = [];
    head = 0;
    scheduled = false;
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          try {
            resolve(work());
          } catch (caught) {
            reject(caught);
          }
        });
        if (!scheduled) {
          scheduled = true;
          yieldImmediate(drain);
        }
      });
    },
  };
}
