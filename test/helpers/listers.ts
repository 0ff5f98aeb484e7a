/**
 * KubeListers for processor tests, from the kube-api fixture lists (same capture as the
 * 1.26 summary) or from arrays of objects built in a test.
 */
import type { V1Job, V1Namespace, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { KubeListers } from '../../src/processors/types.js';
import { readFixtureJson } from './fixtures.js';

/** Objects a test lister serves; every list is optional. */
export interface ListerObjects {
  pods?: readonly V1Pod[];
  namespaces?: readonly V1Namespace[];
  nodes?: readonly V1Node[];
  replicaSets?: readonly V1ReplicaSet[];
  jobs?: readonly V1Job[];
}

/** The kube-api fixture files, all from the 1.26 minikube capture. */
export const kubeApiFixtures = {
  pods: 'kube-api/podlist-k8s1.26-minikube-nri.json',
  namespaces: 'kube-api/namespacelist-k8s1.26-minikube-nri.json',
  nodes: 'kube-api/nodelist-k8s1.26-minikube-nri.json',
} as const;

/** The items of a fixture list, as the JSON has them (timestamps stay strings, as in watch events). */
export function fixtureItems<T>(relative: string): T[] {
  return readFixtureJson<{ items: T[] }>(relative).items;
}

/** The fixture's 18 pods. */
export function fixturePods(): V1Pod[] {
  return fixtureItems<V1Pod>(kubeApiFixtures.pods);
}

/** The fixture's 5 namespaces. */
export function fixtureNamespaces(): V1Namespace[] {
  return fixtureItems<V1Namespace>(kubeApiFixtures.namespaces);
}

/** The fixture's node `minikube`. */
export function fixtureNodes(): V1Node[] {
  return fixtureItems<V1Node>(kubeApiFixtures.nodes);
}

/** One fixture pod by namespace and name; throws if the fixture lacks it. */
export function fixturePod(namespace: string, name: string): V1Pod {
  const pod = fixturePods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
  if (pod === undefined) throw new Error(`fixture has no pod ${namespace}/${name}`);
  return pod;
}

/** Listers over the given objects (namespaced objects are keyed by namespace and name). */
export function createListers(objects: ListerObjects = {}): KubeListers {
  const byNamespacedName = <T extends { metadata?: { namespace?: string; name?: string } }>(items: readonly T[] = []) =>
    new Map(items.map((item) => [`${item.metadata?.namespace ?? ''}/${item.metadata?.name ?? ''}`, item]));
  const byName = <T extends { metadata?: { name?: string } }>(items: readonly T[] = []) =>
    new Map(items.map((item) => [item.metadata?.name ?? '', item]));

  const pods = byNamespacedName(objects.pods);
  const replicaSets = byNamespacedName(objects.replicaSets);
  const jobs = byNamespacedName(objects.jobs);
  const namespaces = byName(objects.namespaces);
  const nodes = byName(objects.nodes);
  const nodeList = [...(objects.nodes ?? [])];

  return {
    getPod: (namespace, name) => pods.get(`${namespace}/${name}`),
    getNamespace: (name) => namespaces.get(name),
    getNode: (name) => nodes.get(name),
    listNodes: () => nodeList,
    getReplicaSet: (namespace, name) => replicaSets.get(`${namespace}/${name}`),
    getJob: (namespace, name) => jobs.get(`${namespace}/${name}`),
  };
}

/** Listers over the three fixture lists, plus any extra objects (e.g. ReplicaSets, Jobs). */
export function fixtureListers(extra: ListerObjects = {}): KubeListers {
  return createListers({
    pods: [...fixturePods(), ...(extra.pods ?? [])],
    namespaces: [...fixtureNamespaces(), ...(extra.namespaces ?? [])],
    nodes: [...fixtureNodes(), ...(extra.nodes ?? [])],
    replicaSets: extra.replicaSets ?? [],
    jobs: extra.jobs ?? [],
  });
}
