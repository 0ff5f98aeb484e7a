/**
 * InfluxQL for the historical source, as Heapster composed it (`influxdb_historical.go`,
 * heapster-reference §1.4): key predicates, raw and aggregation statements, and the input
 * sanitising that stands in for bound parameters — same regular expressions, same messages.
 *
 * Differences, all documented in docs/influxdb.md: time bounds keep milliseconds (Heapster cut
 * them to whole seconds); label predicates are sorted (Heapster used Go map order); empty
 * names are refused (Heapster let `''` through); workload keys are Heapgraph's own.
 *
 * @module
 */
import type { WorkloadKind } from '../../core/keys.js';
import { InfluxError, goQuote } from './errors.js';
import type { AggregationName, HistoricalKey, HistoricalRange, HistoricalSeries, SeriesRequest } from './historyTypes.js';

/** Heapster's `nameAllowedChars`: node, namespace, pod, container names and pod ids. */
export const nameAllowedChars = /^[a-zA-Z0-9_.-]+$/;
/** Heapster's `metricAllowedChars`: metric names and label keys. */
export const metricAllowedChars = /^[a-zA-Z0-9_./:-]+$/;
/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;

function invalid(what: string, value: string): never {
  throw new InfluxError('invalid_input', `Invalid ${what} ${goQuote(value)}`, { [what]: value });
}

function checkName(what: string, value: string): string {
  return nameAllowedChars.test(value) ? value : invalid(what, value);
}

/** Throws `invalid_input` (Heapster's message) unless every name of `key` is safe to quote. */
export function checkKey(key: HistoricalKey): void {
  switch (key.kind) {
    case 'cluster':
      return;
    case 'node':
      checkName('node name', key.node);
      return;
    case 'namespace':
      checkName('namespace name', key.namespace);
      return;
    case 'pod':
      checkName('namespace name', key.namespace);
      checkName('pod name', key.pod);
      return;
    case 'podUid':
      checkName('pod id', key.podId);
      return;
    case 'podContainer':
      checkName('namespace name', key.namespace);
      checkName('pod name', key.pod);
      checkName('container name', key.container);
      return;
    case 'podUidContainer':
      checkName('container name', key.container);
      checkName('pod id', key.podId);
      return;
    case 'systemContainer':
      checkName('node name', key.node);
      checkName('container name', key.container);
      return;
    case 'workload':
      checkName('namespace name', key.namespace);
      checkName('workload kind', key.workloadKind);
      checkName('workload name', key.workload);
      return;
  }
}

/** Throws `invalid_input` unless `metric` matches Heapster's metric-name rule. */
export function checkMetricName(metric: string): void {
  if (!metricAllowedChars.test(metric)) invalid('metric name', metric);
}

/**
 * Throws `invalid_input` unless every label key is a safe identifier and every value printable
 * without quotes or backslashes (InfluxQL reads `\` in a quoted string as an escape, so such a
 * value would match another value or break the statement).
 */
export function checkLabels(labels: Readonly<Record<string, string>> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!metricAllowedChars.test(key)) invalid('label name', key);
    if (value.includes('"') || value.includes("'") || value.includes('\\') || !printable.test(value)) invalid('label value', value);
  }
}

/** Heapster's `keyToSelector`. Inputs must have passed {@link checkKey}. */
export function keyPredicate(key: HistoricalKey): string {
  switch (key.kind) {
    case 'cluster':
      return "type = 'cluster'";
    case 'node':
      return `type = 'node' AND nodename = '${key.node}'`;
    case 'systemContainer':
      return `type = 'sys_container' AND container_name = '${key.container}' AND nodename = '${key.node}'`;
    case 'namespace':
      return `type = 'ns' AND namespace_name = '${key.namespace}'`;
    case 'pod':
      return `type = 'pod' AND namespace_name = '${key.namespace}' AND pod_name = '${key.pod}'`;
    case 'podUid':
      return `type = 'pod' AND pod_id = '${key.podId}'`;
    case 'podContainer':
      return `type = 'pod_container' AND namespace_name = '${key.namespace}' AND pod_name = '${key.pod}' AND container_name = '${key.container}'`;
    case 'podUidContainer':
      return `type = 'pod_container' AND pod_id = '${key.podId}' AND container_name = '${key.container}'`;
    case 'workload':
      return `type = 'workload' AND namespace_name = '${key.namespace}' AND workload_kind = '${key.workloadKind}' AND workload_name = '${key.workload}'`;
  }
}

