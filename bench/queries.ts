/**
 * The requests the benchmark sends, in one place so the report can print them.
 *
 * @module
 */

/** A pod by namespace and name. */
export interface PodRef {
  namespace: string;
  name: string;
}

/** P3: one pod, its latest CPU and memory. */
export const singlePodQuery = `query Pod($namespace: String!, $name: String!) {
  pod(namespace: $namespace, name: $name) {
    name
    cpu: latest(name: "cpu/usage_rate") { value }
    memory: latest(name: "memory/working_set") { value }
  }
}`;

/** P4: a namespace dashboard — 100 pods, latest CPU and memory, 15 minutes of both at 60 s. */
export const dashboardQuery = `query Dashboard($namespace: String!) {
  pods(namespace: $namespace, first: 100) {
    totalCount
    nodes {
      name
      cpu: latest(name: "cpu/usage_rate") { timestamp value }
      memory: latest(name: "memory/working_set") { timestamp value }
      cpuHistory: metric(name: "cpu/usage_rate", range: { lastMinutes: 15 }) { points { timestamp value } }
      memoryHistory: metric(name: "memory/working_set", range: { lastMinutes: 15 }) { points { timestamp value } }
    }
  }
}`;

/** P4's anchor: the cheapest possible operation (measures the server's fixed cost per request). */
export const trivialQuery = '{ __typename }';

/** P5: one pod's CPU and memory at every batch. */
export const livePodSubscription = `subscription LivePod($namespace: String!, $name: String!) {
  livePod(namespace: $namespace, name: $name, metrics: ["cpu/usage_rate", "memory/working_set"]) {
    timestamp
    entities { key values { metric value } }
  }
}`;

/** P3's REST request: Heapster's model API, one pod's CPU rate series. */
export function singlePodRestPath(pod: PodRef): string {
  return `/api/v1/model/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/metrics/cpu/usage_rate`;
}

/** A JSON GraphQL request body. */
export function graphqlBody(query: string, variables: Record<string, unknown> = {}): string {
  return JSON.stringify({ query, variables });
}
