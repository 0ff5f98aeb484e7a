import type { V1Job, V1Namespace, V1Node, V1OwnerReference, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
// What the caches held before: client-node's own decoding (lists and, via the old watch, events).
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kubeResources } from '../../src/kube/resources.js';
import { createSlimmers } from '../../src/kube/slim.js';
import { fixtureNamespaces, fixtureNodes, fixturePods } from '../helpers/listers.js';
import { readerOutputs, type CachedObjects } from './slimHarness.js';

type Raw = Record<string, any>;
const hostIdAnnotation = 'kubeadm.alpha.kubernetes.io/cri-socket';

/** A ReplicaSet, as the API server holds it, for every ReplicaSet that owns a captured pod; its Deployment's name is not derivable from the pod. */
function replicaSetsOf(pods: readonly Raw[]): Raw[] {
  const owners = new Map<string, { pod: Raw; owner: V1OwnerReference }>();
  for (const pod of pods) {
    for (const owner of pod.metadata.ownerReferences ?? []) if (owner.kind === 'ReplicaSet') owners.set(`${pod.metadata.namespace}/${owner.name}`, { pod, owner });
  }
  return [...owners.values()].map(({ pod, owner }) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: owner.name,
      namespace: pod.metadata.namespace,
      uid: owner.uid,
      resourceVersion: '41',
      creationTimestamp: pod.metadata.creationTimestamp,
      labels: pod.metadata.labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `managed-${owner.name}`, uid: `d-${owner.uid}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 1, selector: { matchLabels: pod.metadata.labels }, template: { metadata: { labels: pod.metadata.labels }, spec: pod.spec } },
    status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 },
  }));
}

/** The captured objects, plus the cases the capture lacks: init containers, waiting and terminated states, a Job owner, a cordoned node. */
function variantObjects(): { pods: Raw[]; nodes: Raw[]; jobs: Raw[] } {
  const pods = structuredClone(fixturePods()) as Raw[];
  const named = (prefix: string) => pods.find((pod) => pod.metadata.namespace === 'scraper' && pod.metadata.name.startsWith(prefix));
  // Three pods the kubelet capture reports in every batch.
  const [withInit, waiting, jobPod] = [named('e2e-statefulset-0'), named('e2e-hpa-'), named('e2e-scraper-')];
  withInit!.spec.initContainers = withInit!.spec.containers.map((c: Raw) => ({ ...c, name: `init-${c.name}`, command: ['sh', '-c', 'true'] }));
  withInit!.status.initContainerStatuses = withInit!.spec.containers.map((c: Raw) => ({
    name: `init-${c.name}`, image: c.image, imageID: `docker.io/${c.image}@sha256:0`, ready: false, restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2022-12-27T23:00:00Z', finishedAt: '2022-12-27T23:00:01Z' } },
  }));
  waiting!.status.containerStatuses[0].state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } };
  waiting!.status.containerStatuses[0].restartCount = 7;
  jobPod!.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'backup-27870000', uid: 'j-1', controller: true, blockOwnerDeletion: true }];
  const jobs = [{
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'backup-27870000', namespace: 'scraper', uid: 'j-1', resourceVersion: '77', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'c-1', controller: true }] },
    spec: { template: { spec: jobPod!.spec } }, status: { succeeded: 1 },
  }];
  const nodes = structuredClone(fixtureNodes()) as Raw[];
  nodes[0]!.spec = { ...nodes[0]!.spec, unschedulable: true, externalID: 'i-0123456789' };
  return { pods, nodes, jobs };
}

/** The same raw objects decoded by client-node and by the slimmers. */
function bothWays(raw: { pods: Raw[]; nodes: Raw[]; namespaces: Raw[]; jobs: Raw[] }): { decoded: CachedObjects; slim: CachedObjects } {
  const replicaSets = replicaSetsOf(raw.pods);
  const decode = <T>(items: Raw[], model: string) => items.map((item) => ObjectSerializer.deserialize(item, model) as T);
  const slimmers = createSlimmers();
  return {
    decoded: {
      pods: decode<V1Pod>(raw.pods, 'V1Pod'),
      nodes: decode<V1Node>(raw.nodes, 'V1Node'),
      namespaces: decode<V1Namespace>(raw.namespaces, 'V1Namespace'),
      replicaSets: decode<V1ReplicaSet>(replicaSets, 'V1ReplicaSet'),
      jobs: decode<V1Job>(raw.jobs, 'V1Job'),
    },
    slim: {
      pods: raw.pods.map(slimmers.pods),
      nodes: raw.nodes.map(slimmers.nodes),
      namespaces: raw.namespaces.map(slimmers.namespaces),
      replicaSets: replicaSets.map(slimmers.replicasets),
      jobs: raw.jobs.map(slimmers.jobs),
    },
  };
}

describe('slim cached objects', () => {
  it('give the processors, scrape targets, metrics APIs and GraphQL the answers client-node-decoded v1.26 objects give', async () => {
    const { decoded, slim } = bothWays({ pods: fixturePods(), nodes: fixtureNodes(), namespaces: fixtureNamespaces(), jobs: [] } as never);
    const expected = await readerOutputs(decoded, hostIdAnnotation);
    const actual = await readerOutputs(slim, hostIdAnnotation);
    expect(actual.batches).toEqual(expected.batches);
    expect(actual.targets).toEqual(expected.targets);
    expect(actual.rest).toEqual(expected.rest);
    expect(actual.graphql).toEqual(expected.graphql);

    // The comparison is only as good as what the readers found in the objects.
    const graph = expected.graphql as { errors?: unknown; data: { pods: { nodes: Raw[] }; workloads: { nodes: Raw[] } } };
    expect(graph.errors).toBeUndefined();
    const pods = graph.data.pods.nodes;
    expect(pods.filter((pod) => pod.uid !== null && pod.phase !== null && pod.startTime !== null)).toHaveLength(pods.length);
    expect(pods.some((pod) => pod.containers.some((c: Raw) => c.requests?.cpuMillicores > 0 && c.state === 'running'))).toBe(true);
    expect(pods.some((pod) => pod.volumes.some((v: Raw) => v.source === 'projected'))).toBe(true);
    expect(graph.data.workloads.nodes.map((w) => w.key)).toContain('namespace:kube-system/deployment:managed-coredns-787d4945fb');
    for (const { status } of Object.values(expected.rest)) expect(status).toBe(200);
    const [node] = fixtureNodes();
    expect((expected.targets as { targets: Raw[] }).targets).toEqual([
      expect.objectContaining({ nodeName: node!.metadata!.name, port: node!.status!.daemonEndpoints!.kubeletEndpoint!.Port, hostId: node!.metadata!.annotations![hostIdAnnotation] }),
    ]);
  });

  it('give the same answers for init containers, waiting and terminated containers, a Job-owned pod and a cordoned node', async () => {
    const { decoded, slim } = bothWays({ ...variantObjects(), namespaces: fixtureNamespaces() } as never);
    const expected = await readerOutputs(decoded, hostIdAnnotation);
    const actual = await readerOutputs(slim, hostIdAnnotation);
    expect(actual).toEqual(expected);
    const graph = expected.graphql as { data: { nodes: { nodes: Raw[] }; pods: { nodes: Raw[] }; workloads: { nodes: Raw[] } } };
    expect(graph.data.nodes.nodes[0]).toMatchObject({ schedulable: false });
    expect(graph.data.pods.nodes.flatMap((pod) => pod.containers.map((c: Raw) => c.state))).toContain('waiting');
    expect(graph.data.workloads.nodes.map((w) => w.key)).toContain('namespace:scraper/cronjob:backup');
  });

  it('keep the identity ListWatch keys and resumes by, and Dates where client-node has them', () => {
    const slimmers = createSlimmers();
    for (const [resource, items] of [['pods', fixturePods()], ['nodes', fixtureNodes()], ['namespaces', fixtureNamespaces()]] as const) {
      for (const item of items as Raw[]) {
        const metadata = slimmers[resource](item).metadata!;
        expect({ name: metadata.name, namespace: metadata.namespace, uid: metadata.uid, resourceVersion: metadata.resourceVersion }).toEqual({
          name: item.metadata.name, namespace: item.metadata.namespace, uid: item.metadata.uid, resourceVersion: item.metadata.resourceVersion,
        });
        expect(metadata.creationTimestamp).toEqual(new Date(item.metadata.creationTimestamp));
      }
    }
  });

  it('drop every field no reader uses', () => {
    const slimmers = createSlimmers();
    for (const raw of fixturePods() as Raw[]) {
      const pod = slimmers.pods(raw);
      const defined = (object: object | undefined) => Object.keys(object ?? {}).filter((key) => (object as Raw)[key] !== undefined).sort();
      expect(defined(pod)).toEqual(['metadata', 'spec', 'status']);
      expect(defined(pod.metadata)).toEqual(['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid', ...(raw.metadata.labels ? ['labels'] : []), ...(raw.metadata.ownerReferences ? ['ownerReferences'] : [])].sort());
      expect(defined(pod.spec).every((key) => ['containers', 'initContainers', 'nodeName', 'volumes'].includes(key))).toBe(true);
      expect(defined(pod.status).every((key) => ['containerStatuses', 'hostIP', 'initContainerStatuses', 'phase', 'podIP', 'qosClass', 'startTime'].includes(key))).toBe(true);
      for (const container of pod.spec!.containers) expect(defined(container).every((key) => ['image', 'name', 'resources'].includes(key))).toBe(true);
      expect(JSON.stringify(pod).length).toBeLessThan(JSON.stringify(raw).length / 2);
    }
    const node = slimmers.nodes(fixtureNodes()[0]);
    expect(node.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(Object.keys(node.status ?? {})).not.toContain('images');
  });

  it('share one frozen container list, label set and owner list between replicas, and one Date for a repeated time', () => {
    const slimmers = createSlimmers();
    const raw = fixturePods().find((pod) => pod.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet') as Raw;
    const replica = { ...raw, metadata: { ...raw.metadata, name: `${raw.metadata.name}-2`, uid: 'other' }, status: { ...raw.status, startTime: raw.metadata.creationTimestamp } };
    const [first, second] = [slimmers.pods(structuredClone(raw)), slimmers.pods(structuredClone(replica))];
    expect(second.spec!.containers).toBe(first.spec!.containers);
    expect(second.metadata!.labels).toBe(first.metadata!.labels);
    expect(second.metadata!.ownerReferences).toBe(first.metadata!.ownerReferences);
    expect(Object.isFrozen(first.spec!.containers[0]!.resources!.requests)).toBe(true);
    expect(second.status!.startTime).toBe(second.metadata!.creationTimestamp);
    expect(second.metadata!.name).not.toBe(first.metadata!.name);
  });

  it('never throw on malformed objects, and keep a string name whatever else is wrong', () => {
    const slimmers = createSlimmers();
    fc.assert(
      fc.property(fc.constantFrom(...kubeResources), fc.jsonValue(), fc.jsonValue(), fc.string(), (resource, spec, status, name) => {
        const slim = slimmers[resource]({ metadata: { name, labels: spec, ownerReferences: status }, spec, status });
        expect(slim.metadata?.name).toBe(name);
        expect(() => slimmers[resource](spec)).not.toThrow();
      }),
    );
  });
});