/** Heapster's key text for messages: `(pod)ns:cheese/pod:cheddar`, `(node)node:n1`, `(cluster)[cluster]`. */
export function historicalKeyString(key: HistoricalKey): string {
  switch (key.kind) {
    case 'cluster':
      return '(cluster)[cluster]';
    case 'node':
      return `(node)node:${key.node}`;
    case 'namespace':
      return `(ns)ns:${key.namespace}`;
    case 'pod':
      return `(pod)ns:${key.namespace}/pod:${key.pod}`;
    case 'podUid':
      return `(pod)poduid:${key.podId}`;
    case 'podContainer':
      return `(pod_container)ns:${key.namespace}/pod:${key.pod}/container:${key.container}`;
    case 'podUidContainer':
      return `(pod_container)poduid:${key.podId}/container:${key.container}`;
    case 'systemContainer':
      return `(sys_container)node:${key.node}/container:${key.container}`;
    case 'workload':
      return `(workload)ns:${key.namespace}/${key.workloadKind.toLowerCase()}:${key.workload}`;
  }
}

const workloadKinds: Record<string, WorkloadKind> = {
  deployment: 'Deployment',
  replicaset: 'ReplicaSet',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  job: 'Job',
  cronjob: 'CronJob',
};

/** The historical key of a model-store key (`core/keys.ts` formats); undefined when it is none of them. */
export function historicalKeyFromModelKey(modelKey: string): HistoricalKey | undefined {
  if (modelKey === 'cluster') return { kind: 'cluster' };
  let m = /^node:([^/]+)$/.exec(modelKey);
  if (m) return { kind: 'node', node: m[1]! };
  m = /^node:([^/]+)\/container:(.+)$/.exec(modelKey);
  if (m) return { kind: 'systemContainer', node: m[1]!, container: m[2]! };
  m = /^namespace:([^/]+)$/.exec(modelKey);
  if (m) return { kind: 'namespace', namespace: m[1]! };
  m = /^namespace:([^/]+)\/pod:([^/]+)$/.exec(modelKey);
  if (m) return { kind: 'pod', namespace: m[1]!, pod: m[2]! };
  m = /^namespace:([^/]+)\/pod:([^/]+)\/container:(.+)$/.exec(modelKey);
  if (m) return { kind: 'podContainer', namespace: m[1]!, pod: m[2]!, container: m[3]! };
  m = /^namespace:([^/]+)\/([a-z]+):([^/]+)$/.exec(modelKey);
  const workloadKind = m ? workloadKinds[m[2]!] : undefined;
  if (m && workloadKind) return { kind: 'workload', namespace: m[1]!, workloadKind, workload: m[3]! };
  return undefined;
}

/** Measurement and field of a metric (Heapster's `metricToSeriesAndField`). */
export function measurementAndField(metric: string, withFields: boolean): { measurement: string; field: string } {
  if (!withFields) return { measurement: metric, field: 'value' };
  const slash = metric.indexOf('/');
  return slash === -1 ? { measurement: metric, field: 'value' } : { measurement: metric.slice(0, slash), field: metric.slice(slash + 1) };
}

/** RFC 3339 in UTC; whole seconds print as Heapster printed them, other times keep their milliseconds. */
export function influxTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

/** `<predicate>[ AND "k" = 'v'...][ AND time > ...][ AND time < ...]` (exclusive bounds). */
function wherePart(key: HistoricalKey, labels: Readonly<Record<string, string>> | undefined, range: HistoricalRange): string {
  let where = keyPredicate(key);
  for (const name of Object.keys(labels ?? {}).sort()) where += ` AND "${name}" = '${labels![name]}'`;
  if (range.startMs !== undefined) where += ` AND time > '${influxTime(range.startMs)}'`;
  if (range.endMs !== undefined) where += ` AND time < '${influxTime(range.endMs)}'`;
  return where;
}

