/**
 * Turns the collected entities into Heapster metric sets with the summary source's keys and
 * labels (heapster-reference §2.2, §2.3, §3.4), so both sources feed the same pipeline.
 *
 * @module
 */
import { nodeKey, podContainerKey, podKey, MetricSetType } from '../../core/keys.js';
import { Label } from '../../core/labels.js';
import { createMetricSet, type MetricSet } from '../../core/types.js';
import type { DecodedNode, NodeInfo } from '../types.js';
import type { CollectedSamples, EntitySamples } from './collect.js';

/**
 * Builds the node's metric sets. Invalid entities are left out and counted, together with
 * samples that could not be attributed to a pod or container.
 */
export function buildMetricSets(collected: CollectedSamples, node: NodeInfo, nowMs: number): DecodedNode {
  const metricSets = new Map<string, MetricSet>();
  const base: Record<string, string> = {
    [Label.NodeName]: node.nodeName,
    [Label.Hostname]: node.hostname,
    [Label.HostId]: node.hostId,
  };
  const entities = [...collected.entities.values()];
  const invalidPods = new Set<string>();
  let droppedEntities = collected.unidentified;
  for (const entity of entities) {
    if (!entity.invalid) continue;
    droppedEntities++;
    if (entity.scope === 'pod') invalidPods.add(podKey(entity.namespace, entity.pod));
  }

  // The node answered, so it gets a set even without node-level samples (every summary response
  // has a node); only an invalid node reading removes it.
  const nodeEntity = entities.find((e) => e.scope === 'node');
  if (!nodeEntity?.invalid) {
    const labels = { [Label.Type]: MetricSetType.Node, ...base };
    metricSets.set(
      nodeKey(node.nodeName),
      nodeEntity ? entitySet(nodeEntity, labels, nowMs) : createMetricSet(labels, { scrapeTime: nowMs }),
    );
  }

  const podLabelsOf = (entity: EntitySamples): Record<string, string> => ({
    [Label.Type]: MetricSetType.Pod,
    ...base,
    [Label.PodName]: entity.pod,
    [Label.NamespaceName]: entity.namespace,
  });
  for (const entity of entities) {
    if (entity.invalid || entity.scope !== 'pod') continue;
    metricSets.set(podKey(entity.namespace, entity.pod), entitySet(entity, podLabelsOf(entity), nowMs));
  }
  for (const entity of entities) {
    if (entity.invalid || entity.scope !== 'container') continue;
    const podLabels = podLabelsOf(entity);
    // Every summary response lists the pod of each container; keep that shape when the kubelet
    // sent no pod-level samples, so the pod carries the node labels the aggregators need.
    const key = podKey(entity.namespace, entity.pod);
    if (!metricSets.has(key) && !invalidPods.has(key)) {
      metricSets.set(key, createMetricSet(podLabels, { scrapeTime: nowMs }));
    }
    const labels = { ...podLabels, [Label.Type]: MetricSetType.PodContainer, [Label.ContainerName]: entity.container };
    metricSets.set(podContainerKey(entity.namespace, entity.pod, entity.container), entitySet(entity, labels, nowMs));
  }
  return { metricSets, droppedEntities };
}

/** One set: readings as Heapster metrics, scrape time from the CPU sample, then memory, then now. */
function entitySet(entity: EntitySamples, labels: Record<string, string>, nowMs: number): MetricSet {
  const scrapeTime = entity.cpuNs?.timestampMs ?? entity.workingSetBytes?.timestampMs ?? nowMs;
  const startMs = entity.startMs ?? 0;
  const set = createMetricSet(labels, { collectionStartTime: startMs, scrapeTime });
  if (startMs > 0) {
    // Heapster computed uptime from the wall clock; a start in the future (clock skew) is 0, not negative.
    set.metricValues.set('uptime', Math.max(0, nowMs - startMs));
  }
  if (entity.cpuNs) set.metricValues.set('cpu/usage', entity.cpuNs.value);
  if (entity.workingSetBytes) set.metricValues.set('memory/working_set', entity.workingSetBytes.value);
  return set;
}
