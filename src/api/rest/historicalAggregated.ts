/**
 * The historical `metrics-aggregated/{aggregations}/{metric-name}` routes (heapster-reference
 * §1.4): InfluxDB's MEAN, MAX, MIN, MEDIAN, COUNT and PERCENTILE per `bucket`, for the cluster,
 * nodes, namespaces, pods and containers (by name or UID), free containers and pod lists, in
 * Heapster's `MetricAggregationResult` JSON (results.ts) under Heapster's handler names.
 *
 * A key without points in range answers `{"buckets": [], "bucketSize": 0}`; Heapster indexed the
 * missing series and dropped the connection.
 *
 * @module
 */
import type { HistoricalAggregation, HistoricalKey, InfluxHistory } from '../../sinks/influxdb/historyTypes.js';
import { historicalKeys, podIdListKeys, podNameListKeys, type HistoricalKeyOf } from './historicalKeys.js';
import { historicalPrefix, parseHistoricalLabels, parseHistoricalRange } from './historicalParams.js';
import type { Permission } from './access.js';
import { historicalAnswer, type HistoricalSources } from './historicalReply.js';
import { canonicalMetricName, parseAggregations, parseBucket } from './params.js';
import { jsonReply } from './reply.js';
import { aggregationResult, type AggregationResultJson } from './results.js';
import type { Route, RouteRequest } from './router.js';

/** Options of {@link historicalAggregatedRoutes}: InfluxDB, memory (to resolve pod UIDs of scoped callers) and a logger. */
export type HistoricalAggregatedOptions = HistoricalSources;

/** Heapster's JSON of one key's aggregations (`count` only when asked for). */
function toJson(result: HistoricalAggregation, countRequested: boolean): AggregationResultJson {
  const buckets = result.buckets.map((bucket) => ({ ...bucket, count: bucket.count ?? 0 }));
  return aggregationResult({ bucketSizeMs: result.bucketSizeMs, buckets }, countRequested);
}

/**
 * Aggregations of each key, from one InfluxDB request, with Heapster's check order: time range,
 * bucket, aggregations, labels, then (in the backend) names.
 */
export async function historicalAggregationResults(history: InfluxHistory, keys: readonly HistoricalKey[], request: RouteRequest): Promise<AggregationResultJson[]> {
  const range = parseHistoricalRange(request.query, request.nowMs);
  const bucketMs = parseBucket(request.query);
  const aggregations = parseAggregations(request.params.aggregations!);
  const labels = parseHistoricalLabels(request.query);
  const metric = canonicalMetricName(request.params['metric-name']!);
  const results = await history.aggregate(keys, metric, aggregations, { ...range, bucketMs, ...(labels ? { labels } : {}) });
  const countRequested = aggregations.includes('count');
  return results.map((result) => toJson(result, countRequested));
}

/** The historical aggregation routes; the cluster's needs the `cluster` right, nodes' and free containers' `nodes`. */
export function historicalAggregatedRoutes(options: HistoricalAggregatedOptions): Route[] {
  const tail = 'metrics-aggregated/{aggregations}/{metric-name:*}';
  const single = (prefix: string, handler: string, keyOf: HistoricalKeyOf, permission?: Permission): Route => ({
    pattern: `${historicalPrefix}${prefix}/${tail}`,
    handler,
    produces: 'json',
    answer: historicalAnswer(options, async (request, { history }) => jsonReply((await historicalAggregationResults(history, [keyOf(request.params)], request))[0]), permission),
  });
  const list = (prefix: string, keysOf: (params: RouteRequest['params']) => HistoricalKey[]): Route => ({
    pattern: `${historicalPrefix}${prefix}/${tail}`,
    handler: 'podListAggregations',
    produces: 'json',
    answer: historicalAnswer(options, async (request, { history }) =>
      jsonReply({ items: await historicalAggregationResults(history, keysOf(request.params), request) }, { pretty: false }),
    ),
  });
  const node = '/nodes/{node-name}';
  const namespace = '/namespaces/{namespace-name}';
  const pod = `${namespace}/pods/{pod-name}`;
  const podUid = '/pod-id/{pod-id}';
  return [
    single('', 'clusterMetrics', historicalKeys.cluster, 'cluster'),
    single(node, 'nodeMetrics', historicalKeys.node, 'nodes'),
    single(namespace, 'namespaceMetrics', historicalKeys.namespace),
    single(pod, 'podMetrics', historicalKeys.pod),
    single(`${pod}/containers/{container-name}`, 'podContainerMetrics', historicalKeys.podContainer),
    single(podUid, 'podMetrics', historicalKeys.podUid),
    single(`${podUid}/containers/{container-name}`, 'podContainerMetrics', historicalKeys.podUidContainer),
    single(`${node}/freecontainers/{container-name}`, 'freeContainerMetrics', historicalKeys.freeContainer, 'nodes'),
    list(`${namespace}/pod-list/{pod-list}`, podNameListKeys),
    list('/pod-id-list/{pod-id-list}', podIdListKeys),
  ];
}
