import { describe, expect, it } from 'vitest';
import { nodeAddress, nodeName } from '../../src/sim/cluster/addresses.js';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import { SimError } from '../../src/sim/errors.js';
import { renderSummary } from '../../src/sim/kubelet/summary.js';
import type { KubeObject, SimResource } from '../../src/sim/types.js';
import { readFixtureJson } from '../helpers/fixtures.js';
import { createMapStore, type MapStore } from './map-store.js';

const startMs = Date.UTC(2024, 0, 15, 9, 30, 0);
const resources: SimResource[] = ['nodes', 'namespaces', 'pods', 'replicasets', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'];

function build(seed = 11, nodes = 12, podsPerNode = 30) {
  const store = createMapStore();
  const cluster = createSimCluster({ nodes, podsPerNode, seed, kubeletPort: 10255, clock: () => startMs, store });
  return { store, cluster };
}

function keyPaths(value: unknown, path = '', paths = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keyPaths(item, `${path}[]`, paths);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      paths.add(`${path}.${key}`);
      keyPaths(child, `${path}.${key}`, paths);
    }
  }
  return paths;
}

function snapshot(store: MapStore): string {
  return JSON.stringify(resources.map((resource) => store.list(resource).map((object) => ({ ...object, metadata: { ...object.metadata, resourceVersion: undefined } }))));
}

const get = (object: KubeObject, path: string): any => path.split('.').reduce<any>((value, key) => value?.[key], object);

describe('node addresses and names', () => {
  it('start at 127.0.1.1 and skip the 0 and 255 octets', () => {
    expect(nodeAddress(0)).toBe('127.0.1.1');
    expect(nodeAddress(253)).toBe('127.0.1.254');
    expect(nodeAddress(254)).toBe('127.0.2.1');
    expect(nodeAddress(254 * 254)).toBe('127.1.1.1');
    const seen = new Set<string>();
    const invalid: string[] = [];
    for (let i = 0; i < 70_000; i++) {
      const address = nodeAddress(i);
      const octets = address.split('.').map(Number);
      if (octets[0] !== 127 || !octets.slice(2).every((octet) => octet >= 1 && octet <= 254)) invalid.push(address);
      seen.add(address);
    }
    expect(invalid).toEqual([]);
    expect(seen.size).toBe(70_000);
    expect(seen.has('127.0.0.1')).toBe(false);
  });

  it('pads node numbers so names sort in order', () => {
    expect(nodeName(7, 20)).toBe('sim-node-0007');
    expect(nodeName(12_345, 20_000)).toBe('sim-node-12345');
  });
});

