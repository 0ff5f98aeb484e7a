/**
 * Metric-set types and keys (heapster-reference §2.2). The key format is visible to clients
 * through `/api/v1/model/debug/allkeys`, so it is kept exactly.
 *
 * @module
 */

/** Values of the `type` label. `workload` is Heapgraph's own (workload aggregator). */
export const MetricSetType = {
  Cluster: 'cluster',
  Node: 'node',
  Namespace: 'ns',
  Pod: 'pod',
  PodContainer: 'pod_container',
  SystemContainer: 'sys_container',
  Workload: 'workload',
} as const;

/** One of {@link MetricSetType}'s values. */
export type MetricSetType = (typeof MetricSetType)[keyof typeof MetricSetType];

/** Workload kinds the workload aggregator produces (a ReplicaSet resolves to its Deployment). */
export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** `cluster` */
export function clusterKey(): string {
  return 'cluster';
}

/** `node:<node>` */
export function nodeKey(node: string): string {
  return `node:${node}`;
}

/** `namespace:<ns>` */
export function namespaceKey(namespace: string): string {
  return `namespace:${namespace}`;
}

/** `namespace:<ns>/pod:<pod>` */
export function podKey(namespace: string, pod: string): string {
  return `namespace:${namespace}/pod:${pod}`;
}

/** Whether `key` is {@link podKey}`(namespace, pod)`, checked without building that key. */
export function isPodKey(key: string, namespace: string, pod: string): boolean {
  const podAt = 'namespace:'.length + namespace.length;
  return (
    key.length === podAt + '/pod:'.length + pod.length &&
    key.startsWith('namespace:') &&
    key.startsWith(namespace, 'namespace:'.length) &&
    key.startsWith('/pod:', podAt) &&
    key.endsWith(pod)
  );
}

/** `namespace:<ns>/pod:<pod>/container:<container>` */
export function podContainerKey(namespace: string, pod: string, container: string): string {
  return `namespace:${namespace}/pod:${pod}/container:${container}`;
}

/** `node:<node>/container:<container>` */
export function systemContainerKey(node: string, container: string): string {
  return `node:${node}/container:${container}`;
}

/** `namespace:<ns>/<kind>:<name>`, e.g. `namespace:default/deployment:web`. */
export function workloadKey(namespace: string, kind: WorkloadKind, name: string): string {
  return `namespace:${namespace}/${kind.toLowerCase()}:${name}`;
}
