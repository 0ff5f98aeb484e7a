/**
 * InfluxDB as Heapgraph's historical source: {@link InfluxHistory} over `/query`. Many keys
 * (or, for DataLoader, any lookups) travel as ONE request of statements joined by `; `, answered
 * by position, as Heapster did. Lists use `SHOW TAG VALUES`, whose layout InfluxDB 1.x and later
 * share (Heapster's `SHOW SERIES ... column pod_name` only matched InfluxDB 0.x answers).
 *
 * @module
 */
import type { ValueType } from '../../core/types.js';
import { quoteIdentifier } from './database.js';
import { InfluxError } from './errors.js';
import { createInfluxHttp, type InfluxHttp, type InfluxHttpOptions, type QuerySeries, type StatementResult } from './http.js';
import { aggregateStatement, checkKey, keyPredicate, rawStatement } from './historyQuery.js';
import type { AggregationName, HistoricalAggregation, HistoricalBucket, HistoricalKey, HistoricalSeries, InfluxHistory } from './historyTypes.js';
import type { InfluxSinkSpec } from './options.js';

/** Options of {@link createInfluxHistory}. */
export interface InfluxHistoryOptions extends InfluxHttpOptions {
  /** @internal Replaces the HTTP layer (tests). */
  http?: InfluxHttp;
}

/** Where each aggregation goes in a bucket (percentiles: the key inside `percentiles`). */
const bucketField: Record<Exclude<AggregationName, 'count'>, string> = {
  average: 'average',
  max: 'maximum',
  min: 'minimum',
  median: 'median',
  '50-perc': '50',
  '95-perc': '95',
  '99-perc': '99',
};

function malformed(message: string, statement: number): InfluxError {
  return new InfluxError('malformed_response', message, { statement });
}

/** The single series of a statement without GROUP BY tags, or undefined when InfluxDB found none. */
function onlySeries(result: StatementResult, index: number): QuerySeries | undefined {
  const series = result.series?.[0];
  if (series?.partial) throw new InfluxError('query_failed', `statement ${index + 1}: InfluxDB cut the answer short (max-row-limit); ask for a shorter range`, { statement: index });
  if (series && !Array.isArray(series.columns)) throw malformed(`statement ${index + 1}: series without columns`, index);
  return series;
}

function timeOf(row: unknown[], index: number): number {
  const t = row[0];
  if (typeof t !== 'number') throw malformed(`statement ${index + 1}: time ${JSON.stringify(t)} is not epoch milliseconds`, index);
  return t;
}

function numberOf(value: unknown, index: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'number') throw malformed(`statement ${index + 1}: value ${JSON.stringify(value)} is not a number`, index);
  return value;
}

/** Heapster's rule: a column is integer when every value in it is. */
const typeOf = (values: readonly number[]): ValueType => (values.every(Number.isInteger) ? 'int64' : 'float');

function parseSeries(result: StatementResult, index: number): HistoricalSeries {
  const series = onlySeries(result, index);
  const points = [];
  for (const row of series?.values ?? []) {
    const value = numberOf(row[1], index);
    if (value !== undefined) points.push({ timestamp: timeOf(row, index), value });
  }
  // Heapster reported an empty answer as float; it never reaches a client (no series → 500).
  return { valueType: points.length === 0 ? 'float' : typeOf(points.map((p) => p.value)), points };
}

function parseAggregation(result: StatementResult, index: number, aggregations: readonly AggregationName[], bucketMs: number): HistoricalAggregation {
  const series = onlySeries(result, index);
  const columns = new Map<AggregationName, number[]>();
  const buckets: HistoricalBucket[] = [];
  for (const row of series?.values ?? []) {
    const bucket: HistoricalBucket = { timestamp: timeOf(row, index) };
    aggregations.forEach((name, i) => {
      const value = numberOf(row[i + 1], index);
      if (value === undefined) return;
      if (name === 'count') {
        bucket.count = value;
        return;
      }
      const field = bucketField[name];
      if (name.endsWith('-perc')) bucket.percentiles = { ...bucket.percentiles, [field]: value };
      else (bucket as unknown as Record<string, number>)[field] = value;
      columns.set(name, [...(columns.get(name) ?? []), value]);
    });
    buckets.push(bucket);
  }
  const valueTypes: Partial<Record<AggregationName, ValueType>> = {};
  for (const [name, values] of columns) valueTypes[name] = typeOf(values);
  return { bucketSizeMs: bucketMs, buckets, valueTypes };
}

