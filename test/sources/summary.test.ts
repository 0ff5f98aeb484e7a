import { describe, expect, it } from 'vitest';
import { describeMetric, metricTypesOf } from '../../src/core/metrics.js';
import type { MetricSet } from '../../src/core/types.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import type { NodeInfo } from '../../src/sources/types.js';
import { readFixture, readFixtureJson, summaryFixtures } from '../helpers/fixtures.js';

// Field → metric tables of heapster-reference §3.4; expectations below are computed from the
// fixture JSON through them, independently of the decoder's code.
const cpuFields = { usageCoreNanoSeconds: 'cpu/usage' };
const memoryFields = {
  usageBytes: 'memory/usage',
  workingSetBytes: 'memory/working_set',
  rssBytes: 'memory/rss',
  pageFaults: 'memory/page_faults',
  majorPageFaults: 'memory/major_page_faults',
};
const networkFields = { rxBytes: 'network/rx', rxErrors: 'network/rx_errors', txBytes: 'network/tx', txErrors: 'network/tx_errors' };
const fsFields = {
  usedBytes: 'filesystem/usage',
  capacityBytes: 'filesystem/limit',
  availableBytes: 'filesystem/available',
  inodes: 'filesystem/inodes',
  inodesFree: 'filesystem/inodes_free',
};
const legacyNames: Record<string, string> = { runtime: 'docker-daemon', misc: 'system' };

// Deliberately not the summary's node name: keys must use the summary's, labels this one.
const info: NodeInfo = { nodeName: 'api-node-name', hostname: 'api-hostname', hostId: 'host-id-1' };
const nodeLabels = { nodename: info.nodeName, hostname: info.hostname, host_id: info.hostId };

type Json = any;
type Expected = { values: Record<string, number>; labeled: string[]; collectionStartTime: number; scrapeTime: number };

const time = (value: string | undefined): number => (value ? Date.parse(value) : 0);

function copyFields(target: Record<string, number>, block: Json, fields: Record<string, string>): void {
  if (!block) return;
  for (const [field, metric] of Object.entries(fields)) {
    if (block[field] !== undefined && block[field] !== null) target[metric] = block[field];
  }
}

function filesystem(fs: Json, resourceId: string): string[] {
  if (!fs) return [];
  return Object.entries(fsFields)
    .filter(([field]) => fs[field] !== undefined)
    .map(([field, metric]) => `${metric}{resource_id=${resourceId}}=${fs[field]}`);
}

function labeledOf(set: MetricSet): string[] {
  return set.labeledMetrics.toArray().map((m) => {
    const labels = Object.entries(m.labels).map(([k, v]) => `${k}=${v}`).join(',');
    return `${m.name}{${labels}}=${m.value}`;
  });
}

function valuesOf(set: MetricSet): Record<string, number> {
  return Object.fromEntries(set.metricValues);
}

function uptime(values: Record<string, number>, startTime: string | undefined, nowMs: number): void {
  if (startTime) values['uptime'] = nowMs - Date.parse(startTime);
}

function expectedContainer(c: Json, nowMs: number): Expected {
  const values: Record<string, number> = {};
  uptime(values, c.startTime, nowMs);
  copyFields(values, c.cpu, cpuFields);
  copyFields(values, c.memory, memoryFields);
  if (c.rootfs?.usedBytes !== undefined && c.logs?.usedBytes !== undefined) {
    values['ephemeral_storage/usage'] = c.rootfs.usedBytes + c.logs.usedBytes;
  }
  return {
    values,
    labeled: [...filesystem(c.rootfs, '/'), ...filesystem(c.logs, 'logs')],
    collectionStartTime: time(c.startTime),
    scrapeTime: time(c.cpu?.time) || time(c.memory?.time),
  };
}

function expectedNode(n: Json, nowMs: number): Expected {
  const values: Record<string, number> = {};
  uptime(values, n.startTime, nowMs);
  copyFields(values, n.cpu, cpuFields);
  copyFields(values, n.memory, memoryFields);
  copyFields(values, n.network, networkFields);
  if (n.fs?.usedBytes !== undefined) values['ephemeral_storage/usage'] = n.fs.usedBytes;
  return {
    values,
    labeled: filesystem(n.fs, '/'),
    collectionStartTime: time(n.startTime),
    scrapeTime: time(n.cpu?.time) || time(n.memory?.time) || time(n.network?.time),
  };
}

function expectedPod(p: Json, nowMs: number): Expected {
  const values: Record<string, number> = {};
  uptime(values, p.startTime, nowMs);
  copyFields(values, p.network, networkFields);
  copyFields(values, p.cpu, cpuFields);
  copyFields(values, p.memory, memoryFields);
  const ephemeral = p['ephemeral-storage'];
  if (ephemeral?.usedBytes !== undefined) values['ephemeral_storage/usage'] = ephemeral.usedBytes;
  return {
    values,
    labeled: (p.volume ?? []).flatMap((v: Json) => filesystem(v, `Volume:${v.name}`)),
    collectionStartTime: time(p.startTime),
    // Heapster reads only network.time for pods, even when pod cpu/memory carry a time.
    scrapeTime: time(p.network?.time),
  };
}

