/**
 * Resource usage for the resource metrics APIs, read from the newest batch as Heapster did
 * (heapster-reference §1.6): CPU is `cpu/usage_rate` (millicores), memory `memory/working_set`
 * (bytes); a set lacking either has no usage.
 *
 * @module
 */
import type { V1Pod } from '@kubernetes/client-node';
import { nodeKey, podContainerKey } from '../../core/keys.js';
import type { DataBatch, MetricSet } from '../../core/types.js';
import { formatBinaryQuantity, formatDecimalQuantity } from './kubeQuantity.js';

/** `usage` of a NodeMetrics or ContainerMetrics: Kubernetes quantities by resource name. */
export interface UsageJson {
  cpu: string;
  memory: string;
}

/** The usage of one metric set, or undefined when it lacks CPU or memory. */
export function usageOf(set: MetricSet | undefined): UsageJson | undefined {
  const cpu = set?.metricValues.get('cpu/usage_rate');
  const memory = set?.metricValues.get('memory/working_set');
  if (cpu === undefined || memory === undefined) return undefined;
  // Millicores as nanocores: metrics-server's `NewScaledQuantity(n, -9)` prints the same string
  // as Heapster's `NewMilliQuantity(m, DecimalSI)` for whole millicores (`250m`, `2`).
  return { cpu: formatDecimalQuantity(cpu, -3), memory: formatBinaryQuantity(memory) };
}

/** A node's usage in the batch. */
export function nodeUsage(batch: DataBatch | undefined, nodeName: string): UsageJson | undefined {
  return usageOf(batch?.metricSets.get(nodeKey(nodeName)));
}

/** One container's usage. */
export interface ContainerUsageJson {
  name: string;
  usage: UsageJson;
}

/**
 * Usage of every container of a pod's spec, in spec order; undefined when any of them has no
 * usage in the batch (Heapster then reports the pod as having no metrics).
 */
export function podContainerUsage(batch: DataBatch | undefined, pod: V1Pod): ContainerUsageJson[] | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const containers: ContainerUsageJson[] = [];
  for (const container of pod.spec?.containers ?? []) {
    const usage = usageOf(batch?.metricSets.get(podContainerKey(namespace, name, container.name)));
    if (!usage) return undefined;
    containers.push({ name: container.name, usage });
  }
  return containers;
}

/** Sorts pods by namespace, then name (the API server's list order). */
export function byNamespaceAndName(a: V1Pod, b: V1Pod): number {
  const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