/** Distinct values of every series of a `SHOW TAG VALUES` answer, sorted. */
function tagValues(result: StatementResult): string[] {
  const values = new Set<string>();
  for (const series of result.series ?? []) {
    const column = series.columns.indexOf('value');
    for (const row of series.values ?? []) {
      const value = row[column];
      if (typeof value === 'string') values.add(value);
    }
  }
  return [...values].sort();
}

/** Creates the historical source for the InfluxDB sink described by `spec`. */
export function createInfluxHistory(spec: InfluxSinkSpec, options: InfluxHistoryOptions = {}): InfluxHistory {
  const { http: injected, ...httpOptions } = options;
  const http = injected ?? createInfluxHttp(spec, httpOptions);
  const { withFields } = spec;

  async function run(statements: readonly string[], signal?: AbortSignal): Promise<StatementResult[]> {
    if (statements.length === 0) return [];
    const results = await http.query(statements.join('; '), signal, true);
    if (results.length !== statements.length) {
      throw new InfluxError('malformed_response', `InfluxDB answered ${results.length} of ${statements.length} statements`);
    }
    results.forEach((result, i) => {
      if (result.error !== undefined) throw new InfluxError('query_failed', `statement ${i + 1}: ${result.error}`, { statement: i });
    });
    return results;
  }

  async function list(statement: string, signal?: AbortSignal): Promise<string[]> {
    const [result] = await run([statement], signal);
    return tagValues(result!);
  }

  /** With `withfields`, a measurement holds several metrics: keep the fields this key has points of. */
  async function fieldNames(key: HistoricalKey, measurements: string[], signal?: AbortSignal): Promise<string[]> {
    const predicate = keyPredicate(key);
    const results = await run(measurements.map((m) => `SELECT COUNT(*) FROM ${quoteIdentifier(m)} WHERE ${predicate}`), signal);
    const names: string[] = [];
    results.forEach((result, i) => {
      const series = onlySeries(result, i);
      const row = series?.values?.[0] ?? [];
      series?.columns.forEach((column, c) => {
        if (!column.startsWith('count_') || !((numberOf(row[c], i) ?? 0) > 0)) return;
        const field = column.slice('count_'.length);
        names.push(field === 'value' ? measurements[i]! : `${measurements[i]}/${field}`);
      });
    });
    return names.sort();
  }

  const history: InfluxHistory = {
    async metricNames(key, signal) {
      checkKey(key);
      const [result] = await run([`SHOW MEASUREMENTS WHERE ${keyPredicate(key)}`], signal);
      const measurements = (onlySeries(result!, 0)?.values ?? []).map((row) => String(row[0]));
      return withFields && measurements.length > 0 ? fieldNames(key, measurements, signal) : measurements.sort();
    },

    nodes: (signal) => list('SHOW TAG VALUES WITH KEY = "nodename"', signal),
    namespaces: (signal) => list('SHOW TAG VALUES WITH KEY = "namespace_name"', signal),

    async podsOf(namespace, signal) {
      checkKey({ kind: 'namespace', namespace });
      return list(`SHOW TAG VALUES WITH KEY = "pod_name" WHERE type = 'pod' AND namespace_name = '${namespace}'`, signal);
    },

    async systemContainersOf(node, signal) {
      checkKey({ kind: 'node', node });
      return list(`SHOW TAG VALUES WITH KEY = "container_name" WHERE type = 'sys_container' AND nodename = '${node}'`, signal);
    },

    series(keys, metric, labels, range, signal) {
      return history.seriesBatch(
        keys.map((key) => ({ key, metric, ...(labels ? { labels } : {}), ...range })),
        signal,
      );
    },

    async seriesBatch(requests, signal) {
      const statements = requests.map((request) => rawStatement(request, withFields));
      const results = await run(statements, signal);
      return results.map((result, i) => parseSeries(result, i));
    },

    async aggregate(keys, metric, aggregations, request, signal) {
      const bucketMs = request.bucketMs ?? 0;
      const statements = keys.map((key) =>
        aggregateStatement({ key, metric, aggregations, labels: request.labels, bucketMs, startMs: request.startMs, endMs: request.endMs, withFields }),
      );
      const results = await run(statements, signal);
      return results.map((result, i) => parseAggregation(result, i, aggregations, bucketMs));
    },

    close: () => http.close(),
  };
  return history;
}
