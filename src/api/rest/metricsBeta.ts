/**
 * `metrics.k8s.io/v1beta1` with metrics-server's shapes, so `kubectl top`-style clients read
 * Heapgraph: typed objects (`NodeMetrics`, `PodMetricsList`, ...), `metadata` with labels,
 * the real `window`, label and field selectors, Kubernetes `Status` errors, and the discovery
 * documents (`/apis`, `/apis/metrics.k8s.io`, `/apis/metrics.k8s.io/v1beta1`).
 *
 * @module
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { formatDuration } from '../../core/duration.js';
import { LabelSelectorError, parseFieldSelector, parseLabelSelector } from '../../core/labelSelector.js';
import type { QueryService } from '../query/types.js';
import { formatKubeTime } from './goTime.js';
import { jsonReply, statusReply } from './reply.js';
import type { Reply, Route, RouteRequest } from './router.js';
import { byNamespaceAndName, nodeUsage, podContainerUsage } from './usage.js';

const group = 'metrics.k8s.io';
const version = 'v1beta1';
const groupVersion = `${group}/${version}`;
/** Where the v1beta1 API is mounted. */
export const betaPrefix = `/apis/${groupVersion}`;

/** Options of {@link betaRoutes}. */
export interface BetaOptions {
  query: QueryService;
  /** The metric resolution, reported as `window`. */
  resolutionMs: number;
}

type Meta = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
type Filter = (object: Meta) => boolean;

/** The label and field selectors of a list request, or the 400 Status for a bad one. */
function filterOf(request: RouteRequest): Filter | Reply {
  try {
    const labels = parseLabelSelector(request.query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(request.query.get('fieldSelector') ?? '');
    // metrics-server matches field selectors against object metadata only.
    return (object) =>
      labels.matches(object.metadata?.labels) &&
      fields.matches({ metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace ?? '' } });
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    const what = error.selectorKind === 'label' ? 'unable to parse requirement' : 'invalid field selector';
    return statusReply(400, 'BadRequest', `${what}: ${error.detail}`);
  }
}

function metadataOf(object: Meta, nowMs: number): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: object.metadata?.name ?? '' };
  if (object.metadata?.namespace) metadata.namespace = object.metadata.namespace;
  metadata.creationTimestamp = formatKubeTime(nowMs);
  const labels = object.metadata?.labels;
  if (labels && Object.keys(labels).length > 0) metadata.labels = labels;
  return metadata;
}

const apiGroup = {
  name: group,
  versions: [{ groupVersion, version }],
  preferredVersion: { groupVersion, version },
};

/** The discovery routes. */
function discoveryRoutes(): Route[] {
  const route = (pattern: string, body: unknown): Route => ({ pattern, handler: 'v1beta1Discovery', produces: 'json', answer: () => jsonReply(body, { pretty: false }) });
  const resource = (name: string, namespaced: boolean, kind: string) => ({ name, singularName: '', namespaced, kind, verbs: ['get', 'list'] });
  return [
    route('/apis', { kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup] }),
    route(`/apis/${group}`, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup }),
    route(betaPrefix, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: [resource('nodes', false, 'NodeMetrics'), resource('pods', true, 'PodMetrics')],
    }),
  ];
}

/** The v1beta1 routes, discovery included. */
export function betaRoutes({ query, resolutionMs }: BetaOptions): Route[] {
  const window = formatDuration(resolutionMs);
  const typed = (kind: string, object: object) => ({ kind, apiVersion: groupVersion, ...object });
  const nodeMetrics = (node: V1Node, nowMs: number) => {
    const batch = query.latestBatch();
    const usage = nodeUsage(batch, node.metadata?.name ?? '');
    if (!batch || !usage) return undefined;
    return { metadata: metadataOf(node, nowMs), timestamp: formatKubeTime(batch.timestamp), window, usage };
  };
  const podMetrics = (pod: V1Pod, nowMs: number) => {
    const batch = query.latestBatch();
    const containers = podContainerUsage(batch, pod);
    if (!batch || !containers) return undefined;
    return { metadata: metadataOf(pod, nowMs), timestamp: formatKubeTime(batch.timestamp), window, containers };
  };
  const list = (kind: string, items: unknown[]) => jsonReply(typed(kind, { metadata: {}, items }), { pretty: false });
  const podList = (request: RouteRequest, namespace?: string): Reply => {
    const filter = filterOf(request);
    if (typeof filter !== 'function') return filter;
    const pods = [...query.kube.listPods(namespace)].filter(filter).sort(byNamespaceAndName);
    return list('PodMetricsList', pods.flatMap((p) => podMetrics(p, request.nowMs) ?? []));
  };
  const route = (pattern: string, handler: string, answer: Route['answer']): Route => ({ pattern: `${betaPrefix}${pattern}`, handler, produces: 'json', answer });
  return [
    ...discoveryRoutes(),
    route('/nodes', 'v1beta1NodeMetricsList', (request) => {
      const filter = filterOf(request);
      if (typeof filter !== 'function') return filter;
      const nodes = query.kube.listNodes().filter(filter);
      const items = nodes.flatMap((n) => nodeMetrics(n, request.nowMs) ?? []);
      items.sort((a, b) => ((a.metadata.name as string) < (b.metadata.name as string) ? -1 : 1));
      return list('NodeMetricsList', items);
    }),
    route('/nodes/{node-name}', 'v1beta1NodeMetrics', ({ params, nowMs }) => {
      const name = params['node-name']!;
      const node = query.kube.getNode(name);
      if (!node) return statusReply(404, 'NotFound', `node "${name}" not found`, { name, kind: 'node' });
      const metrics = nodeMetrics(node, nowMs);
      if (!metrics) return statusReply(404, 'NotFound', `nodes.${group} "${name}" not found`, { name, group, kind: 'nodes' });
      return jsonReply(typed('NodeMetrics', metrics), { pretty: false });
    }),
    route('/pods', 'v1beta1AllPodMetricsList', (request) => podList(request)),
    route('/namespaces/{namespace-name}/pods', 'v1beta1PodMetricsList', (request) => podList(request, request.params['namespace-name']!)),
    route('/namespaces/{namespace-name}/pods/{pod-name}', 'v1beta1PodMetrics', ({ params, nowMs }) => {
      const namespace = params['namespace-name']!;
      const name = params['pod-name']!;
      const pod = query.kube.getPod(namespace, name);
      if (!pod) return statusReply(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      const metrics = podMetrics(pod, nowMs);
      const qualified = `${namespace}/${name}`;
      if (!metrics) return statusReply(404, 'NotFound', `pods.${group} "${qualified}" not found`, { name: qualified, group, kind: 'pods' });
      return jsonReply(typed('PodMetrics', metrics), { pretty: false });
    }),
    route('/{path:*}', 'v1beta1NotFound', () => statusReply(404, 'NotFound', 'the server could not find the requested resource', {})),
  ];
}
