/**
 * Helpers of the tests against a real influxd: write batches through the sink, read everything
 * back, and what InfluxDB should hold for a batch, computed from the batch itself.
 */
import { Registry } from 'prom-client';
import type { DataBatch } from '../../../src/core/types.js';
import { createInfluxMetrics } from '../../../src/sinks/influxdb/metrics.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { createInfluxSink, type InfluxSinkOptions } from '../../../src/sinks/influxdb/sink.js';
import type { Influxd } from '../../helpers/influxd.js';
import { valuesOf } from './simBatches.js';

/** Writes `batches` through a sink built from `query`, waits until InfluxDB has them, stops the sink. */
export async function writeThroughSink(influxd: Influxd, query: string, batches: readonly DataBatch[], options: Partial<InfluxSinkOptions> = {}): Promise<Registry> {
  const registry = new Registry();
  const sink = createInfluxSink(parseInfluxSinkUri(`influxdb:${influxd.url}${query}`), { metrics: createInfluxMetrics(registry), ...options });
  for (const batch of batches) await sink.export(batch, new AbortController().signal);
  const drained = await sink.drain(AbortSignal.timeout(20_000));
  await sink.stop(AbortSignal.timeout(5_000));
  if (!drained) throw new Error(`the sink did not drain:\n${influxd.log()}`);
  return registry;
}

/** `measurement|field|k=v,k=v|time` → value. */
export type StoredPoints = Map<string, number>;

const pointKey = (measurement: string, field: string, tags: Record<string, string>, time: number) =>
  `${measurement}|${field}|${Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',')}|${time}`;

/** Every point of `db`, read with one `SELECT * ... GROUP BY *` per measurement. */
export async function readAll(influxd: Influxd, db: string): Promise<StoredPoints> {
  const shown = await influxd.query('SHOW MEASUREMENTS', db);
  const measurements: string[] = (shown.results[0].series?.[0]?.values ?? []).map((row: string[]) => row[0]);
  const stored: StoredPoints = new Map();
  if (measurements.length === 0) return stored;
  const answer = await influxd.query(measurements.map((m) => `SELECT * FROM "${m}" GROUP BY *`).join('; '), db);
  answer.results.forEach((result: any, i: number) => {
    for (const series of result.series ?? []) {
      const tags = Object.fromEntries(Object.entries(series.tags ?? {}).filter(([, v]) => v !== '')) as Record<string, string>;
      for (const row of series.values) {
        series.columns.forEach((column: string, c: number) => {
          if (c === 0 || row[c] === null) return;
          const key = pointKey(measurements[i]!, column, tags, row[0]);
          if (stored.has(key)) throw new Error(`two values for ${key}`);
          stored.set(key, row[c]);
        });
      }
    }
  });
  return stored;
}

/** The measurement, field, tags and value InfluxDB should hold for every value of `batches`. */
export function expectedPoints(batches: readonly DataBatch[], { withFields = false, clusterName = 'default' } = {}): StoredPoints {
  const expected: StoredPoints = new Map();
  for (const point of valuesOf(batches)) {
    const slash = point.metric.indexOf('/');
    const [measurement, field] = withFields && slash !== -1 ? [point.metric.slice(0, slash), point.metric.slice(slash + 1)] : [point.metric, 'value'];
    const tags: Record<string, string> = clusterName === '' ? {} : { cluster_name: clusterName };
    for (const [k, v] of Object.entries(point.labels)) if (v !== '' && !['namespace_id', 'hostname', 'host_id'].includes(k)) tags[k] = v;
    const key = pointKey(measurement, field, tags, point.timestamp);
    if (expected.has(key)) throw new Error(`two values of the batches map to ${key}`);
    expected.set(key, point.value);
  }
  return expected;
}

/** Sum of one counter or gauge over its label sets matching `labels`. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}
