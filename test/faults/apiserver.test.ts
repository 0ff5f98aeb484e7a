/**
 * The API server failing under a running Heapgraph: an outage, dropped watches, a storm of
 * 410 Gone, requests answered 500, stalled watches. Meanwhile every cycle still scrapes every
 * known node from the informer caches; afterwards the caches equal the cluster again, and the
 * pods started meanwhile carry their Kubernetes labels in the batches and appear in the APIs.
 * The simulator's clock moves with the cycles and replaces one pod per simulated second, so the
 * caches have something to miss.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { KubeCacheListers } from '../../src/kube/informers.js';
import type { QueryService } from '../../src/api/query/types.js';
import type { RunningSimCluster } from '../../src/sim/index.js';
import { cacheDifferences, cachedPodKeys, runningPodKeys } from './caches.js';
import { sampleSum, startFaultApp, until, type FaultApp } from './harness.js';
import { startPipeline } from './pipeline.js';

const nodes = 4;

/** Model keys of the pods in the newest batch, sorted. */
const batchPods = (query: QueryService) => query.pods().map((p) => p.key).sort();

/** Pods of the newest batch without the Kubernetes labels the pod cache adds, sorted. */
const unlabeledPods = (query: QueryService) => query.pods().filter((p) => !p.labels.labels).map((p) => p.key).sort();

/** One cycle; every node must be scraped and stored, whatever the API server does. */
async function cycleStoringEveryNode(cycle: () => Promise<{ endMs: number; statuses: ReadonlyArray<{ outcome: string }> }>, query: QueryService, sim: RunningSimCluster) {
  const report = await cycle();
  expect(report.statuses.map((s) => s.outcome)).toEqual(sim.cluster.nodes.map(() => 'ok'));
  expect(query.latestBatch()?.timestamp).toBe(report.endMs);
  expect(query.nodes().map((n) => n.labels.nodename).sort()).toEqual(sim.cluster.nodes.map((n) => n.name).sort());
  return report;
}

/** Waits until the caches equal the cluster, then checks a batch (no churn in it) has every running pod. */
async function expectCaughtUp(listers: KubeCacheListers, sim: RunningSimCluster, query: QueryService, cycle: (o: { holdSimClock: boolean }) => Promise<unknown>) {
  await until('informer caches equal the cluster', () => cacheDifferences(listers, sim).length === 0, 20_000);
  await cycle({ holdSimClock: true });
  expect(batchPods(query)).toEqual([...runningPodKeys(sim)].sort());
  expect(unlabeledPods(query)).toEqual([]);
}

