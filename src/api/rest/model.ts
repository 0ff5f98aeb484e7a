/**
 * The `/api/v1/model` tree (heapster-reference §1.3): Heapster's 19 routes over the query
 * service. Lists read the newest batch, metric-name lists the whole retention, metric routes
 * every retained point in `[start, end]`. Each answer reads the caller's view of the query
 * service; cluster routes need the `cluster` right and node routes `nodes` (access.ts).
 *
 * @module
 */
import { clusterKey, namespaceKey, nodeKey, podContainerKey, podKey, systemContainerKey } from '../../core/keys.js';
import { Label } from '../../core/labels.js';
import type { EntityInfo, QueryService } from '../query/types.js';
import { scopedAnswer, type Permission, type ScopedAnswer } from './access.js';
import { canonicalMetricName, parseLabels, parseTimeRange } from './params.js';
import { answering, jsonReply } from './reply.js';
import { labeledResult, seriesResult, type MetricResultJson } from './results.js';
import type { Route, RouteRequest } from './router.js';

/** Where the model tree is mounted. */
export const modelPrefix = '/api/v1/model';

type Params = RouteRequest['params'];

/** The metric-set key a route's path parameters name. */
export type KeyOf = (params: Params) => string;

/** Keys of the model routes' entities, by the route's path parameters. */
export const entityKeys = {
  cluster: (() => clusterKey()) as KeyOf,
  node: ((p) => nodeKey(p['node-name']!)) as KeyOf,
  namespace: ((p) => namespaceKey(p['namespace-name']!)) as KeyOf,
  pod: ((p) => podKey(p['namespace-name']!, p['pod-name']!)) as KeyOf,
  podContainer: ((p) => podContainerKey(p['namespace-name']!, p['pod-name']!, p['container-name']!)) as KeyOf,
  freeContainer: ((p) => systemContainerKey(p['node-name']!, p['container-name']!)) as KeyOf,
};

/** Pod keys of a `{pod-list}` parameter, in the order given, duplicates kept. */
export function podListKeys(params: Params): string[] {
  return params['pod-list']!.split(',').map((pod) => podKey(params['namespace-name']!, pod));
}

/** One `MetricResult` per key, with Heapster's parameter checks (time range, then labels). */
export function metricResults(query: QueryService, keys: readonly string[], request: RouteRequest): MetricResultJson[] {
  const range = parseTimeRange(request.query, request.nowMs);
  const metric = canonicalMetricName(request.params['metric-name']!);
  const labels = parseLabels(request.query);
  return keys.map((key) =>
    labels ? labeledResult(query.labeledSeries(key, metric, labels, range)) : seriesResult(query.series(key, metric, range)),
  );
}

const labelOf = (label: string) => (entities: readonly EntityInfo[]) => entities.map((e) => e.labels[label] ?? '');

/** The model routes: cluster routes need the `cluster` right, node and free-container routes `nodes`. */
export function modelRoutes(query: QueryService): Route[] {
  const route = (pattern: string, handler: string, answer: ScopedAnswer, permission?: Permission): Route => ({
    pattern: `${modelPrefix}${pattern}`,
    handler,
    produces: 'json',
    answer: scopedAnswer(query, answer, { permission }),
  });
  const list = (pattern: string, handler: string, names: (params: Params, view: QueryService) => string[], permission?: Permission) =>
    route(pattern, handler, ({ params }, view) => jsonReply(names(params, view)), permission);
  const available = (pattern: string, handler: string, keyOf: KeyOf, permission?: Permission) =>
    list(pattern, handler, (params, view) => view.metricNames(keyOf(params)), permission);
  const metric = (pattern: string, handler: string, keyOf: KeyOf, permission?: Permission) =>
    route(pattern, handler, (request, view) => answering(() => jsonReply(metricResults(view, [keyOf(request.params)], request)[0])), permission);

  const node = '/nodes/{node-name}';
  const namespace = '/namespaces/{namespace-name}';
  const pod = `${namespace}/pods/{pod-name}`;
  const container = `${pod}/containers/{container-name}`;
  const freeContainer = `${node}/freecontainers/{container-name}`;
  return [
    available('/metrics', 'availableClusterMetrics', entityKeys.cluster, 'cluster'),
    metric('/metrics/{metric-name:*}', 'clusterMetrics', entityKeys.cluster, 'cluster'),
    list('/nodes', 'nodeList', (_p, view) => labelOf(Label.Hostname)(view.nodes()), 'nodes'),
    available(`${node}/metrics`, 'availableNodeMetrics', entityKeys.node, 'nodes'),
    metric(`${node}/metrics/{metric-name:*}`, 'nodeMetrics', entityKeys.node, 'nodes'),
    list('/namespaces', 'namespaceList', (_p, view) => labelOf(Label.NamespaceName)(view.namespaces())),
    available(`${namespace}/metrics`, 'availableNamespaceMetrics', entityKeys.namespace),
    metric(`${namespace}/metrics/{metric-name:*}`, 'namespaceMetrics', entityKeys.namespace),
    list(`${namespace}/pods`, 'namespacePodList', (p, view) => labelOf(Label.PodName)(view.pods(p['namespace-name']!))),
    available(`${pod}/metrics`, 'availablePodMetrics', entityKeys.pod),
    metric(`${pod}/metrics/{metric-name:*}`, 'podMetrics', entityKeys.pod),
    list(`${pod}/containers`, 'podContainerList', (p, view) => labelOf(Label.ContainerName)(view.containers(p['namespace-name']!, p['pod-name']!))),
    available(`${container}/metrics`, 'availableContainerMetrics', entityKeys.podContainer),
    metric(`${container}/metrics/{metric-name:*}`, 'podContainerMetrics', entityKeys.podContainer),
    // Heapster filters free containers by the `hostname` label, not the node name (quirk 2).
    list(`${node}/freecontainers`, 'systemContainerList', (p, view) => labelOf(Label.ContainerName)(view.systemContainers(p['node-name']!)), 'nodes'),
    available(`${freeContainer}/metrics`, 'availableMetrics', entityKeys.freeContainer, 'nodes'),
    metric(`${freeContainer}/metrics/{metric-name:*}`, 'freeContainerMetrics', entityKeys.freeContainer, 'nodes'),
    route(`${namespace}/pod-list/{pod-list}/metrics/{metric-name:*}`, 'podListMetric', (request, view) =>
      answering(() => jsonReply({ items: metricResults(view, podListKeys(request.params), request) }, { pretty: false })),
    ),
    list('/debug/allkeys', 'debugAllKeys', (_p, view) => view.keys()),
  ];
}
