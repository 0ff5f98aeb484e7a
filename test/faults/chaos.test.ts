/**
 * Faults at once, on Heapgraph's own clock: kubelets failing in four ways, the API server
 * dropping watches and expiring them (410), and InfluxDB (Debian's influxd on 127.0.0.1)
 * stopped — then everything heals. REST and GraphQL must answer throughout, healthy nodes must
 * be in every batch, and every batch must be accounted for at every sink, down to the points
 * InfluxDB holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKey } from '../../src/core/keys.js';
import type { DataBatch } from '../../src/core/types.js';
import type { KubeletFault } from '../../src/sim/index.js';
import type { InfluxSink } from '../../src/sinks/influxdb/index.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../helpers/influxd.js';
import { expectedPoints, readAll } from '../sinks/influxdb/influxdRead.js';
import { cacheDifferences } from './caches.js';
import { sampleSum, startFaultApp, until, type FaultApp } from './harness.js';

requireInfluxdUnderCi();

const faults: readonly KubeletFault[] = [{ kind: 'down' }, { kind: 'slow', delayMs: 5_000 }, { kind: 'status', status: 503 }, { kind: 'malformed' }];
const healthyCount = 3;
const db = 'chaos';

/** Polls REST, GraphQL and /metrics until stopped; counts answers and keeps every failure. */
function probe(h: FaultApp) {
  let running = true;
  let answers = 0;
  const failures: string[] = [];
  const check = async (what: string, request: () => Promise<boolean>) => {
    try {
      if (await request()) answers++;
      else failures.push(what);
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const loop = (async () => {
    while (running) {
      await Promise.all([
        check('REST node list', async () => (await h.rest('/api/v1/model/nodes')).status === 200),
        check('GraphQL scrape statuses', async () => {
          const answer = await h.gql('{ scrapeStatuses { node outcome } nodes { totalCount } }');
          return answer.status === 200 && answer.errors === undefined;
        }),
        check('/metrics', async () => (await h.metrics()).length > 0),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // a client's pace, not a clock to fake
    }
  })();
  return {
    answers: () => answers,
    failures,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe.skipIf(!influxdPath)(withInfluxd('overlapping faults, then healing'), () => {
  let influxd: Influxd;
  let h: FaultApp;
  const batches: DataBatch[] = [];

  beforeAll(async () => {
    influxd = await startInfluxd();
    h = await startFaultApp({
      argv: [
        `--source=sim:?nodes=${faults.length + healthyCount}&podsPerNode=4&seed=13&podsPerMinute=30`,
        '--metric_resolution=1s',
        `--sink=influxdb:${influxd.url}?db=${db}`,
      ],
      logLevel: 'debug',
      ticking: true,
    });
    h.app.feed.onBatch((batch) => batches.push(batch));
  });
  afterAll(async () => {
    await h?.stop();
    await influxd?.dispose();
  });

  it('keeps serving, keeps every healthy node, and accounts for every batch down to the points in InfluxDB', async () => {
    const { app } = h;
    const sim = app.sim!;
    const names = sim.cluster.nodes.map((n) => n.name);
    const faulty = names.slice(0, faults.length);
    const healthy = names.slice(faults.length);
    const influx = app.sinks.sinks.find((s) => s.name === 'InfluxDB Sink') as InfluxSink;
    const storedAtLeast = (count: number, what: string) => until(what, () => batches.length >= count, 20_000);
    const prober = probe(h);

    await storedAtLeast(2, 'two batches before the faults');
    expect(await influx.drain(AbortSignal.timeout(10_000))).toBe(true);

    // Everything fails at once.
    faults.forEach((fault, i) => sim.faults.set(faulty[i]!, fault));
    sim.apiFaults.dropWatches();
    await influxd.stop();
    const faultsFrom = batches.length;
    for (let i = 0; i < 3; i++) {
      await storedAtLeast(faultsFrom + 1 + i, 'a batch during the faults');
      sim.apiFaults.expireWatches();
    }
    sim.apiFaults.dropWatches();
    await storedAtLeast(faultsFrom + 5, 'five batches during the faults');
    const failing = sampleSum(await h.metrics(), 'heapgraph_influxdb_write_errors_total', { code: 'connection' });
    expect(failing).toBeGreaterThan(0);
    expect(influx.bufferedPoints).toBeGreaterThan(0);

    // Everything heals.
    sim.faults.clear();
    await influxd.start();
    const healedFrom = batches.length;
    await until('three batches with every node after healing', () => batches.slice(healedFrom).filter((b) => faulty.every((n) => b.metricSets.has(nodeKey(n)))).length >= 3, 20_000);
    await until('informer caches equal the cluster', () => cacheDifferences(app.informers.listers, sim).length === 0, 20_000);
    await app.manager.stop();
    await app.sinks.idle();
    expect(await influx.drain(AbortSignal.timeout(45_000))).toBe(true);
    await prober.stop();

    // REST, GraphQL and /metrics answered every probe.
    expect(prober.failures).toEqual([]);
    expect(prober.answers()).toBeGreaterThan(30);

    // Healthy nodes are in every batch, with a stored point for each.
    const stored = app.query.timestamps();
    expect(stored).toEqual(batches.map((b) => b.timestamp));
    for (const name of healthy) {
      expect(batches.every((b) => b.metricSets.has(nodeKey(name)))).toBe(true);
      expect(app.query.series(nodeKey(name), 'memory/usage').points.map((p) => p.timestamp)).toEqual(stored);
    }
    // Faulty nodes were missing only while failing.
    for (const name of faulty) expect(batches.slice(faultsFrom + 1, healedFrom - 1).some((b) => b.metricSets.has(nodeKey(name)))).toBe(false);

    // Each kubelet's failure and recovery were logged once, whatever the number of cycles.
    for (const name of faulty) {
      expect(h.lines.filter((l) => l.msg === 'node scrape failed' && l.node === name), name).toHaveLength(1);
      expect(h.lines.filter((l) => l.msg === 'node scrape recovered' && l.node === name), name).toHaveLength(1);
    }

    // Every batch produced reached every sink; nothing was dropped between them.
    const produced = h.lines.filter((l) => l.msg === 'batch processed').length;
    expect(h.lines.filter((l) => l.msg === 'processing failed; batch dropped')).toEqual([]);
    expect(batches.length).toBe(produced);
    const samples = await h.metrics();
    for (const exporter of ['Metric Sink', 'InfluxDB Sink']) {
      expect(sampleSum(samples, 'heapgraph_sink_exports_total', { exporter, outcome: 'ok' }), exporter).toBe(produced);
      expect(sampleSum(samples, 'heapgraph_sink_exports_total', { exporter }), exporter).toBe(produced);
    }

    // Points: every one encoded was written once after the retries, none dropped, none left.
    const expected = expectedPoints(batches);
    expect(sampleSum(samples, 'heapgraph_influxdb_points_written_total')).toBe(expected.size);
    expect(sampleSum(samples, 'heapgraph_influxdb_points_dropped_total')).toBe(0);
    expect(sampleSum(samples, 'heapgraph_influxdb_buffered_points')).toBe(0);
    expect(sampleSum(samples, 'heapgraph_influxdb_write_errors_total', { code: 'connection' })).toBeGreaterThanOrEqual(failing);
    expect(await readAll(influxd, db)).toEqual(expected);
  });
});
