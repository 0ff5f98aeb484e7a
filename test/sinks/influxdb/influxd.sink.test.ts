/**
 * The sink against a real InfluxDB 1.6 (Debian's influxd, started by test/helpers/influxd.ts on
 * 127.0.0.1): database setup, every value of simulated batches read back exactly in both point
 * layouts, and the Grafana queries of docs/influxdb.md returning numbers computed here.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricTypesOf } from '../../../src/core/metrics.js';
import type { DataBatch } from '../../../src/core/types.js';
import { createInfluxMetrics } from '../../../src/sinks/influxdb/metrics.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { createInfluxSink } from '../../../src/sinks/influxdb/sink.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { expectedPoints, metricValue, readAll, writeThroughSink } from './influxdRead.js';
import { simBatches, valuesOf } from './simBatches.js';

requireInfluxdUnderCi();

const t0 = Date.UTC(2024, 4, 1, 12, 0, 0); // a multiple of 2 min, so GROUP BY time(2m) buckets start at batches
const stepMs = 60_000;

/** Grafana-style statement text with its time filter. */
const timeFilter = (from: number, to: number) => `time >= '${new Date(from).toISOString()}' AND time < '${new Date(to).toISOString()}'`;

/** `bucket start → group → values` of one metric over sets of `type`, as GROUP BY time(bucketMs), "<groupLabel>" sees them. */
function bucketed(batches: readonly DataBatch[], metric: string, type: string, groupLabel: string, bucketMs: number, filter: (labels: Record<string, string>) => boolean = () => true) {
  const groups = new Map<string, Map<number, number[]>>();
  for (const batch of batches) {
    const bucket = Math.floor(batch.timestamp / bucketMs) * bucketMs;
    for (const set of batch.metricSets.values()) {
      const value = set.metricValues.get(metric);
      if (set.labels.type !== type || value === undefined || !filter(set.labels)) continue;
      const group = set.labels[groupLabel]!;
      const byBucket = groups.get(group) ?? new Map<number, number[]>();
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), value]);
      groups.set(group, byBucket);
    }
  }
  return groups;
}

/** InfluxDB's answer of a `GROUP BY time(...), "<tag>"` statement as `tag value → [[time, value]]`. */
function grouped(answer: any, tag: string): Record<string, number[][]> {
  const result = answer.results[0];
  if (result.error) throw new Error(result.error);
  return Object.fromEntries((result.series ?? []).map((s: any) => [s.tags[tag], s.values]));
}

