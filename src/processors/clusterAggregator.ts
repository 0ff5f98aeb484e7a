/**
 * The cluster aggregator (heapster-reference §4.7): a fresh `cluster` set every batch (even an
 * empty one) holding the six namespace metrics summed over every namespace set.
 *
 * @module
 */
import { clusterKey, MetricSetType } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { namespaceAggregatedMetrics } from '../core/metrics.js';
import { createMetricSet } from '../core/types.js';
import { metricColumns, sumMetrics } from './aggregate.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

const name = 'cluster_aggregator';
const summedColumns = metricColumns(namespaceAggregatedMetrics);

/** Creates the cluster aggregator. */
export function createClusterAggregator(): Processor {
  return defineProcessor(name, function* (batch) {
    const cluster = createMetricSet({ [Label.Type]: MetricSetType.Cluster });
    yield* eachInSteps(batch.metricSets, (namespace) => {
      if (namespace.labels[Label.Type] !== MetricSetType.Namespace) return;
      sumMetrics(namespace, cluster, summedColumns);
    });
    batch.metricSets.set(clusterKey(), cluster);
    return batch;
  });
}
