/**
 * The node autoscaling enricher (heapster-reference §4.8, master): node capacity, allocatable,
 * utilisation and reservation as float gauges, and the node's labels as `labels`.
 *
 * @module
 */
import type { V1Node } from '@kubernetes/client-node';
import { nodeKey } from '../core/keys.js';
import { parseIntQuantity, parseMilliQuantity } from '../core/quantity.js';
import type { MetricSet } from '../core/types.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { LabelCopier } from './labelCopier.js';
import type { NodeLister, Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

/** Options of {@link createNodeAutoscalingEnricher}. */
export interface NodeAutoscalingEnricherOptions {
  nodeLister: NodeLister;
  labelCopier: LabelCopier;
  /** Receives unparsable capacity/allocatable quantities. @default ignore */
  onSkip?: SkipListener;
}

const name = 'node_autoscaling_enricher';
const ephemeralStorage = 'ephemeral-storage';

/** Creates the node autoscaling enricher; nodes without a set in the batch are ignored. */
export function createNodeAutoscalingEnricher({ nodeLister, labelCopier, onSkip = ignoreSkips }: NodeAutoscalingEnricherOptions): Processor {
  return defineProcessor(name, function* (batch) {
    yield* eachInSteps(nodeLister.listNodes().entries(), (node) => {
      const key = nodeKey(node.metadata?.name ?? '');
      const metricSet = batch.metricSets.get(key);
      if (metricSet === undefined) return;
      labelCopier.copy(node.metadata?.labels, metricSet.labels);
      const quantity = (list: 'capacity' | 'allocatable', resource: string): number => {
        const raw = node.status?.[list]?.[resource];
        if (raw === undefined) return 0;
        const value = resource === 'cpu' ? parseMilliQuantity(raw) : parseIntQuantity(raw);
        if (value === undefined) onSkip({ processor: name, reason: 'invalid_quantity', key, metric: `${list}.${resource}` });
        return value ?? 0;
      };
      enrich(metricSet, node, quantity);
    });
    return batch;
  });
}

type QuantityReader = (list: 'capacity' | 'allocatable', resource: string) => number;

function enrich(metricSet: MetricSet, node: V1Node, quantity: QuantityReader): void {
  const set = (metric: string, value: number) => metricSet.metricValues.set(metric, value);
  const input = (metric: string) => intInput(metricSet, metric);

  const allocatableCpu = quantity('allocatable', 'cpu');
  if (allocatableCpu !== 0) {
    set('cpu/node_utilization', input('cpu/usage_rate') / allocatableCpu);
    set('cpu/node_reservation', input('cpu/request') / allocatableCpu);
  }
  set('cpu/node_capacity', quantity('capacity', 'cpu'));
  set('cpu/node_allocatable', allocatableCpu);

  const allocatableMemory = quantity('allocatable', 'memory');
  if (allocatableMemory !== 0) {
    set('memory/node_utilization', input('memory/usage') / allocatableMemory);
    set('memory/node_reservation', input('memory/request') / allocatableMemory);
  }
  set('memory/node_capacity', quantity('capacity', 'memory'));
  set('memory/node_allocatable', allocatableMemory);

  const hasEphemeral = (list: 'capacity' | 'allocatable') => Object.hasOwn(node.status?.[list] ?? {}, ephemeralStorage);
  if (hasEphemeral('capacity') && hasEphemeral('allocatable')) {
    const allocatableStorage = quantity('allocatable', ephemeralStorage);
    set('ephemeral_storage/node_capacity', quantity('capacity', ephemeralStorage));
    set('ephemeral_storage/node_allocatable', allocatableStorage);
    if (allocatableStorage !== 0) {
      set('ephemeral_storage/node_utilization', input('ephemeral_storage/usage') / allocatableStorage);
      set('ephemeral_storage/node_reservation', input('ephemeral_storage/request') / allocatableStorage);
    }
  }
}

/** Heapster read these (int64) inputs with a missing metric counting as 0. */
function intInput(metricSet: MetricSet, metric: string): number {
  return metricSet.metricValues.get(metric) ?? 0;
}
