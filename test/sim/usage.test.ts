import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import { rateFactor, rateIntegral } from '../../src/sim/cluster/usage.js';
import { renderSummary } from '../../src/sim/kubelet/summary.js';
import { createMapStore } from './map-store.js';

const startMs = Date.UTC(2024, 5, 1, 8, 0, 0);

function manualClock(initialMs = startMs) {
  let nowMs = initialMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

type Counters = Map<string, number>;

/** Every counter of a summary, keyed by entity and field. */
function counters(summary: any): Counters {
  const out: Counters = new Map();
  const node = summary.node;
  out.set('node/cpu', node.cpu.usageCoreNanoSeconds);
  out.set('node/pageFaults', node.memory.pageFaults);
  out.set('node/rx', node.network.rxBytes);
  out.set('node/tx', node.network.txBytes);
  for (const system of node.systemContainers) out.set(`sys/${system.name}/cpu`, system.cpu.usageCoreNanoSeconds);
  for (const pod of summary.pods) {
    const id = pod.podRef.uid;
    out.set(`pod/${id}/cpu`, pod.cpu.usageCoreNanoSeconds);
    out.set(`pod/${id}/pageFaults`, pod.memory.pageFaults);
    out.set(`pod/${id}/rx`, pod.network.rxBytes);
    out.set(`pod/${id}/tx`, pod.network.txBytes);
    for (const container of pod.containers) {
      // A restarted container is a new instance: its counters start again.
      const instance = `container/${id}/${container.name}/${container.startTime}`;
      out.set(`${instance}/cpu`, container.cpu.usageCoreNanoSeconds);
      out.set(`${instance}/pageFaults`, container.memory.pageFaults);
    }
  }
  return out;
}

describe('the usage model', () => {
  it('integrates a rate that stays between half and one and a half times the mean', () => {
    for (const phase of [0, 0.13, 0.5, 0.99]) {
      for (let atS = 1.7e9; atS < 1.7e9 + 3600; atS += 37) {
        const factor = rateFactor(phase, atS);
        expect(factor).toBeGreaterThanOrEqual(0.5);
        expect(factor).toBeLessThanOrEqual(1.5);
        const slope = rateIntegral(phase, atS, atS + 0.01) / 0.01;
        expect(slope).toBeCloseTo(factor, 3);
      }
    }
  });

  it('adds up integrals over consecutive intervals and never integrates backwards', () => {
    const a = 1.7e9;
    expect(rateIntegral(0.3, a, a + 100) + rateIntegral(0.3, a + 100, a + 250)).toBeCloseTo(rateIntegral(0.3, a, a + 250), 6);
    expect(rateIntegral(0.3, a + 10, a)).toBe(0);
  });

  it('advances every counter with the injected clock and never lowers one, through churn', () => {
    const clock = manualClock();
    const churn = { podsPerMinute: 6, restartsPerMinute: 6 };
    const cluster = createSimCluster({ nodes: 2, podsPerNode: 20, seed: 5, clock: clock.now, store: createMapStore(), churn });
    const node = cluster.nodes[0]!;
    let previous = counters(JSON.parse(renderSummary(cluster.sample(node))));
    const firstPods = new Set(node.pods.map((pod) => pod.uid));
    const firstStarts = node.pods.flatMap((pod) => pod.containers.map((c) => c.startMs));
    for (let step = 0; step < 40; step++) {
      clock.advance(15_000);
      const summary = JSON.parse(renderSummary(cluster.sample(node)));
      expect(Date.parse(summary.node.cpu.time)).toBe(clock.now());
      const current = counters(summary);
      for (const [key, value] of current) {
        const before = previous.get(key);
        if (before === undefined) continue;
        expect(value, key).toBeGreaterThanOrEqual(before);
        if (key.endsWith('/cpu') || key === 'node/rx') expect(value, key).toBeGreaterThan(before);
      }
      previous = current;
    }
    // Ten minutes of churn at 6/min on two nodes touched this node both ways.
    expect(node.pods.some((pod) => !firstPods.has(pod.uid))).toBe(true);
    expect(node.pods.flatMap((pod) => pod.containers.map((c) => c.startMs)).some((ms, i) => ms !== firstStarts[i])).toBe(true);
  });

  it('does not change a single value while the clock stands still', () => {
    const clock = manualClock();
    const cluster = createSimCluster({ nodes: 1, podsPerNode: 12, seed: 5, clock: clock.now, store: createMapStore() });
    const node = cluster.nodes[0]!;
    expect(renderSummary(cluster.sample(node))).toBe(renderSummary(cluster.sample(node)));
  });

  it('runs each container near its mean CPU rate', () => {
    const clock = manualClock();
    const cluster = createSimCluster({ nodes: 1, podsPerNode: 15, seed: 9, clock: clock.now, store: createMapStore() });
    const node = cluster.nodes[0]!;
    const before = cluster.sample(node);
    clock.advance(600_000);
    const after = cluster.sample(node);
    after.pods.forEach((pod, p) => {
      pod.containers.forEach((container, c) => {
        const previous = before.pods[p]!.containers[c]!;
        const cores = (container.cpuCoreSeconds - previous.cpuCoreSeconds) / 600;
        expect(cores).toBeGreaterThanOrEqual(container.container.cpuCores * 0.5);
        expect(cores).toBeLessThanOrEqual(container.container.cpuCores * 1.5);
      });
    });
  });

  it('restarts a container\'s counters from zero while pod and node counters keep growing', () => {
    const clock = manualClock();
    const store = createMapStore();
    const cluster = createSimCluster({ nodes: 1, podsPerNode: 10, seed: 3, clock: clock.now, store, churn: { restartsPerMinute: 6 } });
    const node = cluster.nodes[0]!;
    const podBefore = new Map(cluster.sample(node).pods.map((pod) => [pod.pod.uid, pod]));
    const nodeBefore = cluster.sample(node).cpuCoreSeconds;
    clock.advance(10_000);
    const after = cluster.sample(node);
    const restarted = after.pods.flatMap((pod) => pod.containers.filter((c) => c.container.startMs > startMs).map((c) => ({ pod, c })));
    expect(restarted).toHaveLength(1);
    const [{ pod, c }] = restarted as [(typeof restarted)[number]];
    const previous = podBefore.get(pod.pod.uid)!;
    expect(c.cpuCoreSeconds).toBeLessThan(previous.containers.find((x) => x.container === c.container)!.cpuCoreSeconds);
    expect(c.cpuCoreSeconds).toBeLessThanOrEqual(c.container.cpuCores * 1.5 * ((clock.now() - c.container.startMs) / 1000));
    expect(pod.cpuCoreSeconds).toBeGreaterThan(previous.cpuCoreSeconds);
    expect(after.cpuCoreSeconds).toBeGreaterThan(nodeBefore);
  });
});
