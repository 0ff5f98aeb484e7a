/**
 * The store's batch slots: retained batch timestamps in ascending order, each mapped to a
 * physical slot id that indexes every column's per-slot arrays. Physical ids of evicted
 * batches are reused, so columns keep about retention ÷ resolution arrays each.
 *
 * The ascending lists are replaced, never edited, so a reader holding one sees a whole state.
 *
 * @module
 */

/** Retained batch slots. */
export interface Timeline {
  /** Retained timestamps, ascending. */
  readonly times: readonly number[];
  /** Physical slot id of each entry of {@link times}. */
  readonly slots: readonly number[];
  /** Index of `timestampMs` in {@link times}, or −(insertion point) − 1 when absent. */
  indexOf(timestampMs: number): number;
  /** Adds a slot for a timestamp not yet present and returns its physical id. */
  insert(timestampMs: number): number;
  /**
   * Takes a physical slot id for a batch being written over several slices; readers do not see
   * it until {@link publish}, so a half-written batch is never served.
   */
  reserve(): number;
  /** Makes a reserved `slot` visible as `timestampMs` (not yet present). */
  publish(timestampMs: number, slot: number): void;
  /** Returns a reserved, unpublished slot (a write that failed). */
  release(slot: number): void;
  /** Removes every slot at or before `cutoffMs`; returns how many went. */
  evictThrough(cutoffMs: number): number;
  /** Index range [from, to) of {@link times} within the inclusive bounds. */
  range(startMs: number, endMs: number): [from: number, to: number];
}

/** Creates an empty timeline. */
export function createTimeline(): Timeline {
  let times: number[] = [];
  let slots: number[] = [];
  const freeSlots: number[] = [];
  let slotCount = 0;

  /** First index whose time is ≥ `timestampMs` (binary search). */
  function lowerBound(timestampMs: number): number {
    let low = 0;
    let high = times.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (times[mid]! < timestampMs) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  function reserve(): number {
    // Lowest free id first keeps the ids compact after a burst of out-of-order batches.
    freeSlots.sort((a, b) => b - a);
    return freeSlots.pop() ?? slotCount++;
  }

  function publish(timestampMs: number, slot: number): void {
    const at = lowerBound(timestampMs);
    times = [...times.slice(0, at), timestampMs, ...times.slice(at)];
    slots = [...slots.slice(0, at), slot, ...slots.slice(at)];
  }

  return {
    get times() {
      return times;
    },
    get slots() {
      return slots;
    },
    indexOf(timestampMs) {
      const at = lowerBound(timestampMs);
      return times[at] === timestampMs ? at : -at - 1;
    },
    insert(timestampMs) {
      const slot = reserve();
      publish(timestampMs, slot);
      return slot;
    },
    reserve,
    publish,
    release(slot) {
      freeSlots.push(slot);
    },
    evictThrough(cutoffMs) {
      let through = 0;
      while (through < times.length && times[through]! <= cutoffMs) through++;
      if (through === 0) return 0;
      freeSlots.push(...slots.slice(0, through));
      times = times.slice(through);
      slots = slots.slice(through);
      return through;
    },
    range(startMs, endMs) {
      const from = lowerBound(startMs);
      let to = from;
      while (to < times.length && times[to]! <= endMs) to++;
      return [from, to];
    },
  };
}
