/**
 * The `/api/v1/historical` tree (heapster-reference §1.4), mounted when `--historical_source`
 * names an InfluxDB sink: the model routes #1–#18 answered from InfluxDB, the raw pod-UID
 * routes, and the aggregation routes (historicalAggregated.ts). Same paths, JSON and handler
 * names as Heapster; `start` is mandatory and bounds are exclusive (historicalParams.ts).
 *
 * As in Heapster, one requested key without points fails a metric request with 500
 * (`No results for metric ...`), and the pod containers list (#12) reads the in-memory store.
 * A caller's scope applies as in the model tree (access.ts); an entity it may not see has no
 * series, so it fails exactly as an entity InfluxDB never stored.
 *
 * @module
 */
import { Label } from '../../core/labels.js';
import { requireSeries } from '../../sinks/influxdb/historyQuery.js';
import type { HistoricalKey, InfluxHistory } from '../../sinks/influxdb/historyTypes.js';
import type { Permission } from './access.js';
import { historicalAggregatedRoutes } from './historicalAggregated.js';
import { historicalKeys, podIdListKeys, podNameListKeys, type HistoricalKeyOf } from './historicalKeys.js';
import { historicalPrefix, parseHistoricalLabels, parseHistoricalRange } from './historicalParams.js';
import { historicalAnswer, type HistoricalSources, type HistoricalView } from './historicalReply.js';
import { canonicalMetricName } from './params.js';
import { jsonReply } from './reply.js';
import { metricResult, type MetricResultJson } from './results.js';
import type { Reply, Route, RouteRequest } from './router.js';

/** Options of {@link historicalRoutes}: InfluxDB (every route but #12), memory (#12, and pod UIDs of scoped callers), a logger. */
export type HistoricalRoutesOptions = HistoricalSources;

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

/** The historical model-tree and raw pod-UID routes, and the aggregation routes; cluster routes need `cluster`, node routes `nodes`. */
export function historicalRoutes(options: HistoricalRoutesOptions): Route[] {
  const route = (pattern: string, handler: string, answer: (request: RouteRequest, view: HistoricalView) => Promise<Reply> | Reply, permission?: Permission): Route => ({
    pattern: `${historicalPrefix}${pattern}`,
    handler,
    produces: 'json',
    answer: historicalAnswer(options, answer, permission),
  });
  const list = (pattern: string, handler: string, names: (params: Params, view: HistoricalView) => Promise<string[]>, permission?: Permission) =>
    route(pattern, handler, async ({ params }, view) => jsonReply(await names(params, view)), permission);
  const available = (pattern: string, handler: string, keyOf: HistoricalKeyOf, permission?: Permission) =>
    list(pattern, handler, (params, { history }) => history.metricNames(keyOf(params)), permission);
  const metric = (pattern: string, handler: string, keyOf: HistoricalKeyOf, permission?: Permission) =>
    route(pattern, handler, async (request, { history }) => jsonReply((await historicalMetricResults(history, [keyOf(request.params)], request))[0]), permission);
  const metricList = (pattern: string, handler: string, keysOf: (params: Params) => HistoricalKey[]) =>
    route(pattern, handler, async (request, { history }) => jsonReply({ items: await historicalMetricResults(history, keysOf(request.params), request) }, { pretty: false }));

  const node = '/nodes/{node-name}';
  const namespace = '/namespaces/{namespace-name}';
  const pod = `${namespace}/pods/{pod-name}`;
  const container = `${pod}/containers/{container-name}`;
  const freeContainer = `${node}/freecontainers/{container-name}`;
  const podUid = '/pod-id/{pod-id}';
  return [
    available('/metrics', 'availableClusterMetrics', historicalKeys.cluster, 'cluster'),
    metric('/metrics/{metric-name:*}', 'clusterMetrics', historicalKeys.cluster, 'cluster'),
    list('/nodes', 'nodeList', (_p, { history }) => history.nodes(), 'nodes'),
    available(`${node}/metrics`, 'availableNodeMetrics', historicalKeys.node, 'nodes'),
    metric(`${node}/metrics/{metric-name:*}`, 'nodeMetrics', historicalKeys.node, 'nodes'),
    list('/namespaces', 'namespaceList', (_p, { history }) => history.namespaces()),
    available(`${namespace}/metrics`, 'availableNamespaceMetrics', historicalKeys.namespace),
    metric(`${namespace}/metrics/{metric-name:*}`, 'namespaceMetrics', historicalKeys.namespace),
    list(`${namespace}/pods`, 'namespacePodList', (p, { history }) => history.podsOf(p['namespace-name']!)),
    available(`${pod}/metrics`, 'availablePodMetrics', historicalKeys.pod),
    metric(`${pod}/metrics/{metric-name:*}`, 'podMetrics', historicalKeys.pod),
    // Heapster never overrode this one: it lists the containers of the newest in-memory batch.
    list(`${pod}/containers`, 'podContainerList', async (p, { query }) =>
      query.containers(p['namespace-name']!, p['pod-name']!).map((c) => c.labels[Label.ContainerName] ?? ''),
    ),
    available(`${container}/metrics`, 'availableContainerMetrics', historicalKeys.podContainer),
    metric(`${container}/metrics/{metric-name:*}`, 'podContainerMetrics', historicalKeys.podContainer),
    list(`${node}/freecontainers`, 'systemContainerList', (p, { history }) => history.systemContainersOf(p['node-name']!), 'nodes'),
    available(`${freeContainer}/metrics`, 'availableMetrics', historicalKeys.freeContainer, 'nodes'),
    metric(`${freeContainer}/metrics/{metric-name:*}`, 'freeContainerMetrics', historicalKeys.freeContainer, 'nodes'),
    metricList(`${namespace}/pod-list/{pod-list}/metrics/{metric-name:*}`, 'podListMetric', podNameListKeys),
    // Raw metrics by pod UID, with the handler names Heapster instrumented them under.
    metric(`${podUid}/metrics/{metric-name:*}`, 'podMetrics', historicalKeys.podUid),
    metric(`${podUid}/containers/{container-name}/metrics/{metric-name:*}`, 'podContainerMetrics', historicalKeys.podUidContainer),
    metricList('/pod-id-list/{pod-id-list}/metrics/{metric-name:*}', 'podListAggregations', podIdListKeys),
    ...historicalAggregatedRoutes(options),
  ];
}
