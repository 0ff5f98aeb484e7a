/**
 * The whole core pipeline on the real v1.26 capture: two successive summaries (the second with
 * every counter advanced) through the summary decoder, all processors and the model store,
 * checked against values computed here from the fixture files.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseIntQuantity, parseMilliQuantity } from '../src/core/quantity.js';
import type { DataBatch } from '../src/core/types.js';
import { createProcessors, runProcessors } from '../src/processors/pipeline.js';
import { decodeSummary } from '../src/sources/summary/decode.js';
import { createModelStore } from '../src/store/modelStore.js';
import { readFixtureJson } from './helpers/fixtures.js';
import { fixtureListers, fixtureNodes, fixturePods } from './helpers/listers.js';

const summaryFile = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
const node = { nodeName: 'minikube', hostname: 'minikube', hostId: '' };
const stepMs = 60_000;

type Stats = { time?: string; [k: string]: unknown };
type SummaryPod = { podRef: { name: string; namespace: string }; cpu?: Stats; memory?: Stats; network?: Stats; containers: Array<{ name: string; cpu?: Stats; memory?: Stats }> };
type Summary = { node: { cpu: Stats; memory: Stats; network: Stats }; pods: SummaryPod[] };

/** A copy of `summary` `stepMs` later: every stats time moved on, every counter advanced by a distinct amount. */
function advance(summary: Summary): Summary {
  const next = structuredClone(summary) as Summary;
  let k = 0;
  const bump = (stats: Stats | undefined, field: string, perSecond: number) => {
    if (!stats || typeof stats[field] !== 'number') return;
    stats[field] = (stats[field] as number) + Math.round((perSecond * stepMs) / 1000);
  };
  const move = (stats: Stats | undefined) => {
    if (stats?.time) stats.time = new Date(Date.parse(stats.time) + stepMs).toISOString();
  };
  const each = (cpu: Stats | undefined, memory: Stats | undefined, network: Stats | undefined) => {
    k++;
    bump(cpu, 'usageCoreNanoSeconds', 3_000_000 * k); // 3k millicores
    bump(memory, 'pageFaults', 11 * k);
    bump(network, 'rxBytes', 1_000 * k);
    for (const s of [cpu, memory, network]) move(s);
  };
  each(next.node.cpu, next.node.memory, next.node.network);
  for (const pod of next.pods) {
    each(pod.cpu, pod.memory, pod.network);
    for (const c of pod.containers) each(c.cpu, c.memory, undefined);
  }
  return next;
}

/** Heapster's rates, from two stats blocks and the scrape times the decoder uses. */
function cpuRate(before: Stats | undefined, after: Stats | undefined, t0: number, t1: number): number | undefined {
  if (!before || !after || t1 <= t0) return undefined;
  return Math.trunc((1000 * ((after.usageCoreNanoSeconds as number) - (before.usageCoreNanoSeconds as number))) / ((t1 - t0) * 1e6));
}
const scrapeTimeOf = (...blocks: Array<Stats | undefined>) => {
  for (const b of blocks) if (b?.time) return Date.parse(b.time);
  return 0;
};

function pipeline() {
  const first = readFixtureJson<Summary>(summaryFile);
  const second = advance(first);
  const t1 = Date.parse('2022-12-27T23:33:00Z');
  const t2 = t1 + stepMs;
  const processors = createProcessors({ listers: fixtureListers() });
  const store = createModelStore();
  const decode = (s: Summary, t: number): DataBatch => ({ timestamp: t, metricSets: decodeSummary(JSON.stringify(s), node, { nowMs: t }).metricSets });
  store.write(runProcessors(processors, decode(first, t1)));
  store.write(runProcessors(processors, decode(second, t2)));
  return { first, second, store, t2 };
}

const pods = fixturePods();
const podSpec = (ns: string, name: string): V1Pod => pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name === name)!;
const containerSum = (pod: V1Pod, kind: 'requests' | 'limits', resource: 'cpu' | 'memory') =>
  pod.spec!.containers.reduce((total, c) => {
    const q = (c.resources?.[kind] as Record<string, string> | undefined)?.[resource];
    return total + (q === undefined ? 0 : resource === 'cpu' ? parseMilliQuantity(q)! : parseIntQuantity(q)!);
  }, 0);

