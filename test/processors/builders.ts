/**
 * Hand-built metric sets and batches for processor tests, keyed and labeled as the sources
 * produce them.
 */
import { MetricSetType, namespaceKey, nodeKey, podContainerKey, podKey } from '../../src/core/keys.js';
import { Label } from '../../src/core/labels.js';
import { createMetricSet, type DataBatch, type MetricSet } from '../../src/core/types.js';

/** A batch from `[key, set]` pairs. */
export function batchOf(timestamp: number, entries: Iterable<readonly [string, MetricSet]>): DataBatch {
  return { timestamp, metricSets: new Map(entries) };
}

/** Sets `metrics` on `set` and returns it. */
export function withMetrics(set: MetricSet, metrics: Record<string, number>): MetricSet {
  for (const [name, value] of Object.entries(metrics)) set.metricValues.set(name, value);
  return set;
}

/** A node set as the summary source labels it. */
export function nodeEntry(node: string, metrics: Record<string, number> = {}): [string, MetricSet] {
  const set = createMetricSet({ [Label.Type]: MetricSetType.Node, [Label.NodeName]: node, [Label.Hostname]: node, [Label.HostId]: '' });
  return [nodeKey(node), withMetrics(set, metrics)];
}

/** A pod set as the summary source labels it. */
export function podEntry(
  namespace: string,
  pod: string,
  metrics: Record<string, number> = {},
  labels: Record<string, string> = {},
): [string, MetricSet] {
  const set = createMetricSet({
    [Label.Type]: MetricSetType.Pod,
    [Label.NamespaceName]: namespace,
    [Label.PodName]: pod,
    [Label.NodeName]: 'minikube',
    [Label.Hostname]: 'minikube',
    [Label.HostId]: '',
    ...labels,
  });
  return [podKey(namespace, pod), withMetrics(set, metrics)];
}

/** A container set as the summary source labels it. */
export function containerEntry(
  namespace: string,
  pod: string,
  container: string,
  metrics: Record<string, number> = {},
  labels: Record<string, string> = {},
): [string, MetricSet] {
  const set = createMetricSet({
    [Label.Type]: MetricSetType.PodContainer,
    [Label.NamespaceName]: namespace,
    [Label.PodName]: pod,
    [Label.ContainerName]: container,
    [Label.NodeName]: 'minikube',
    [Label.Hostname]: 'minikube',
    [Label.HostId]: '',
    ...labels,
  });
  return [podContainerKey(namespace, pod, container), withMetrics(set, metrics)];
}

/** A namespace set as the namespace aggregator creates it. */
export function namespaceEntry(namespace: string, metrics: Record<string, number> = {}): [string, MetricSet] {
  const set = createMetricSet({ [Label.Type]: MetricSetType.Namespace, [Label.NamespaceName]: namespace, [Label.NamespaceId]: '' });
  return [namespaceKey(namespace), withMetrics(set, metrics)];
}

/** The set under `key`; fails the test if absent. */
export function setAt(batch: DataBatch, key: string): MetricSet {
  const set = batch.metricSets.get(key);
  if (set === undefined) throw new Error(`batch has no set ${key}`);
  return set;
}
