/**
 * A simulated cluster for the benchmark scripts that run Heapgraph's stages in-process on batches
 * (`pipeline.ts`, `census.ts`): the cluster model, listers over its objects slimmed as the
 * informers slim them, and the clock its usage follows.
 *
 * @module
 */
import { createSlimmers } from '../src/kube/slim.js';
import type { KubeListers } from '../src/processors/types.js';
import { createSimCluster } from '../src/sim/cluster/model.js';
import type { SimCluster } from '../src/sim/cluster/types.js';
import type { KubeObject, SimObjectStore, SimResource } from '../src/sim/types.js';

const minuteMs = 60_000;

/** What {@link createBatchCluster} returns. */
export interface BatchCluster {
  cluster: SimCluster;
  /** Maps of slimmed objects (the informers' cache is client-node's, a Map per namespace: a lookup costs alike, not the same). */
  listers: KubeListers;
  /** The cluster's clock, starting `batches` minutes before the current minute. */
  clock: { now(): number; advance(ms: number): number };
}

/** A cluster of `nodes` nodes × 30 pods (seed 1) whose clock leaves room for `batches` minutes before now. */
export function createBatchCluster(nodes: number, batches: number): BatchCluster {
  let nowMs = Math.floor(Date.now() / minuteMs) * minuteMs - batches * minuteMs;
  const store = mapStore();
  const cluster = createSimCluster({ nodes, podsPerNode: 30, seed: 1, kubeletPort: 10250, clock: () => nowMs, store });
  const listers = listersOf(store);
  // The full API objects (~750 MB at 5,000 nodes) would make every full collection dearer than in
  // Heapgraph, whose caches hold the slim copies only. Without churn the model writes no more.
  store.clear();
  return { cluster, listers, clock: { now: () => nowMs, advance: (ms) => (nowMs += ms) } };
}

/** Just enough of an object store for the cluster model to write its objects into. */
function mapStore(): SimObjectStore & { all(resource: SimResource): KubeObject[]; clear(): void } {
  const objects = new Map<SimResource, Map<string, KubeObject>>();
  const of = (resource: SimResource) => objects.get(resource) ?? objects.set(resource, new Map()).get(resource)!;
  const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
  return {
    upsert(resource, object) {
      of(resource).set(keyOf(object.metadata.namespace, object.metadata.name), object);
      return object;
    },
    remove: (resource, namespace, name) => of(resource).delete(keyOf(namespace, name)),
    list: (resource) => [...of(resource).values()],
    get: (resource, namespace, name) => of(resource).get(keyOf(namespace, name)),
    resourceVersion: 0,
    onChange: () => () => {},
    all: (resource) => [...of(resource).values()],
    clear: () => objects.clear(),
  };
}

function listersOf(store: ReturnType<typeof mapStore>): KubeListers {
  const slim = createSlimmers();
  const index = <T extends { metadata?: { namespace?: string; name?: string } }>(items: T[]) => {
    const byNamespace = new Map<string, Map<string, T>>();
    for (const item of items) {
      const namespace = item.metadata?.namespace ?? '';
      const names = byNamespace.get(namespace) ?? byNamespace.set(namespace, new Map()).get(namespace)!;
      names.set(item.metadata?.name ?? '', item);
    }
    return (namespace: string, name: string) => byNamespace.get(namespace)?.get(name);
  };
  const nodeList = store.all('nodes').map(slim.nodes);
  const node = index(nodeList);
  const pod = index(store.all('pods').map(slim.pods));
  const namespace = index(store.all('namespaces').map(slim.namespaces));
  const replicaSet = index(store.all('replicasets').map(slim.replicasets));
  const job = index(store.all('jobs').map(slim.jobs));
  return {
    getPod: pod,
    getNamespace: (name) => namespace('', name),
    getNode: (name) => node('', name),
    listNodes: () => nodeList,
    getReplicaSet: replicaSet,
    getJob: job,
  };
}