/** Checks a lookup and returns its raw statement: `SELECT time, "<field>" FROM "<measurement>" WHERE ...`. */
export function rawStatement(request: SeriesRequest, withFields: boolean): string {
  checkKey(request.key);
  checkMetricName(request.metric);
  checkLabels(request.labels);
  const { measurement, field } = measurementAndField(request.metric, withFields);
  return `SELECT time, "${field}" FROM "${measurement}" WHERE ${wherePart(request.key, request.labels, request)}`;
}

/** InfluxQL of each aggregation name (Heapster's `aggregationFunc`). */
export const aggregationFunctions: Readonly<Record<AggregationName, (field: string) => string>> = {
  average: (f) => `MEAN("${f}")`,
  max: (f) => `MAX("${f}")`,
  min: (f) => `MIN("${f}")`,
  median: (f) => `MEDIAN("${f}")`,
  count: (f) => `COUNT("${f}")`,
  '50-perc': (f) => `PERCENTILE("${f}", 50)`,
  '95-perc': (f) => `PERCENTILE("${f}", 95)`,
  '99-perc': (f) => `PERCENTILE("${f}", 99)`,
};

/** Options of {@link aggregateStatement}. */
export interface AggregateStatementOptions extends HistoricalRange {
  key: HistoricalKey;
  metric: string;
  aggregations: readonly AggregationName[];
  labels?: Readonly<Record<string, string>> | undefined;
  bucketMs?: number | undefined;
  withFields: boolean;
}

/** Checks inputs and returns Heapster's aggregation statement (`GROUP BY time(<µs>u) fill(none)` with buckets). */
export function aggregateStatement(options: AggregateStatementOptions): string {
  const { key, metric, aggregations, labels, bucketMs = 0, withFields } = options;
  checkKey(key);
  checkMetricName(metric);
  checkLabels(labels);
  if (aggregations.length === 0) throw new InfluxError('invalid_input', 'no aggregation requested');
  for (const name of aggregations) {
    if (!Object.hasOwn(aggregationFunctions, name)) throw new InfluxError('invalid_input', `Unknown aggregation ${goQuote(name)}`, { aggregation: name });
  }
  if (!Number.isInteger(bucketMs) || bucketMs < 0) throw new InfluxError('invalid_input', `bucket size must be a whole number of milliseconds ≥ 0, received ${bucketMs}`);
  const { measurement, field } = measurementAndField(metric, withFields);
  const selected = aggregations.map((name) => aggregationFunctions[name](field)).join(', ');
  let statement = `SELECT ${selected} FROM "${measurement}" WHERE ${wherePart(key, labels, options)}`;
  if (bucketMs !== 0) {
    // GROUP BY time() needs a time bound; Heapster's fill(none) skips empty buckets.
    if (options.startMs === undefined && options.endMs === undefined) statement += ' AND time < now()';
    statement += ` GROUP BY time(${bucketMs * 1000}u) fill(none)`;
  }
  return statement;
}

/** Heapster's 500 for a key without data: `No results for metric "<m>" describing "<key>"`. */
export function noResultsError(metric: string, key: HistoricalKey): InfluxError {
  return new InfluxError('no_results', `No results for metric ${goQuote(metric)} describing ${goQuote(historicalKeyString(key))}`, { metric, key: historicalKeyString(key) });
}

/**
 * Heapster's rule for the historical metric routes: one key without points fails the whole
 * request. Throws {@link noResultsError} for the first such key.
 */
export function requireSeries(metric: string, keys: readonly HistoricalKey[], results: readonly HistoricalSeries[]): void {
  keys.forEach((key, i) => {
    if ((results[i]?.points.length ?? 0) === 0) throw noResultsError(metric, key);
  });
}
