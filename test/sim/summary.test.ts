import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import { renderSummary, summaryDocument } from '../../src/sim/kubelet/summary.js';
import { readFixtureJson } from '../helpers/fixtures.js';
import { createMapStore } from './map-store.js';

const capture = readFixtureJson('kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json');
const startMs = Date.UTC(2024, 2, 1, 12, 0, 0);

/** Every key path, leaves included (array items as `[]`). */
function keyPaths(value: unknown, path = '', paths = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, `${path}[]`, paths);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      paths.add(`${path}.${key}`);
      keyPaths(child, `${path}.${key}`, paths);
    }
  }
  return paths;
}

/** Every object's path with the key sequences seen there. */
function keyLayout(value: unknown, path = '', layout = new Map<string, Set<string>>()): Map<string, Set<string>> {
  if (Array.isArray(value)) {
    for (const item of value) keyLayout(item, `${path}[]`, layout);
  } else if (value !== null && typeof value === 'object') {
    const sequences = layout.get(path) ?? new Set<string>();
    sequences.add(Object.keys(value).join(','));
    layout.set(path, sequences);
    for (const [key, child] of Object.entries(value)) keyLayout(child, `${path}.${key}`, layout);
  }
  return layout;
}

function simSummary(seed = 7, podsPerNode = 30) {
  const cluster = createSimCluster({ nodes: 3, podsPerNode, seed, clock: () => startMs, store: createMapStore() });
  const node = cluster.nodes[1]!;
  const text = renderSummary(cluster.sample(node));
  return { cluster, node, text, summary: JSON.parse(text) };
}

