/**
 * Builders of small fake batches for the store tests.
 */
import { createMetricSet, type DataBatch, type LabeledMetric, type MetricSet } from '../../src/core/types.js';
import { nodeKey, podKey } from '../../src/core/keys.js';
import { createRandom } from '../../src/sim/random.js';

/** Minute `n` after an arbitrary aligned origin, in ms. */
export const origin = Date.UTC(2024, 0, 1, 12, 0, 0);
export const minute = 60_000;
export function at(minutes: number): number {
  return origin + minutes * minute;
}

/** A batch of the given sets. */
export function batchOf(timestampMs: number, sets: Iterable<readonly [string, MetricSet]>): DataBatch {
  return { timestamp: timestampMs, metricSets: new Map(sets) };
}

/** A pod set of the given values (typed by their metric names: integer metrics truncate). */
export function pod(namespace: string, name: string, values: Record<string, number>, extraLabels: Record<string, string> = {}): [string, MetricSet] {
  const set = createMetricSet({ type: 'pod', namespace_name: namespace, pod_name: name, ...extraLabels });
  for (const [metric, value] of Object.entries(values)) set.metricValues.set(metric, value);
  return [podKey(namespace, name), set];
}

/** A node set of the given values (typed by their metric names: integer metrics truncate). */
export function node(name: string, values: Record<string, number>, extraLabels: Record<string, string> = {}): [string, MetricSet] {
  const set = createMetricSet({ type: 'node', nodename: name, hostname: name, ...extraLabels });
  for (const [metric, value] of Object.entries(values)) set.metricValues.set(metric, value);
  return [nodeKey(name), set];
}

/** A labeled value of an integer metric (truncated, as the sources truncate integer values). */
export function labeled(name: string, labels: Record<string, string>, value: number): LabeledMetric {
  return { name, labels, value: Math.trunc(value) };
}

/** A labeled value of a float metric. */
export function labeledFloat(name: string, labels: Record<string, string>, value: number): LabeledMetric {
  return { name, labels, value };
}

/** A deterministic pseudo-random generator (the simulator's mulberry32). */
export const seededRandom: (seed: number) => () => number = createRandom;