describe.skipIf(!influxdPath)(withInfluxd('the InfluxDB sink against influxd 1.x'), () => {
  let influxd: Influxd;
  let batches: DataBatch[];

  beforeAll(async () => {
    influxd = await startInfluxd();
    batches = simBatches({ startMs: t0, stepMs, count: 4 });
  });

  afterAll(async () => {
    await influxd?.dispose();
  });

  it('creates the database with an infinite `default` retention policy on first use', async () => {
    await writeThroughSink(influxd, '?db=firstuse', batches.slice(0, 1));
    const policies = await influxd.query('SHOW RETENTION POLICIES ON "firstuse"');
    expect(policies.results[0].series[0].values).toEqual([['default', '0s', '168h0m0s', 1, true]]);
  });

  it('applies `retention` to a new database and to one that already had other policies', async () => {
    await writeThroughSink(influxd, '?db=retained&retention=48h', batches.slice(0, 1));
    const created = await influxd.query('SHOW RETENTION POLICIES ON "retained"');
    expect(created.results[0].series[0].values).toEqual([['default', '48h0m0s', '24h0m0s', 1, true]]);

    await influxd.query('CREATE DATABASE "operators"'); // autogen, as an operator would have it
    await writeThroughSink(influxd, '?db=operators&retention=72h', batches.slice(0, 1));
    const existing = await influxd.query('SHOW RETENTION POLICIES ON "operators"');
    expect(existing.results[0].series[0].values).toEqual([
      ['autogen', '0s', '168h0m0s', 1, false],
      ['default', '72h0m0s', '24h0m0s', 1, true],
    ]);
  });

  it('stores every value of simulated batches exactly: measurement, tags, value and time', async () => {
    const registry = await writeThroughSink(influxd, '?db=exact&cluster_name=sim', batches);
    const expected = expectedPoints(batches, { clusterName: 'sim' });
    expect(expected.size).toBeGreaterThan(3_000);
    const stored = await readAll(influxd, 'exact');
    expect(stored).toEqual(expected);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(expected.size);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total')).toBe(0);
  });

  it('stores integer metrics as integer fields and float metrics as float fields', async () => {
    await writeThroughSink(influxd, '?db=types', batches.slice(0, 1));
    const fields = await influxd.query('SHOW FIELD KEYS', 'types');
    const stored = Object.fromEntries(fields.results[0].series.map((s: any) => [s.name, s.values[0][1]]));
    const expected: Record<string, string> = {};
    for (const set of batches[0]!.metricSets.values()) {
      // Values carry no types: the field type follows the metric's catalogue value type.
      for (const name of set.metricValues.keys()) expected[name] = metricTypesOf(name).valueType === 'int64' ? 'integer' : 'float';
      for (const lm of set.labeledMetrics) expected[lm.name] = metricTypesOf(lm.name).valueType === 'int64' ? 'integer' : 'float';
    }
    expect(stored).toEqual(expected);
  });

  it('stores every value exactly with withfields=true, one measurement per metric family', async () => {
    await writeThroughSink(influxd, '?db=fields&withfields=true', batches);
    const stored = await readAll(influxd, 'fields');
    expect(stored).toEqual(expectedPoints(batches, { withFields: true }));
    const measurements = await influxd.query('SHOW MEASUREMENTS', 'fields');
    expect(measurements.results[0].series[0].values.map((r: string[]) => r[0])).toContain('cpu');
  });

  it('answers a Grafana panel of per-node CPU usage rates summed per 2 minutes, grouped by nodename', async () => {
    await writeThroughSink(influxd, '?db=grafana', batches);
    const answer = await influxd.query(
      `SELECT SUM("value") FROM "cpu/usage_rate" WHERE "type" = 'pod_container' AND ${timeFilter(t0, t0 + 4 * stepMs)} GROUP BY time(2m), "nodename" fill(none)`,
      'grafana',
    );
    const expected = Object.fromEntries(
      [...bucketed(batches, 'cpu/usage_rate', 'pod_container', 'nodename', 120_000)].map(([node, buckets]) => [
        node,
        [...buckets].map(([bucket, values]) => [bucket, values.reduce((a, b) => a + b, 0)]),
      ]),
    );
    expect(Object.keys(expected)).toHaveLength(3);
    expect(grouped(answer, 'nodename')).toEqual(expected);
  });

  it('answers a Grafana panel of pod memory in one namespace, grouped by pod_name, in both layouts', async () => {
    await writeThroughSink(influxd, '?db=grafanafields&withfields=true', batches);
    const inNamespace = (labels: Record<string, string>) => labels.namespace_name === 'kube-system';
    const expected = Object.fromEntries(
      [...bucketed(batches, 'memory/usage', 'pod', 'pod_name', 120_000, inNamespace)].map(([pod, buckets]) => [
        pod,
        [...buckets].map(([bucket, values]) => [bucket, values.reduce((a, b) => a + b, 0) / values.length]),
      ]),
    );
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    const where = `"type" = 'pod' AND "namespace_name" = 'kube-system' AND ${timeFilter(t0, t0 + 4 * stepMs)} GROUP BY time(2m), "pod_name" fill(none)`;
    const plain = await influxd.query(`SELECT MEAN("value") FROM "memory/usage" WHERE ${where}`, 'grafana');
    const fields = await influxd.query(`SELECT MEAN("usage") FROM "memory" WHERE ${where}`, 'grafanafields');
    expect(grouped(plain, 'pod_name')).toEqual(expected);
    expect(grouped(fields, 'pod_name')).toEqual(expected);
  });

  it("answers Grafana's template-variable queries for nodes and namespaces", async () => {
    await writeThroughSink(influxd, '?db=variables', batches.slice(0, 1));
    const values = async (q: string) => (await influxd.query(q, 'variables')).results[0].series[0].values.map((row: string[]) => row[1]);
    const labelValues = (label: string) => [...new Set([...batches[0]!.metricSets.values()].filter((s) => s.metricValues.has('uptime') && s.labels[label]).map((s) => s.labels[label]!))].sort();
    expect(await values('SHOW TAG VALUES FROM "uptime" WITH KEY = "nodename"')).toEqual(labelValues('nodename'));
    expect(await values('SHOW TAG VALUES FROM "uptime" WITH KEY = "namespace_name"')).toEqual(labelValues('namespace_name'));
  });

  it('sizes the automatic buffer to two batches and exports a batch larger than its floor completely', async () => {
    const [big] = simBatches({ nodes: 6, podsPerNode: 10, startMs: t0 + 10 * stepMs, count: 1 });
    const points = valuesOf([big!]).length;
    const floor = 1_000;
    expect(points).toBeGreaterThan(2 * floor);
    const registry = new Registry();
    // One request at a time in chunks of 200: most of the batch waits in the buffer while it is written.
    const sink = createInfluxSink(parseInfluxSinkUri(`influxdb:${influxd.url}?db=bigbatch&batchLines=200&concurrency=1`), { metrics: createInfluxMetrics(registry), minAutoBufferPoints: floor });
    expect(sink.capacityPoints).toBe(floor);
    await sink.export(big!, new AbortController().signal);
    expect(sink.capacityPoints).toBe(2 * points);
    expect(await sink.drain(AbortSignal.timeout(20_000))).toBe(true);
    await sink.stop(AbortSignal.timeout(5_000));
    const counts = await influxd.query('SELECT COUNT("value") FROM /.*/', 'bigbatch');
    const stored = counts.results[0].series.reduce((sum: number, series: any) => sum + series.values[0][1], 0);
    expect(stored).toBe(points);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(points);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total')).toBe(0);
  });

  it('creates the database again when it was dropped while the sink was writing', async () => {
    const registry = new Registry();
    const sink = createInfluxSink(parseInfluxSinkUri(`influxdb:${influxd.url}?db=dropped`), { metrics: createInfluxMetrics(registry), retryInitialMs: 10 });
    await sink.export(batches[0]!, new AbortController().signal);
    expect(await sink.drain(AbortSignal.timeout(10_000))).toBe(true);
    await influxd.query('DROP DATABASE "dropped"');
    await sink.export(batches[1]!, new AbortController().signal);
    expect(await sink.drain(AbortSignal.timeout(10_000))).toBe(true);
    await sink.stop(AbortSignal.timeout(5_000));
    expect(await readAll(influxd, 'dropped')).toEqual(expectedPoints(batches.slice(1, 2)));
    expect(await metricValue(registry, 'heapgraph_influxdb_write_errors_total', { code: 'http_status' })).toBe(1);
  });
});
