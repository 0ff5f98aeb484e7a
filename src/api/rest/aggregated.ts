/**
 * The `metrics-aggregated/{aggregations}/{metric-name}` routes (heapster-reference §1.4).
 * Heapster served them only from InfluxDB under `/api/v1/historical`; Heapgraph answers them
 * from memory under `/api/v1/model`, with the same parameters, errors and JSON.
 *
 * @module
 */
import type { QueryService } from '../query/types.js';
import { scopedAnswer, type Permission } from './access.js';
import { entityKeys, modelPrefix, podListKeys, type KeyOf } from './model.js';
import { canonicalMetricName, parseAggregations, parseBucket, parseLabels, parseTimeRange } from './params.js';
import { answering, jsonReply } from './reply.js';
import { aggregationResult, type AggregationResultJson } from './results.js';
import type { Route, RouteRequest } from './router.js';

/** Aggregations over each key, with Heapster's check order: time range, bucket, aggregations, labels. */
function aggregationResults(query: QueryService, keys: readonly string[], request: RouteRequest): AggregationResultJson[] {
  const range = parseTimeRange(request.query, request.nowMs);
  const bucketMs = parseBucket(request.query);
  const aggregations = parseAggregations(request.params.aggregations!);
  const labels = parseLabels(request.query);
  const metric = canonicalMetricName(request.params['metric-name']!);
  const countRequested = aggregations.includes('count');
  return keys.map((key) =>
    aggregationResult(query.aggregate(key, metric, aggregations, { ...range, bucketMs, ...(labels ? { labels } : {}) }), countRequested),
  );
}

/** The aggregation routes, named as Heapster's historical handlers were; cluster needs `cluster`, nodes and free containers `nodes`. */
export function aggregatedRoutes(query: QueryService): Route[] {
  const tail = 'metrics-aggregated/{aggregations}/{metric-name:*}';
  const single = (prefix: string, handler: string, keyOf: KeyOf, permission?: Permission): Route => ({
    pattern: `${modelPrefix}${prefix}/${tail}`,
    handler,
    produces: 'json',
    answer: scopedAnswer(query, (request, view) => answering(() => jsonReply(aggregationResults(view, [keyOf(request.params)], request)[0])), { permission }),
  });
  const namespace = '/namespaces/{namespace-name}';
  const pod = `${namespace}/pods/{pod-name}`;
  return [
    single('', 'clusterMetrics', entityKeys.cluster, 'cluster'),
    single('/nodes/{node-name}', 'nodeMetrics', entityKeys.node, 'nodes'),
    single(namespace, 'namespaceMetrics', entityKeys.namespace),
    single(pod, 'podMetrics', entityKeys.pod),
    single(`${pod}/containers/{container-name}`, 'podContainerMetrics', entityKeys.podContainer),
    single('/nodes/{node-name}/freecontainers/{container-name}', 'freeContainerMetrics', entityKeys.freeContainer, 'nodes'),
    {
      pattern: `${modelPrefix}${namespace}/pod-list/{pod-list}/${tail}`,
      handler: 'podListAggregations',
      produces: 'json',
      answer: scopedAnswer(query, (request, view) =>
        answering(() => jsonReply({ items: aggregationResults(view, podListKeys(request.params), request) }, { pretty: false })),
      ),
    },
  ];
}
