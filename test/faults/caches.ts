/**
 * Comparing what Heapgraph knows with what the simulated cluster holds: informer caches against
 * the fake API server's store, and the pods of a batch against the pods that run.
 */
import { podKey } from '../../src/core/keys.js';
import type { KubeCacheListers } from '../../src/kube/informers.js';
import type { RunningSimCluster } from '../../src/sim/index.js';
import type { SimResource } from '../../src/sim/types.js';

/** Resources compared by {@link cacheDifferences}. */
const compared = ['pods', 'namespaces', 'nodes'] as const satisfies readonly SimResource[];

type Listed = { metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string } };

const identity = (object: Listed) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name}@${object.metadata?.uid}#${object.metadata?.resourceVersion}`;

function cached(listers: KubeCacheListers, resource: (typeof compared)[number]): readonly Listed[] {
  if (resource === 'pods') return listers.listPods();
  return resource === 'namespaces' ? listers.listNamespaces() : listers.listNodes();
}

/**
 * Objects (namespace/name@uid#resourceVersion) the caches and the simulator's store disagree
 * on, for pods, namespaces and nodes; empty when the caches caught up.
 */
export function cacheDifferences(listers: KubeCacheListers, sim: RunningSimCluster): string[] {
  const differences: string[] = [];
  for (const resource of compared) {
    const inCache = new Set(cached(listers, resource).map(identity));
    const inStore = new Set(sim.store.list(resource).map((o) => identity(o as Listed)));
    for (const id of inStore) if (!inCache.has(id)) differences.push(`${resource} missing from the cache: ${id}`);
    for (const id of inCache) if (!inStore.has(id)) differences.push(`${resource} stale in the cache: ${id}`);
  }
  return differences;
}

/** Model keys of the pods the simulator's API server lists as Running. */
export function runningPodKeys(sim: RunningSimCluster): Set<string> {
  return new Set(
    sim.store
      .list('pods')
      .filter((pod) => (pod.status as { phase?: string } | undefined)?.phase === 'Running')
      .map((pod) => podKey(pod.metadata.namespace!, pod.metadata.name)),
  );
}

/** Model keys of the pods the pod cache holds. */
export function cachedPodKeys(listers: KubeCacheListers): Set<string> {
  return new Set(listers.listPods().map((pod) => podKey(pod.metadata!.namespace!, pod.metadata!.name!)));
}
