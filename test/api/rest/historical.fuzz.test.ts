/**
 * A seeded fuzz run of `/api/v1/historical` against a real InfluxDB 1.6 holding simulated
 * batches: every route pattern filled with good, odd and hostile names, metric names,
 * aggregations, times, labels and buckets. Whatever a client sends, the answer is a 200 with
 * JSON, a client error (400/404), or Heapster's 500 for a key without points — never an InfluxQL
 * statement InfluxDB refuses, never "internal server error" — and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBatch } from '../../../src/core/types.js';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { writeThroughSink } from '../../sinks/influxdb/influxdRead.js';
import { simBatches } from '../../sinks/influxdb/simBatches.js';
import { startHistoricalApi, type HistoricalApi } from './historicalApi.js';

requireInfluxdUnderCi();

const t0 = Date.UTC(2024, 4, 3, 6, 0, 0);
const nowMs = t0 + 10 * 60_000;
const requests = 2_000;

/** mulberry32: a small seeded generator, so a failure replays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const patterns = [
  '/metrics', '/metrics/{m}', '/nodes', '/nodes/{n}/metrics', '/nodes/{n}/metrics/{m}', '/namespaces', '/namespaces/{ns}/metrics',
  '/namespaces/{ns}/metrics/{m}', '/namespaces/{ns}/pods', '/namespaces/{ns}/pods/{p}/metrics', '/namespaces/{ns}/pods/{p}/metrics/{m}',
  '/namespaces/{ns}/pods/{p}/containers', '/namespaces/{ns}/pods/{p}/containers/{c}/metrics', '/namespaces/{ns}/pods/{p}/containers/{c}/metrics/{m}',
  '/nodes/{n}/freecontainers', '/nodes/{n}/freecontainers/{c}/metrics', '/nodes/{n}/freecontainers/{c}/metrics/{m}',
  '/namespaces/{ns}/pod-list/{pl}/metrics/{m}', '/pod-id/{u}/metrics/{m}', '/pod-id/{u}/containers/{c}/metrics/{m}', '/pod-id-list/{ul}/metrics/{m}',
  '/metrics-aggregated/{a}/{m}', '/nodes/{n}/metrics-aggregated/{a}/{m}', '/namespaces/{ns}/metrics-aggregated/{a}/{m}',
  '/namespaces/{ns}/pods/{p}/metrics-aggregated/{a}/{m}', '/namespaces/{ns}/pods/{p}/containers/{c}/metrics-aggregated/{a}/{m}',
  '/pod-id/{u}/metrics-aggregated/{a}/{m}', '/pod-id/{u}/containers/{c}/metrics-aggregated/{a}/{m}',
  '/nodes/{n}/freecontainers/{c}/metrics-aggregated/{a}/{m}', '/namespaces/{ns}/pod-list/{pl}/metrics-aggregated/{a}/{m}',
  '/pod-id-list/{ul}/metrics-aggregated/{a}/{m}',
];

const hostile = ["x'y", 'x"y', 'a\\', 'a b', 'a;b', "' OR 1=1 --", 'é', '日本', '%', '', '..', 'a\tb', "'; DROP DATABASE k8s; '", 'a,b', 'x)'];
const times = ['2024-05-03T05:59:00Z', '2024-05-03T06:01:00.5Z', '2024-05-03T08:00:00%2B02:00', '0001-01-01T00:00:00Z', '1500-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'yesterday', '', '2024-02-30T00:00:00Z'];
const buckets = ['', '1m', '2m', '30s', '500ms', '1d', '5y', 'm', '18446744073709551615s', '-1s', '0s'];
const aggregations = ['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'];

describe.skipIf(!influxdPath)(withInfluxd('the historical routes under a fuzz run against influxd 1.x'), () => {
  let influxd: Influxd;
  let history: InfluxHistory;
  let api: HistoricalApi;
  let batches: DataBatch[];

  beforeAll(async () => {
    influxd = await startInfluxd();
    batches = simBatches({ startMs: t0, count: 3, nodes: 2, podsPerNode: 3 });
    await writeThroughSink(influxd, '?db=k8s', batches);
    history = createInfluxHistory(parseInfluxSinkUri(`influxdb:${influxd.url}?db=k8s`));
    api = await startHistoricalApi({ history, nowMs, inMemory: batches.slice(-1) });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    history?.close();
    await influxd?.dispose();
  });

  it('answers every request with JSON, a client error, or the no-results 500, and keeps serving', async () => {
    const random = seeded(20240503);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const sets = batches.flatMap((b) => [...b.metricSets.values()]);
    const real = (label: string) => [...new Set(sets.map((s) => s.labels[label]).filter((v): v is string => v !== undefined))];
    const name = (label: string) => (random() < 0.7 ? pick(real(label)) : pick(hostile));
    const metric = () => pick(['cpu/usage_rate', 'memory/usage', 'cpu-usage', 'memory-working', 'filesystem/usage', 'uptime', 'custom/x', 'no/such', ...hostile]);
    const fill: Record<string, () => string> = {
      n: () => name('nodename'),
      ns: () => name('namespace_name'),
      p: () => name('pod_name'),
      c: () => name('container_name'),
      u: () => name('pod_id'),
      pl: () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => name('pod_name')).join(','),
      ul: () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => name('pod_id')).join(','),
      a: () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.9 ? pick(aggregations) : pick(['mean', '', '75-perc']))).join(','),
      m: metric,
    };
    const statuses = new Map<number, number>();
    for (let i = 0; i < requests; i++) {
      const path = pick(patterns).replace(/\{(\w+)\}/g, (_, p: string) => {
        const value = fill[p]!();
        return p === 'm' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
      });
      const query = new URLSearchParams();
      if (random() < 0.85) query.set('start', decodeURIComponent(pick(times)));
      if (random() < 0.4) query.set('end', decodeURIComponent(pick(times)));
      if (random() < 0.3) query.set('bucket', pick(buckets));
      if (random() < 0.5) query.set('labels', random() < 0.8 ? `resource_id:${random() < 0.3 ? '/' : pick(hostile)}` : `${pick(hostile)}:${pick(hostile)}`);
      const url = `/api/v1/historical${path}${random() < 0.2 ? '/' : ''}?${query}`;
      const res = await api.get(url);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 200) expect(() => res.json(), url).not.toThrow();
      else if (res.status === 500) expect(res.text, url).toMatch(/^No results for metric /);
      else expect([400, 404], `${url} → ${res.status} ${res.text}`).toContain(res.status);
    }
    // The run reached InfluxDB with answers of every kind, not only early refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(50);
    expect(statuses.get(500) ?? 0).toBeGreaterThan(0);
    expect((await api.get('/api/v1/historical/nodes')).json()).toEqual([...new Set(real('nodename'))].sort());
  }, 120_000);
});
