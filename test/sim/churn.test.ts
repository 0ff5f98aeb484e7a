import { describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_TICK } from '../../src/sim/cluster/churn.js';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import { renderSummary } from '../../src/sim/kubelet/summary.js';
import type { SimChurnOptions } from '../../src/sim/cluster/types.js';
import type { KubeObject, SimResource } from '../../src/sim/types.js';
import { createMapStore, type MapStore } from './map-store.js';

const startMs = Date.UTC(2024, 8, 9, 14, 0, 0);
const get = (object: KubeObject, path: string): any => path.split('.').reduce<any>((value, key) => value?.[key], object);

function churning(churn: SimChurnOptions, nodes = 6, podsPerNode = 20, seed = 8) {
  let nowMs = startMs;
  const store = createMapStore();
  const cluster = createSimCluster({ nodes, podsPerNode, seed, clock: () => nowMs, store, churn });
  const built = store.events.length;
  return {
    store,
    cluster,
    advance: (ms: number) => (nowMs += ms),
    /** Changes after the initial build. */
    changes: (resource: SimResource) => store.events.slice(built).filter((change) => change.resource === resource),
  };
}

function snapshot(store: MapStore): string {
  const resources: SimResource[] = ['pods', 'replicasets', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'];
  return JSON.stringify(resources.map((resource) => store.list(resource)));
}

describe('churn', () => {
  it('deletes and replaces pods through the store at the configured rate', () => {
    const sim = churning({ podsPerMinute: 30 });
    const before = sim.store.list('pods').length;
    sim.advance(60_000);
    expect(sim.cluster.tick()).toBe(30);
    const pods = sim.changes('pods');
    expect(pods.filter((c) => c.event.type === 'DELETED')).toHaveLength(30);
    expect(pods.filter((c) => c.event.type === 'ADDED')).toHaveLength(30);
    expect(sim.store.list('pods')).toHaveLength(before);
    expect(sim.cluster.podCount).toBe(before);
  });

  it('keeps every node at podsPerNode and each replacement under the same controller and node', () => {
    const sim = churning({ podsPerMinute: 60 });
    sim.advance(120_000);
    sim.cluster.tick();
    const events = sim.changes('pods').map((c) => c.event);
    for (let i = 0; i < events.length; i += 2) {
      const [deleted, added] = [events[i]!, events[i + 1]!];
      expect([deleted.type, added.type]).toEqual(['DELETED', 'ADDED']);
      expect(get(added.object, 'spec.nodeName')).toBe(get(deleted.object, 'spec.nodeName'));
      expect(added.object.metadata.uid).not.toBe(deleted.object.metadata.uid);
      const [oldOwner, newOwner] = [deleted.object.metadata.ownerReferences![0]!, added.object.metadata.ownerReferences![0]!];
      expect(newOwner.kind).toBe(oldOwner.kind);
      if (oldOwner.kind !== 'Job') expect(newOwner.uid).toBe(oldOwner.uid);
      if (oldOwner.kind === 'StatefulSet') expect(added.object.metadata.name).toBe(deleted.object.metadata.name);
      expect(Date.parse(get(added.object, 'status.startTime'))).toBeGreaterThan(startMs);
    }
    for (const node of sim.cluster.nodes) expect(node.pods).toHaveLength(20);
  });

  it('restarts containers: restartCount goes up, the last state is kept, the pod is modified', () => {
    const sim = churning({ restartsPerMinute: 20 });
    const restartsBefore = sim.store.list('pods').reduce((sum, pod) => sum + get(pod, 'status.containerStatuses').reduce((s: number, c: { restartCount: number }) => s + c.restartCount, 0), 0);
    sim.advance(60_000);
    sim.cluster.tick();
    const modified = sim.changes('pods');
    expect(modified).toHaveLength(20);
    expect(modified.every((c) => c.event.type === 'MODIFIED')).toBe(true);
    const restartsAfter = sim.store.list('pods').reduce((sum, pod) => sum + get(pod, 'status.containerStatuses').reduce((s: number, c: { restartCount: number }) => s + c.restartCount, 0), 0);
    expect(restartsAfter).toBe(restartsBefore + 20);
    for (const { event } of modified) {
      const restarted = get(event.object, 'status.containerStatuses').filter((c: any) => Date.parse(c.state.running.startedAt) > startMs);
      expect(restarted.length).toBeGreaterThan(0);
      for (const status of restarted) {
        expect(status.restartCount).toBeGreaterThan(0);
        expect(status.lastState.terminated.finishedAt).toBe(status.state.running.startedAt);
      }
    }
  });

  it('keeps owners, Jobs and CronJob status consistent after heavy churn', () => {
    const sim = churning({ podsPerMinute: 600, restartsPerMinute: 300 }, 10, 30, 13);
    sim.advance(10 * 60_000);
    sim.cluster.tick();
    const kinds: Record<string, SimResource> = { ReplicaSet: 'replicasets', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs', Deployment: 'deployments', CronJob: 'cronjobs' };
    const owners = (resource: SimResource) => {
      for (const object of sim.store.list(resource)) {
        for (const reference of object.metadata.ownerReferences ?? []) {
          expect(sim.store.get(kinds[reference.kind]!, object.metadata.namespace, reference.name)?.metadata.uid, `${resource} ${object.metadata.name}`).toBe(reference.uid);
        }
      }
    };
    owners('pods');
    const ips = sim.store.list('pods').map((pod) => get(pod, 'status.podIP'));
    expect(new Set(ips).size).toBe(ips.length);
    owners('replicasets');
    owners('jobs');
    for (const cronJob of sim.store.list('cronjobs')) {
      const jobs = sim.store.list('jobs', cronJob.metadata.namespace).filter((job) => job.metadata.ownerReferences?.[0]?.uid === cronJob.metadata.uid);
      expect(jobs.map((job) => job.metadata.uid).sort()).toEqual(get(cronJob, 'status.active').map((a: { uid: string }) => a.uid).sort());
    }
    expect(sim.changes('jobs').some((c) => c.event.type === 'DELETED')).toBe(true);
    for (const job of sim.store.list('jobs')) {
      const pods = sim.store.list('pods', job.metadata.namespace).filter((pod) => pod.metadata.ownerReferences![0]!.uid === job.metadata.uid);
      expect(pods).toHaveLength(get(job, 'status.active'));
    }
  });

  it('gives the same history however often it is ticked', () => {
    const churn = { podsPerMinute: 40, restartsPerMinute: 25 };
    const often = churning(churn);
    const once = churning(churn);
    for (let s = 0; s < 300; s++) {
      often.advance(1_000);
      often.cluster.tick();
    }
    once.advance(300_000);
    once.cluster.tick();
    expect(snapshot(often.store)).toBe(snapshot(once.store));
    for (let i = 0; i < often.cluster.nodes.length; i++) {
      expect(renderSummary(often.cluster.sample(often.cluster.nodes[i]!))).toBe(renderSummary(once.cluster.sample(once.cluster.nodes[i]!)));
    }
  });

  it('applies due churn before a scrape, so stats and store agree', () => {
    const sim = churning({ podsPerMinute: 60 });
    sim.advance(30_000);
    const node = sim.cluster.nodes[0]!;
    const summary = JSON.parse(renderSummary(sim.cluster.sample(node)));
    const inStore = sim.store.list('pods').filter((pod) => get(pod, 'spec.nodeName') === node.name).map((pod) => pod.metadata.uid).sort();
    expect(summary.pods.map((pod: { podRef: { uid: string } }) => pod.podRef.uid).sort()).toEqual(inStore);
  });

  it('skips ahead instead of replaying an unbounded backlog', () => {
    const sim = churning({ restartsPerMinute: 1_000_000 }, 2, 5);
    sim.advance(1_000);
    expect(sim.cluster.tick()).toBe(MAX_EVENTS_PER_TICK);
    expect(sim.cluster.tick()).toBe(0);
  });

  it('does nothing without churn options', () => {
    const sim = churning({});
    sim.advance(3_600_000);
    expect(sim.cluster.tick()).toBe(0);
    expect(sim.changes('pods')).toEqual([]);
  });
});