describe('Heapgraph while the API server fails', () => {
  let h: FaultApp;
  let sim: RunningSimCluster;
  let listers: KubeCacheListers;
  const restarts = () => Object.values(h.app.informers.status()).reduce((sum, s) => sum + s.restarts, 0);
  const cycle = () => cycleStoringEveryNode(() => h.cycle(), h.app.query, sim);
  const caughtUp = () => expectCaughtUp(listers, sim, h.app.query, (o) => h.cycle(o));

  beforeAll(async () => {
    h = await startFaultApp({ argv: [`--source=sim:?nodes=${nodes}&podsPerNode=5&seed=5&podsPerMinute=60`, '--metric_resolution=1s'], simClock: true });
    sim = h.app.sim!;
    listers = h.app.informers.listers;
  });
  afterAll(async () => h?.stop());

  it('starts with caches equal to the cluster and every running pod in the batch', async () => {
    await cycle();
    await caughtUp();
  });

  it('keeps scraping every known node from its caches during an outage, then catches up with what it missed', async () => {
    const known = cachedPodKeys(listers);
    const linesBefore = h.lines.length;
    const warningsBefore = h.lines.filter((l) => l.msg === 'informer failed; restarting').length;
    sim.apiFaults.setDown(true);
    onTestFinished(() => sim.apiFaults.setDown(false));
    await until('an informer noticed the outage', () => Object.values(h.app.informers.status()).some((s) => s.phase === 'restarting'));
    for (let i = 0; i < 3; i++) {
      await cycle();
      // The kubelets still report every running pod; those started during the outage are
      // unknown to the caches, so they lack their Kubernetes labels (counted as pod_not_found).
      expect(batchPods(h.app.query)).toEqual([...runningPodKeys(sim)].sort());
      expect(unlabeledPods(h.app.query)).toEqual([...runningPodKeys(sim)].filter((key) => !known.has(key)).sort());
    }
    // The caches serve the last state they knew; the cluster moved on (one pod replaced per cycle).
    expect(cachedPodKeys(listers)).toEqual(known);
    expect([...runningPodKeys(sim)].filter((key) => !known.has(key)).length).toBeGreaterThanOrEqual(3);
    const answer = await h.gql<{ nodes: { totalCount: number } }>('{ nodes { totalCount } }');
    expect(answer.data?.nodes.totalCount).toBe(nodes);
    expect(h.lines.filter((l) => l.msg === 'informer failed; restarting').length).toBeGreaterThan(warningsBefore);
    expect(sampleSum(await h.metrics(), 'heapgraph_processor_skips_total', { reason: 'pod_not_found' })).toBeGreaterThan(0);

    sim.apiFaults.setDown(false);
    await caughtUp();
    await until('every informer synced again', () => Object.values(h.app.informers.status()).every((s) => s.phase === 'synced'));
    // Failures are warned at every restart (backoff spaces them); the recovery is said once per informer.
    const since = h.lines.slice(linesBefore);
    const failed = new Set(since.filter((l) => l.msg === 'informer failed; restarting').map((l) => l.resource));
    const recovered = since.filter((l) => l.msg === 'informer recovered').map((l) => l.resource);
    expect(failed.size).toBeGreaterThan(0);
    expect([...recovered].sort()).toEqual([...failed].sort());
    // A pod started during the outage is now in the API, with its Kubernetes metadata.
    const [added] = [...runningPodKeys(sim)].filter((key) => !known.has(key));
    const [, namespace, name] = /^namespace:(.+)\/pod:(.+)$/.exec(added!)!;
    const pod = await h.gql<{ pod: { name: string; uid: string | null } }>('query($ns: String!, $n: String!) { pod(namespace: $ns, name: $n) { name uid } }', { ns: namespace, n: name });
    expect(pod.data?.pod).toEqual({ name, uid: sim.store.get('pods', namespace, name!)!.metadata.uid });
  });

  it('recovers from watches dropped several times in a row', async () => {
    for (let i = 0; i < 3; i++) {
      sim.apiFaults.dropWatches();
      await cycle();
    }
    await caughtUp();
  });

  it('relists through a storm of 410 Gone without counting it as restarts', async () => {
    const before = restarts();
    for (let i = 0; i < 5; i++) {
      await cycle();
      sim.apiFaults.expireWatches();
    }
    await caughtUp();
    expect(restarts()).toBe(before);
  });

  it('retries lists and watches answered with 500 until they succeed', async () => {
    sim.apiFaults.failNextRequests(12, 500);
    sim.apiFaults.dropWatches();
    for (let i = 0; i < 2; i++) await cycle();
    await caughtUp();
    expect(h.lines.some((l) => l.msg === 'informer failed; restarting' && String(l.err).startsWith('HTTP 500'))).toBe(true);
  });
});

describe('a stalled watch', () => {
  it('is restarted by the watchdog while scraping continues from the caches', async () => {
    // The composition root's watchdog is 5 minutes; the same informers with 3 s.
    const p = await startPipeline({ nodes: 3, podsPerNode: 4, seed: 8, churn: { podsPerMinute: 60 }, informers: { watchdogMs: 3_000, backoff: { initialMs: 50, maxMs: 500 } } });
    try {
      await cycleStoringEveryNode(() => p.cycle(), p.query, p.sim);
      await expectCaughtUp(p.informers.listers, p.sim, p.query, (o) => p.cycle(o));
      p.sim.apiFaults.stallWatches(true);
      for (let i = 0; i < 3; i++) await cycleStoringEveryNode(() => p.cycle(), p.query, p.sim);
      await expectCaughtUp(p.informers.listers, p.sim, p.query, (o) => p.cycle(o));
      expect(p.lines.some((l) => l.msg === 'watch silent; restarting it')).toBe(true);
    } finally {
      p.sim.apiFaults.stallWatches(false);
      await p.stop();
    }
  });
});