function expectSet(set: MetricSet | undefined, labels: Record<string, string>, expected: Expected): void {
  expect(set).toBeDefined();
  expect(set!.labels).toEqual(labels);
  expect(valuesOf(set!)).toEqual(expected.values);
  expect(labeledOf(set!).sort()).toEqual([...expected.labeled].sort());
  expect(set!.collectionStartTime).toBe(expected.collectionStartTime);
  expect(set!.scrapeTime).toBe(expected.scrapeTime);
  expect(set!.entityCreateTime).toBe(0);
}

function decodeFixture(fixture: string, nowMs: number) {
  const dropped: string[] = [];
  const decoded = decodeSummary(readFixture(fixture), info, {
    nowMs,
    onDroppedEntity: (path, reason) => dropped.push(`${path}: ${reason}`),
  });
  return { decoded, dropped };
}

describe('decodeSummary on the real captures', () => {
  it.each(summaryFixtures)('decodes %s without dropping anything', (fixture) => {
    const { decoded, dropped } = decodeFixture(fixture, Date.parse('2030-01-01T00:00:00Z'));
    expect(dropped).toEqual([]);
    expect(decoded.droppedEntities).toBe(0);
    expect(decoded.metricSets.size).toBeGreaterThan(1);
  });

  it.each(summaryFixtures)('types every metric of %s as the catalogue declares it', (fixture) => {
    const { decoded } = decodeFixture(fixture, Date.parse('2030-01-01T00:00:00Z'));
    for (const set of decoded.metricSets.values()) {
      const all = [...[...set.metricValues].map(([name, value]) => ({ name, value })), ...set.labeledMetrics];
      for (const metric of all) {
        const descriptor = describeMetric(metric.name);
        expect(descriptor, metric.name).toBeDefined();
        // Values carry no types: a decoded name must be one whose catalogue types are the summary's.
        expect({ name: metric.name, ...metricTypesOf(metric.name) }).toEqual({
          name: metric.name,
          metricType: descriptor!.type,
          valueType: descriptor!.valueType,
        });
        expect(Number.isInteger(metric.value)).toBe(true);
      }
    }
  });

  const fieldByField = [
    'kubelet-summary/summary-2017-gke-docker-beats.json',
    'kubelet-summary/summary-2019-gke-docker-datadog.json',
    'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json',
    'kubelet-summary/summary-k8s1.35-minikube-containerd2-nri.json',
  ] as const;

  describe.each(fieldByField)('%s, field by field', (fixture) => {
    const json: Json = readFixtureJson(fixture);
    const summaryNode: string = json.node.nodeName;
    const nowMs = time(json.node.cpu.time) + 90_000;
    const { decoded } = decodeFixture(fixture, nowMs);
    const sets = decoded.metricSets;

    it('produces exactly the node, system container, pod and container keys of the document', () => {
      const keys = [
        `node:${summaryNode}`,
        ...json.node.systemContainers.map((c: Json) => `node:${summaryNode}/container:${legacyNames[c.name] ?? c.name}`),
        ...json.pods.flatMap((p: Json) => [
          `namespace:${p.podRef.namespace}/pod:${p.podRef.name}`,
          ...p.containers.map((c: Json) => `namespace:${p.podRef.namespace}/pod:${p.podRef.name}/container:${c.name}`),
        ]),
      ];
      expect([...sets.keys()].sort()).toEqual([...new Set(keys)].sort());
    });

    it('decodes the node: uptime, cpu, memory, network, root filesystem and ephemeral storage', () => {
      expectSet(sets.get(`node:${summaryNode}`), { ...nodeLabels, type: 'node' }, expectedNode(json.node, nowMs));
    });

    it('decodes every system container under its legacy name', () => {
      for (const c of json.node.systemContainers) {
        const name = legacyNames[c.name] ?? c.name;
        expectSet(
          sets.get(`node:${summaryNode}/container:${name}`),
          { ...nodeLabels, type: 'sys_container', container_name: name },
          expectedContainer(c, nowMs),
        );
      }
    });

    it('decodes every pod: labels, uptime, network, pod cpu/memory, ephemeral storage and volumes', () => {
      for (const p of json.pods) {
        const { uid, name, namespace } = p.podRef;
        expectSet(
          sets.get(`namespace:${namespace}/pod:${name}`),
          { ...nodeLabels, type: 'pod', pod_id: uid, pod_name: name, namespace_name: namespace },
          expectedPod(p, nowMs),
        );
      }
    });

    it('decodes every container: labels, cpu, memory, rootfs, logs and ephemeral storage', () => {
      for (const p of json.pods) {
        const { uid, name, namespace } = p.podRef;
        for (const c of p.containers) {
          expectSet(
            sets.get(`namespace:${namespace}/pod:${name}/container:${c.name}`),
            {
              ...nodeLabels,
              type: 'pod_container',
              pod_id: uid,
              pod_name: name,
              namespace_name: namespace,
              container_name: c.name,
            },
            expectedContainer(c, nowMs),
          );
        }
      }
    });
  });

  it('gives the same result for a byte body as for a string body', () => {
    const fixture = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
    const text = readFixture(fixture);
    const fromText = decodeSummary(text, info, { nowMs: 1_700_000_000_000 });
    const fromBytes = decodeSummary(new TextEncoder().encode(text), info, { nowMs: 1_700_000_000_000 });
    expect(fromBytes).toEqual(fromText);
  });
});
