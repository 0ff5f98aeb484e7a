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
import { sumMetrics } from './aggregate.js';
import { typeMismatch } from './errors.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

const name = 'cluster_aggregator';

/** Creates the cluster aggregator; a value-type mismatch throws `ProcessorError('value_type_mismatch')`. */
export function createClusterAggregator(): Processor {
  return defineProcessor(name, function* (batch) {
    const cluster = createMetricSet({ [Label.Type]: MetricSetType.Cluster });
    yield* eachInSteps(batch.metricSets, (namespace, key) => {
      if (namespace.labels[Label.Type] !== MetricSetType.Namespace) return;
      const [mismatch] = sumMetrics(namespace, cluster, namespaceAggregatedMetrics);
      if (mismatch !== undefined) throw typeMismatch(name, key, mismatch);
    });
    batch.metricSets.set(clusterKey(), cluster);
    return batch;
  });
}
