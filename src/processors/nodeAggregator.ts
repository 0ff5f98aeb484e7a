/**
 * The node aggregator (heapster-reference §4.6): sums pods' requests and limits into the set
 * of the node they run on. It never creates node sets.
 *
 * @module
 */
import { MetricSetType, nodeKey } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { nodeAggregatedMetrics } from '../core/metrics.js';
import type { MetricSet } from '../core/types.js';
import { metricColumns, sumMetrics } from './aggregate.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

/** Options of {@link createNodeAggregator}. */
export interface NodeAggregatorOptions {
  /** Receives pods whose node has no set in the batch. @default ignore */
  onSkip?: SkipListener;
}

const name = 'node_aggregator';
const summedColumns = metricColumns(nodeAggregatedMetrics);

/** Creates the node aggregator. Pods without `nodename` are skipped silently. */
export function createNodeAggregator({ onSkip = ignoreSkips }: NodeAggregatorOptions = {}): Processor {
  return defineProcessor(name, function* (batch) {
    // A node's pods come together in a batch: the previous pod's node set is usually this one's.
    let lastNodeName = '';
    let lastNode: MetricSet | undefined;
    yield* eachInSteps(batch.metricSets, (pod, key) => {
      if (pod.labels[Label.Type] !== MetricSetType.Pod) return;
      const nodeName = pod.labels[Label.NodeName] ?? '';
      if (nodeName === '') return;
      if (nodeName !== lastNodeName) {
        lastNode = batch.metricSets.get(nodeKey(nodeName));
        lastNodeName = nodeName;
      }
      const node = lastNode;
      if (node === undefined) {
        onSkip({ processor: name, reason: 'node_set_not_found', key });
        return;
      }
      sumMetrics(pod, node, summedColumns);
    });
    return batch;
  });
}
