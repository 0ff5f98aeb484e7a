/**
 * How the sets a processor creates join the batch: after its pass over the batch (as in
 * Heapster, so the pass never sees them), in steps like the pass itself.
 *
 * @module
 */
import { eachInSteps, type Steps } from '../core/slices.js';
import type { DataBatch, MetricSet } from '../core/types.js';

/**
 * Adds every entry of `created` to `batch`, yielding every step. At 5,000 nodes the workload
 * aggregator creates ~40,000 sets; added in one go they held the event loop for 57–82 ms after
 * its pass (`bench/pipeline.ts`, its longest step).
 */
export function* joinBatch(batch: DataBatch, created: ReadonlyMap<string, MetricSet>): Steps<void> {
  yield* eachInSteps(created, (set, key) => batch.metricSets.set(key, set));
}