describe('the simulated /stats/summary', () => {
  it('has every key path of the v1.26 capture, node, pods, containers and volumes alike', () => {
    const expected = keyPaths(capture);
    const actual = keyPaths(simSummary().summary);
    const missing = [...expected].filter((path) => !actual.has(path));
    expect(missing).toEqual([]);
    expect(expected).toContain('.pods[].volume[].inodesUsed');
    expect(expected).toContain('.pods[].containers[].memory.availableBytes');
    expect(expected).toContain('.node.systemContainers[].memory.availableBytes');
  });

  it('has no key path the capture lacks', () => {
    const expected = keyPaths(capture);
    const extra = [...keyPaths(simSummary().summary)].filter((path) => !expected.has(path));
    expect(extra).toEqual([]);
  });

  it('orders the keys of every object as some object at the same path of the capture does', () => {
    const expected = keyLayout(capture);
    for (const [path, sequences] of keyLayout(simSummary().summary)) {
      for (const sequence of sequences) expect([...(expected.get(path) ?? [])], path).toContain(sequence);
    }
  });

  it('reports system containers kubelet and pods and the capture\'s network interfaces', () => {
    const { summary } = simSummary();
    expect(summary.node.systemContainers.map((c: { name: string }) => c.name)).toEqual(
      capture.node.systemContainers.map((c: { name: string }) => c.name),
    );
    expect(summary.node.network.interfaces.map((i: { name: string }) => i.name)).toEqual(
      capture.node.network.interfaces.map((i: { name: string }) => i.name),
    );
    for (const pod of summary.pods) {
      expect(pod.network.interfaces.map((i: { name: string }) => i.name)).toEqual(['tunl0', 'ip6tnl0', 'eth0']);
    }
  });

  it('is go-restful\'s one-space pretty print of the document', () => {
    const { text, summary } = simSummary();
    expect(text).toBe(JSON.stringify(summary, null, 1));
    expect(text.split('\n')[1]).toBe(' "node": {');
  });

  it('reports one pod per running pod of the node, named as in the store', () => {
    const { cluster, node, summary } = simSummary();
    const names = summary.pods.map((pod: { podRef: { namespace: string; name: string } }) => `${pod.podRef.namespace}/${pod.podRef.name}`);
    expect(names).toHaveLength(cluster.podsPerNode);
    expect(new Set(names).size).toBe(names.length);
    expect(summary.node.nodeName).toBe(node.name);
    for (const pod of summary.pods) expect(pod.podRef.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps node figures at or above the sum of its pods, and pods at or above their containers', () => {
    const { summary } = simSummary();
    const sum = (items: Array<Record<string, any>>, pick: (item: Record<string, any>) => number) =>
      items.reduce((total, item) => total + pick(item), 0);
    const pods = summary.pods as Array<Record<string, any>>;
    const node = summary.node;
    const podsContainer = node.systemContainers.find((c: { name: string }) => c.name === 'pods');
    expect(podsContainer.cpu.usageCoreNanoSeconds).toBeGreaterThanOrEqual(sum(pods, (p) => p.cpu.usageCoreNanoSeconds));
    expect(node.cpu.usageCoreNanoSeconds).toBeGreaterThanOrEqual(podsContainer.cpu.usageCoreNanoSeconds);
    expect(node.memory.workingSetBytes).toBeGreaterThanOrEqual(sum(pods, (p) => p.memory.workingSetBytes));
    expect(node.network.rxBytes).toBeGreaterThanOrEqual(sum(pods, (p) => p.network.rxBytes));
    expect(node.fs.usedBytes).toBeGreaterThanOrEqual(sum(pods, (p) => p['ephemeral-storage'].usedBytes));
    for (const pod of pods) {
      const containers = pod.containers as Array<Record<string, any>>;
      expect(pod.cpu.usageCoreNanoSeconds).toBeGreaterThanOrEqual(sum(containers, (c) => c.cpu.usageCoreNanoSeconds));
      expect(pod.memory.workingSetBytes).toBeGreaterThanOrEqual(sum(containers, (c) => c.memory.workingSetBytes));
      expect(pod['ephemeral-storage'].usedBytes).toBeGreaterThanOrEqual(sum(containers, (c) => c.rootfs.usedBytes + c.logs.usedBytes));
    }
  });

  it('decodes to sensible values: whole numbers, memory within limits, times from the clock', () => {
    const { summary } = simSummary();
    const now = new Date(startMs).toISOString().replace('.000Z', 'Z');
    const numbers: number[] = [];
    JSON.stringify(summary, (_key, value) => {
      if (typeof value === 'number') numbers.push(value);
      return value;
    });
    expect(numbers.every((value) => Number.isSafeInteger(value) && value >= 0)).toBe(true);
    const { node } = summary;
    expect(node.cpu.time).toBe(now);
    expect(Date.parse(node.startTime)).toBeLessThan(startMs);
    expect(node.memory.availableBytes + node.memory.workingSetBytes).toBeGreaterThan(2 ** 30);
    expect(node.memory.usageBytes).toBeGreaterThanOrEqual(node.memory.workingSetBytes);
    expect(node.fs.availableBytes + node.fs.usedBytes).toBeLessThanOrEqual(node.fs.capacityBytes);
    expect(node.fs.inodesFree + node.fs.inodesUsed).toBeLessThanOrEqual(node.fs.inodes);
    for (const pod of summary.pods) {
      expect(Date.parse(pod.startTime)).toBeLessThan(startMs);
      for (const container of pod.containers) {
        expect(Date.parse(container.startTime)).toBeGreaterThanOrEqual(Date.parse(pod.startTime));
        expect(container.cpu.time).toBe(now);
        expect(container.memory.rssBytes).toBeLessThanOrEqual(container.memory.workingSetBytes);
        expect(container.memory.usageBytes).toBeGreaterThanOrEqual(container.memory.workingSetBytes);
        if ('availableBytes' in container.memory) expect(container.memory.availableBytes).toBeGreaterThan(0);
        expect(container.cpu.usageNanoCores).toBeGreaterThan(0);
      }
    }
  });

  it('reports availableBytes exactly for containers with a memory limit, as the kubelet does', () => {
    const { cluster, node } = simSummary();
    const document = summaryDocument(cluster.sample(node));
    const limited = node.pods.flatMap((pod) => pod.containers.filter((c) => c.template.memoryLimitBytes !== undefined).map((c) => `${pod.name}/${c.template.name}`));
    const withAvailable = document.pods.flatMap((pod) =>
      pod.containers.filter((c) => 'availableBytes' in c.memory).map((c) => `${pod.podRef.name}/${c.name}`),
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(withAvailable).toEqual(limited);
  });

  it('names the token volume after the pod spec\'s kube-api-access volume', () => {
    const { cluster, node, summary } = simSummary();
    const objects = cluster.podObjects(node);
    for (const pod of summary.pods) {
      const object = objects.find((o) => o.metadata.name === pod.podRef.name)!;
      const specVolumes = (object.spec as { volumes: Array<{ name: string }> }).volumes.map((v) => v.name);
      expect(pod.volume.map((v: { name: string }) => v.name)).toEqual(specVolumes);
    }
  });
});