describe('the core pipeline on the v1.26 capture', () => {
  const { first, second, store, t2 } = pipeline();
  const podKeyOf = (p: SummaryPod) => `namespace:${p.podRef.namespace}/pod:${p.podRef.name}`;
  const podRates = new Map(
    first.pods.map((p, i) => {
      const q = second.pods[i]!;
      // Pod sets take their scrape time from network.time only (Heapster master).
      return [podKeyOf(p), cpuRate(p.cpu, q.cpu, scrapeTimeOf(p.network), scrapeTimeOf(q.network))];
    }),
  );

  it('computes the node cpu rate and every container cpu rate from the counters', () => {
    const nodeRate = cpuRate(first.node.cpu, second.node.cpu, scrapeTimeOf(first.node.cpu), scrapeTimeOf(second.node.cpu));
    expect(store.latest('node:minikube', 'cpu/usage_rate')).toEqual({ timestamp: t2, value: nodeRate });
    first.pods.forEach((p, i) => {
      p.containers.forEach((c, j) => {
        const after = second.pods[i]!.containers[j]!;
        const expected = cpuRate(c.cpu, after.cpu, scrapeTimeOf(c.cpu, c.memory), scrapeTimeOf(after.cpu, after.memory));
        expect(store.latest(`${podKeyOf(p)}/container:${c.name}`, 'cpu/usage_rate')?.value).toBe(expected);
      });
    });
  });

  it('keeps pod-level cpu rates (master) and float page-fault rates', () => {
    // Every pod of this capture reports pod-level cpu and network, so every pod has a rate.
    expect([...podRates.values()].every((r) => r !== undefined && r > 0)).toBe(true);
    for (const [key, rate] of podRates) expect(store.latest(key, 'cpu/usage_rate')?.value, key).toBe(rate);
    const p = first.pods[0]!;
    const q = second.pods[0]!;
    const dtSec = (scrapeTimeOf(q.network) - scrapeTimeOf(p.network)) / 1000;
    const expected = ((q.memory!.pageFaults as number) - (p.memory!.pageFaults as number)) / dtSec;
    expect(store.latest(podKeyOf(p), 'memory/page_faults_rate')?.value).toBeCloseTo(expected, 9);
    expect(store.series(podKeyOf(p), 'memory/page_faults_rate').valueType).toBe('float');
  });

  it('takes requests and limits from the pod specs for containers and pods', () => {
    for (const p of first.pods) {
      const spec = podSpec(p.podRef.namespace, p.podRef.name);
      expect(store.latest(podKeyOf(p), 'cpu/request')?.value, podKeyOf(p)).toBe(containerSum(spec, 'requests', 'cpu'));
      expect(store.latest(podKeyOf(p), 'memory/limit')?.value, podKeyOf(p)).toBe(containerSum(spec, 'limits', 'memory'));
      for (const c of spec.spec!.containers) {
        const cpu = (c.resources?.requests as Record<string, string> | undefined)?.cpu;
        expect(store.latest(`${podKeyOf(p)}/container:${c.name}`, 'cpu/request')?.value).toBe(cpu ? parseMilliQuantity(cpu) : 0);
      }
    }
  });

  it('sums pods into namespaces, the node and the cluster', () => {
    const namespaces = [...new Set(first.pods.map((p) => p.podRef.namespace))];
    let clusterRate = 0;
    let clusterRequest = 0;
    for (const ns of namespaces) {
      const inNs = first.pods.filter((p) => p.podRef.namespace === ns);
      const rate = inNs.reduce((t, p) => t + (podRates.get(podKeyOf(p)) ?? 0), 0);
      const request = inNs.reduce((t, p) => t + containerSum(podSpec(ns, p.podRef.name), 'requests', 'cpu'), 0);
      const memory = inNs.reduce((t, p) => t + (p.memory!.usageBytes as number), 0);
      expect(store.latest(`namespace:${ns}`, 'cpu/usage_rate')?.value, ns).toBe(rate);
      expect(store.latest(`namespace:${ns}`, 'cpu/request')?.value, ns).toBe(request);
      expect(store.latest(`namespace:${ns}`, 'memory/usage')?.value, ns).toBe(memory);
      clusterRate += rate;
      clusterRequest += request;
    }
    expect(store.latest('cluster', 'cpu/usage_rate')?.value).toBe(clusterRate);
    expect(store.latest('cluster', 'cpu/request')?.value).toBe(clusterRequest);
    expect(store.latest('node:minikube', 'cpu/request')?.value).toBe(clusterRequest);
  });

  it('sums pods into their workloads, resolving ReplicaSets to Deployments', () => {
    const byWorkload = new Map<string, number>();
    for (const p of first.pods) {
      const spec = podSpec(p.podRef.namespace, p.podRef.name);
      const owner = spec.metadata?.ownerReferences?.find((o) => o.controller);
      if (!owner || !['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(owner.kind)) continue;
      const hash = spec.metadata?.labels?.['pod-template-hash'];
      const [kind, name] = owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`) ? ['deployment', owner.name.slice(0, -hash.length - 1)] : [owner.kind.toLowerCase(), owner.name];
      const key = `namespace:${p.podRef.namespace}/${kind}:${name}`;
      byWorkload.set(key, (byWorkload.get(key) ?? 0) + (podRates.get(podKeyOf(p)) ?? 0));
    }
    expect(byWorkload.size).toBeGreaterThanOrEqual(3);
    expect([...byWorkload.keys()].some((k) => k.includes('/deployment:'))).toBe(true);
    for (const [key, rate] of byWorkload) expect(store.latest(key, 'cpu/usage_rate')?.value, key).toBe(rate);
    expect(store.entities('workload').map((e) => e.key).sort()).toEqual([...byWorkload.keys()].sort());
  });

  it('computes node utilization and reservation from allocatable', () => {
    const allocatable = fixtureNodes()[0]!.status!.allocatable!;
    const cpuAlloc = parseMilliQuantity(allocatable.cpu)!;
    const memAlloc = parseIntQuantity(allocatable.memory)!;
    const rate = store.latest('node:minikube', 'cpu/usage_rate')!.value;
    expect(store.latest('node:minikube', 'cpu/node_allocatable')?.value).toBe(cpuAlloc);
    expect(store.latest('node:minikube', 'cpu/node_utilization')?.value).toBeCloseTo(rate / cpuAlloc, 12);
    expect(store.latest('node:minikube', 'memory/node_utilization')?.value).toBeCloseTo((second.node.memory.usageBytes as number) / memAlloc, 12);
    const request = store.latest('node:minikube', 'cpu/request')!.value;
    expect(store.latest('node:minikube', 'cpu/node_reservation')?.value).toBeCloseTo(request / cpuAlloc, 12);
  });

  it('keeps both batches of every metric, labeled filesystem metrics included', () => {
    expect(store.timestamps()).toHaveLength(2);
    expect(store.series('node:minikube', 'memory/working_set').points.map((p) => p.value)).toEqual([first.node.memory.workingSetBytes, second.node.memory.workingSetBytes]);
    const rootfs = store.labeledSeries('node:minikube', 'filesystem/usage', { resource_id: '/' });
    expect(rootfs).toHaveLength(1);
    expect(rootfs[0]!.points).toHaveLength(2);
  });
});
