/**
 * The namespace aggregator (heapster-reference §4.5): sums the six namespace metrics of every
 * pod set into its `namespace:<ns>` set, created on first use with the pod's `namespace_id`.
 *
 * @module
 */
import { MetricSetType, namespaceKey } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { namespaceAggregatedMetrics } from '../core/metrics.js';
import { createMetricSet, type MetricSet } from '../core/types.js';
import { metricColumns, sumMetrics } from './aggregate.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';
import { joinBatch } from './join.js';

/** Options of {@link createNamespaceAggregator}. */
export interface NamespaceAggregatorOptions {
  /** Receives pod sets without `namespace_name`. @default ignore */
  onSkip?: SkipListener;
}

const name = 'namespace_aggregator';
const summedColumns = metricColumns(namespaceAggregatedMetrics);

/** Creates the namespace aggregator. */
export function createNamespaceAggregator({ onSkip = ignoreSkips }: NamespaceAggregatorOptions = {}): Processor {
  return defineProcessor(name, function* (batch) {
    const created = new Map<string, MetricSet>();
    // Target by namespace name: a few dozen names, where building each pod's namespace key and
    // probing the whole batch with it was most of this pass.
    const targets = new Map<string, MetricSet>();
    yield* eachInSteps(batch.metricSets, (pod, key) => {
      if (pod.labels[Label.Type] !== MetricSetType.Pod) return;
      const namespace = pod.labels[Label.NamespaceName];
      if (namespace === undefined) {
        onSkip({ processor: name, reason: 'missing_labels', key });
        return;
      }
      let target = targets.get(namespace);
      if (target === undefined) {
        const targetKey = namespaceKey(namespace);
        target = batch.metricSets.get(targetKey) ?? created.get(targetKey);
        if (target === undefined) {
          target = createMetricSet({
            [Label.Type]: MetricSetType.Namespace,
            [Label.NamespaceName]: namespace,
            [Label.NamespaceId]: pod.labels[Label.NamespaceId] ?? '',
          });
          created.set(targetKey, target);
        }
        targets.set(namespace, target);
      }
      sumMetrics(pod, target, summedColumns);
    });
    yield* joinBatch(batch, created);
    return batch;
  });
}
