/**
 * The pod aggregator (heapster-reference §4.4, master rule): sums container metrics into their
 * pod set, but only metrics the pod set did not already carry before this processor ran
 * (pod-level values from the kubelet win). Cumulative standard metrics and labeled metrics
 * are never aggregated.
 *
 * One decided difference: a pod set created here keeps the container's `nodename`, so the node
 * aggregator counts it (Heapster dropped it, quirk 9).
 *
 * @module
 */
import { MetricSetType, podKey } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { standardMetrics } from '../core/metrics.js';
import { createMetricSet, type MetricSet } from '../core/types.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

/** Options of {@link createPodAggregator}. */
export interface PodAggregatorOptions {
  /** Receives containers without pod labels. @default ignore */
  onSkip?: SkipListener;
}

const name = 'pod_aggregator';

/** Counters summed over containers would be meaningless across container restarts. */
const skippedMetrics: ReadonlySet<string> = new Set(
  standardMetrics.filter((m) => m.type === 'cumulative' || m.type === 'delta').map((m) => m.name),
);

/** Container labels a created pod set inherits (`nodename` is Heapgraph's addition). */
const inheritedLabels = [Label.PodId, Label.PodName, Label.NamespaceName, Label.NamespaceId, Label.Hostname, Label.HostId, Label.NodeName];

/** Creates the pod aggregator. */
export function createPodAggregator({ onSkip = ignoreSkips }: PodAggregatorOptions = {}): Processor {
  return defineProcessor(name, function* (batch) {
    const created = new Map<string, MetricSet>();
    /** Per pod key, the metrics this run is summing (absent on the pod when the run began). */
    const summing = new Map<string, Set<string>>();

    yield* eachInSteps(batch.metricSets, (container, key) => {
      if (container.labels[Label.Type] !== MetricSetType.PodContainer) return;
      const podName = container.labels[Label.PodName];
      const namespace = container.labels[Label.NamespaceName];
      if (podName === undefined || namespace === undefined) {
        onSkip({ processor: name, reason: 'missing_labels', key });
        return;
      }
      const targetKey = podKey(namespace, podName);
      let pod = batch.metricSets.get(targetKey) ?? created.get(targetKey);
      if (pod === undefined) {
        pod = podSetFrom(container.labels);
        created.set(targetKey, pod);
      }
      let summed = summing.get(targetKey);
      if (summed === undefined) summing.set(targetKey, (summed = new Set()));

      const podValues = pod.metricValues;
      container.metricValues.forEach((value, metric) => {
        if (skippedMetrics.has(metric)) return;
        const total = podValues.get(metric);
        if (total === undefined) {
          summed.add(metric);
          podValues.set(metric, value);
        } else if (summed.has(metric)) {
          podValues.set(metric, total + value);
        }
        // Otherwise the pod carried the metric itself: master keeps that value.
      });
    });
    for (const [key, pod] of created) batch.metricSets.set(key, pod);
    return batch;
  });
}

function podSetFrom(containerLabels: Readonly<Record<string, string>>): MetricSet {
  const labels: Record<string, string> = { [Label.Type]: MetricSetType.Pod };
  for (const label of inheritedLabels) {
    const value = containerLabels[label];
    if (value !== undefined) labels[label] = value;
  }
  return createMetricSet(labels);
}
