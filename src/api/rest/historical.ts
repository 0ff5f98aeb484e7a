/**
 * The `/api/v1/historical` tree (heapster-reference §1.4), mounted when `--historical_source`
 * names an InfluxDB sink: the model routes #1–#18 answered from InfluxDB, the raw pod-UID
 * routes, and the aggregation routes (historicalAggregated.ts). Same paths, JSON and handler
 * names as Heapster; `start` is mandatory and bounds are exclusive (historicalParams.ts).
 *
 * As in Heapster, one requested key without points fails a metric request with 500
 * (`No results for metric ...`), and the pod containers list (#12) reads the in-memory store.
 *
 * @module
 */
import { Label } from '../../core/labels.js';
import type { Logger } from '../../core/log.js';
import { requireSeries } from '../../sinks/influxdb/historyQuery.js';
import type { HistoricalKey, InfluxHistory } from '../../sinks/influxdb/historyTypes.js';
import type { QueryService } from '../query/types.js';
import { historicalAggregatedRoutes } from './historicalAggregated.js';
import { historicalKeys, podIdListKeys, podNameListKeys, type HistoricalKeyOf } from './historicalKeys.js';
import { historicalPrefix, parseHistoricalLabels, parseHistoricalRange } from './historicalParams.js';
import { answeringHistory } from './historicalReply.js';
import { canonicalMetricName } from './params.js';
import { jsonReply } from './reply.js';
import { metricResult, type MetricResultJson } from './results.js';
import type { Reply, Route, RouteRequest } from './router.js';

/** Options of {@link historicalRoutes}. */
export interface HistoricalRoutesOptions {
  /** The InfluxDB source every route but #12 reads. */
  history: InfluxHistory;
  /** The in-memory store, for the pod containers list Heapster kept reading from memory. */
  query: QueryService;
  /** Hears of InfluxDB failures. */
  logger?: Logger;
}

type Params = RouteRequest['params'];

/**
 * One `MetricResult` per key, in order, from one InfluxDB request; Heapster's checks in its
 * order: time range, labels, then (in the backend) names and the no-results rule.
 */
export async function historicalMetricResults(history: InfluxHistory, keys: readonly HistoricalKey[], request: RouteRequest): Promise<MetricResultJson[]> {
  const range = parseHistoricalRange(request.query, request.nowMs);
  const labels = parseHistoricalLabels(request.query);
  const metric = canonicalMetricName(request.params['metric-name']!);
  const series = await history.series(keys, metric, labels, range);
  requireSeries(metric, keys, series);
  return series.map(metricResult);
}

/** The historical model-tree and raw pod-UID routes, and the aggregation routes. */
export function historicalRoutes({ history, query, logger }: HistoricalRoutesOptions): Route[] {
  const route = (pattern: string, handler: string, answer: (request: RouteRequest) => Promise<Reply> | Reply): Route => ({
    pattern: `${historicalPrefix}${pattern}`,
    handler,
    produces: 'json',
    answer: (request) => answeringHistory(async () => answer(request), logger),
  });
  const list = (pattern: string, handler: string, names: (params: Params) => Promise<string[]>) =>
    route(pattern, handler, async ({ params }) => jsonReply(await names(params)));
  const available = (pattern: string, handler: string, keyOf: HistoricalKeyOf) => list(pattern, handler, (params) => history.metricNames(keyOf(params)));
  const metric = (pattern: string, handler: string, keyOf: HistoricalKeyOf) =>
    route(pattern, handler, async (request) => jsonReply((await historicalMetricResults(history, [keyOf(request.params)], request))[0]));
  const metricList = (pattern: string, handler: string, keysOf: (params: Params) => HistoricalKey[]) =>
    route(pattern, handler, async (request) => jsonReply({ items: await historicalMetricResults(history, keysOf(request.params), request) }, { pretty: false }));

  const node = '/nodes/{node-name}';
  const namespace = '/namespaces/{namespace-name}';
  const pod = `${namespace}/pods/{pod-name}`;
  const container = `${pod}/containers/{container-name}`;
  const freeContainer = `${node}/freecontainers/{container-name}`;
  const podUid = '/pod-id/{pod-id}';
  return [
    available('/metrics', 'availableClusterMetrics', historicalKeys.cluster),
    metric('/metrics/{metric-name:*}', 'clusterMetrics', historicalKeys.cluster),
    list('/nodes', 'nodeList', () => history.nodes()),
    available(`${node}/metrics`, 'availableNodeMetrics', historicalKeys.node),
    metric(`${node}/metrics/{metric-name:*}`, 'nodeMetrics', historicalKeys.node),
    list('/namespaces', 'namespaceList', () => history.namespaces()),
    available(`${namespace}/metrics`, 'availableNamespaceMetrics', historicalKeys.namespace),
    metric(`${namespace}/metrics/{metric-name:*}`, 'namespaceMetrics', historicalKeys.namespace),
    list(`${namespace}/pods`, 'namespacePodList', (p) => history.podsOf(p['namespace-name']!)),
    available(`${pod}/metrics`, 'availablePodMetrics', historicalKeys.pod),
    metric(`${pod}/metrics/{metric-name:*}`, 'podMetrics', historicalKeys.pod),
    // Heapster never overrode this one: it lists the containers of the newest in-memory batch.
    list(`${pod}/containers`, 'podContainerList', async (p) =>
      query.containers(p['namespace-name']!, p['pod-name']!).map((c) => c.labels[Label.ContainerName] ?? ''),
    ),
    available(`${container}/metrics`, 'availableContainerMetrics', historicalKeys.podContainer),
    metric(`${container}/metrics/{metric-name:*}`, 'podContainerMetrics', historicalKeys.podContainer),
    list(`${node}/freecontainers`, 'systemContainerList', (p) => history.systemContainersOf(p['node-name']!)),
    available(`${freeContainer}/metrics`, 'availableMetrics', historicalKeys.freeContainer),
    metric(`${freeContainer}/metrics/{metric-name:*}`, 'freeContainerMetrics', historicalKeys.freeContainer),
    metricList(`${namespace}/pod-list/{pod-list}/metrics/{metric-name:*}`, 'podListMetric', podNameListKeys),
    // Raw metrics by pod UID, with the handler names Heapster instrumented them under.
    metric(`${podUid}/metrics/{metric-name:*}`, 'podMetrics', historicalKeys.podUid),
    metric(`${podUid}/containers/{container-name}/metrics/{metric-name:*}`, 'podContainerMetrics', historicalKeys.podUidContainer),
    metricList('/pod-id-list/{pod-id-list}/metrics/{metric-name:*}', 'podListAggregations', podIdListKeys),
    ...historicalAggregatedRoutes({ history, ...(logger ? { logger } : {}) }),
  ];
}
