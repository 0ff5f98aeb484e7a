/**
 * When each node of a cycle starts: Heapster staggers the kubelet requests of one cycle by a
 * random delay so that thousands of nodes are not hit in the same millisecond
 * (heapster-reference §5.2, "prevents network congestion").
 *
 * @module
 */

/** Heapster's stagger grows by this much per node... */
export const START_JITTER_PER_NODE_MS = 8;
/** ...up to this bound. */
export const MAX_START_JITTER_MS = 4000;

/** One node's planned start, relative to the start of the cycle. */
export interface PlannedStart<T> {
  target: T;
  offsetMs: number;
}

/** The stagger bound for a cycle of `nodeCount` nodes: `min(8 ms × nodes, 4000 ms)`. */
export function startJitterBoundMs(nodeCount: number): number {
  return Math.min(START_JITTER_PER_NODE_MS * nodeCount, MAX_START_JITTER_MS);
}

/**
 * Draws a start offset in `[0, bound)` for every target and orders the targets by it, so that
 * workers taking targets in order never wait on a late start while an earlier one is due.
 *
 * @param random returns values in `[0, 1)`, like `Math.random`.
 */
export function planStarts<T>(targets: readonly T[], random: () => number): PlannedStart<T>[] {
  const boundMs = startJitterBoundMs(targets.length);
  const plan = targets.map((target) => ({ target, offsetMs: random() * boundMs }));
  return plan.sort((a, b) => a.offsetMs - b.offsetMs);
}