describe('the simulated cluster objects', () => {
  it('writes every resource kind into the store', () => {
    const { store } = build();
    for (const resource of resources) expect(store.list(resource).length, resource).toBeGreaterThan(0);
    const namespaces = store.list('namespaces').map((ns) => ns.metadata.name);
    expect(namespaces).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
    expect(namespaces.length).toBeGreaterThanOrEqual(7);
  });

  it('gives every node its loopback InternalIP, Hostname, Ready condition, resources and kubelet port', () => {
    const { store, cluster } = build();
    const nodes = store.list('nodes');
    expect(nodes).toHaveLength(12);
    nodes.forEach((node, i) => {
      expect(node.metadata.name).toBe(cluster.nodes[i]!.name);
      expect(get(node, 'status.addresses')).toEqual([
        { address: nodeAddress(i), type: 'InternalIP' },
        { address: node.metadata.name, type: 'Hostname' },
      ]);
      const ready = get(node, 'status.conditions').find((c: { type: string }) => c.type === 'Ready');
      expect(ready.status).toBe('True');
      for (const field of ['capacity', 'allocatable']) {
        expect(Object.keys(get(node, `status.${field}`))).toEqual(expect.arrayContaining(['cpu', 'memory', 'ephemeral-storage', 'pods']));
      }
      expect(get(node, 'status.daemonEndpoints.kubeletEndpoint.Port')).toBe(10255);
    });
  });

  it('shapes nodes like the v1.26 capture', () => {
    const [fixture] = readFixtureJson('kube-api/nodelist-k8s1.26-minikube-nri.json').items;
    const { store } = build();
    const actual = keyPaths(store.list('nodes')[0]);
    // Labels, annotations and arm64 huge page sizes are minikube's own.
    const expected = [...keyPaths(fixture)].filter((path) => !/^\.metadata\.(labels|annotations)\.|hugepages-(32Mi|64Ki)/.test(path));
    expect(expected.filter((path) => !actual.has(path))).toEqual([]);
  });

  it('shapes pods like the running pods of the v1.26 capture where the brief names fields', () => {
    const fixture = readFixtureJson('kube-api/podlist-k8s1.26-minikube-nri.json').items.filter((pod: any) => pod.status.phase === 'Running');
    const expected = new Set<string>();
    for (const pod of fixture) keyPaths(pod, '', expected);
    const { store } = build();
    const actual = new Set<string>();
    for (const pod of store.list('pods')) keyPaths(pod, '', actual);
    const wanted = /^\.(metadata\.(name|namespace|uid|labels|ownerReferences|creationTimestamp|generateName)|spec\.(containers\[\]\.(name|image|resources|ports|volumeMounts)|nodeName|tolerations|restartPolicy|serviceAccountName)|status\.(containerStatuses|startTime|podIP|podIPs|hostIP|qosClass|phase|conditions\[\]\.(type|status|lastTransitionTime)))/;
    const required = [...expected].filter((path) => wanted.test(path) && !path.includes('.state.terminated') && !/\.labels\.(?!pod-template-hash|controller-revision-hash|statefulset)/.test(path));
    expect(required.length).toBeGreaterThan(40);
    expect(required.filter((path) => !actual.has(path))).toEqual([]);
  });

  it('puts exactly podsPerNode pods on every node, DaemonSet pods included', () => {
    const { store, cluster } = build();
    const perNode = new Map<string, number>();
    for (const pod of store.list('pods')) perNode.set(get(pod, 'spec.nodeName'), (perNode.get(get(pod, 'spec.nodeName')) ?? 0) + 1);
    expect([...perNode.values()]).toEqual(cluster.nodes.map(() => 30));
    expect(cluster.podCount).toBe(12 * 30);
  });

  it('links Deployments, ReplicaSets and pods by name, pod-template-hash and owner uid', () => {
    const { store } = build();
    const replicaSets = store.list('replicasets');
    for (const rs of replicaSets) {
      const [owner] = rs.metadata.ownerReferences!;
      const deployment = store.get('deployments', rs.metadata.namespace, owner!.name)!;
      expect(owner!.kind).toBe('Deployment');
      expect(owner!.uid).toBe(deployment.metadata.uid);
      const hash = rs.metadata.labels!['pod-template-hash']!;
      expect(rs.metadata.name).toBe(`${deployment.metadata.name}-${hash}`);
      expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    }
    const owned = store.list('pods').filter((pod) => pod.metadata.ownerReferences![0]!.kind === 'ReplicaSet');
    expect(owned.length).toBeGreaterThan(100);
    for (const pod of owned) {
      const reference = pod.metadata.ownerReferences![0]!;
      const rs = store.get('replicasets', pod.metadata.namespace, reference.name)!;
      expect(reference.uid).toBe(rs.metadata.uid);
      expect(pod.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels!['pod-template-hash']).toBe(rs.metadata.labels!['pod-template-hash']);
      for (const [key, value] of Object.entries(get(rs, 'spec.selector.matchLabels'))) expect(pod.metadata.labels![key]).toBe(value);
      expect(get(pod, 'spec.containers').map((c: { image: string }) => c.image)).toEqual(get(rs, 'spec.template.spec.containers').map((c: { image: string }) => c.image));
    }
  });

  it('names StatefulSet pods by ordinal and runs each DaemonSet once per node', () => {
    const { store, cluster } = build();
    for (const sts of store.list('statefulsets')) {
      const pods = store.list('pods', sts.metadata.namespace).filter((pod) => pod.metadata.ownerReferences![0]!.uid === sts.metadata.uid);
      expect(pods.map((pod) => pod.metadata.name).sort()).toEqual(Array.from({ length: get(sts, 'spec.replicas') }, (_, i) => `${sts.metadata.name}-${i}`).sort());
    }
    const kubeProxy = store.get('daemonsets', 'kube-system', 'kube-proxy')!;
    const proxies = store.list('pods', 'kube-system').filter((pod) => pod.metadata.ownerReferences![0]!.uid === kubeProxy.metadata.uid);
    expect(proxies.map((pod) => get(pod, 'spec.nodeName')).sort()).toEqual(cluster.nodes.map((node) => node.name));
  });

  it('has Jobs owning pods and a CronJob owning Jobs', () => {
    const { store } = build(11, 40, 30);
    const cronJobs = store.list('cronjobs');
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const cronJob of cronJobs) {
      const jobs = store.list('jobs', cronJob.metadata.namespace).filter((job) => job.metadata.ownerReferences?.[0]?.uid === cronJob.metadata.uid);
      expect(jobs.map((job) => job.metadata.name).sort()).toEqual(get(cronJob, 'status.active').map((a: { name: string }) => a.name).sort());
      for (const job of jobs) expect(job.metadata.name).toMatch(new RegExp(`^${cronJob.metadata.name}-\\d+$`));
    }
    for (const job of store.list('jobs')) {
      const pods = store.list('pods', job.metadata.namespace).filter((pod) => pod.metadata.ownerReferences![0]!.uid === job.metadata.uid);
      expect(pods.length).toBe(get(job, 'status.active'));
      for (const pod of pods) expect(pod.metadata.labels!['job-name']).toBe(job.metadata.name);
    }
  });

  it('mixes pods with and without requests and limits, single and multi-container', () => {
    const { store } = build();
    const pods = store.list('pods');
    const qos = new Set(pods.map((pod) => get(pod, 'status.qosClass')));
    expect(qos).toEqual(new Set(['BestEffort', 'Burstable', 'Guaranteed']));
    expect(pods.some((pod) => get(pod, 'spec.containers').length > 1)).toBe(true);
    expect(pods.some((pod) => Object.keys(get(pod, 'spec.containers')[0].resources).length === 0)).toBe(true);
    for (const pod of pods) {
      expect(get(pod, 'status.containerStatuses').map((s: { name: string }) => s.name)).toEqual(get(pod, 'spec.containers').map((c: { name: string }) => c.name));
      const node = store.get('nodes', undefined, get(pod, 'spec.nodeName'))!;
      expect(get(pod, 'status.hostIP')).toBe(get(node, 'status.addresses')[0].address);
      expect(get(pod, 'status.podIP').startsWith(get(node, 'spec.podCIDR').replace('0/24', ''))).toBe(true);
    }
  });

  it('builds the same objects and values from the same seed and clock', () => {
    const first = build(21);
    const second = build(21);
    expect(snapshot(second.store)).toBe(snapshot(first.store));
    for (let i = 0; i < first.cluster.nodes.length; i++) {
      expect(renderSummary(second.cluster.sample(second.cluster.nodes[i]!))).toBe(renderSummary(first.cluster.sample(first.cluster.nodes[i]!)));
    }
  });

  it('builds a different cluster from another seed', () => {
    expect(snapshot(build(22).store)).not.toBe(snapshot(build(21).store));
  });

  it.each([
    [{ nodes: 0 }, 'nodes'],
    [{ nodes: 2.5 }, 'nodes'],
    [{ podsPerNode: -1 }, 'podsPerNode'],
    [{ podsPerNode: 251 }, 'podsPerNode'],
    [{ nodes: 65_537 }, 'nodes'],
    [{ seed: 'x' }, 'seed'],
    [{ kubeletPort: 70_000 }, 'kubeletPort'],
    [{ churn: { podsPerMinute: -2 } }, 'churn.podsPerMinute'],
    [{ churn: { restartsPerMinute: Number.NaN } }, 'churn.restartsPerMinute'],
  ])('refuses %j naming %s', (override, option) => {
    const options = { nodes: 2, podsPerNode: 3, store: createMapStore(), ...override } as never;
    expect(() => createSimCluster(options)).toThrow(SimError);
    try {
      createSimCluster(options);
    } catch (error) {
      expect((error as SimError).code).toBe('invalid_option');
      expect((error as SimError).context.option).toBe(option);
      expect((error as SimError).message).toContain(option);
    }
  });

  it('supports nodes with no pods at all', () => {
    const { store, cluster } = build(1, 3, 0);
    expect(store.list('pods')).toEqual([]);
    expect(JSON.parse(renderSummary(cluster.sample(cluster.nodes[0]!))).pods).toEqual([]);
  });
});
