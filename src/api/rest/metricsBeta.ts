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
import { scopedAnswer, type Permission, type ScopedAnswer } from './access.js';
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

/**
 * The Kubernetes API server's refusal of a cluster-scope request, as a `Status` (kubectl prints
 * its message); the caller's name is not repeated.
 */
function forbiddenStatus(verb: 'get' | 'list', resource: 'nodes' | 'pods'): Reply {
  return statusReply(403, 'Forbidden', `${resource}.${group} is forbidden: cannot ${verb} resource "${resource}" in API group "${group}" at the cluster scope`, { group, kind: resource });
}

/**
 * The v1beta1 routes, discovery included. Node routes need the `nodes` right and the
 * all-namespaces pod list the `cluster` right (403 `Status`, as the API server refuses them);
 * a pod of a hidden namespace is a pod that does not exist.
 */
export function betaRoutes({ query, resolutionMs }: BetaOptions): Route[] {
  const window = formatDuration(resolutionMs);
  const typed = (kind: string, object: object) => ({ kind, apiVersion: groupVersion, ...object });
  const nodeMetrics = (view: QueryService, node: V1Node, nowMs: number) => {
    const batch = view.latestBatch();
    const usage = nodeUsage(batch, node.metadata?.name ?? '');
    if (!batch || !usage) return undefined;
    return { metadata: metadataOf(node, nowMs), timestamp: formatKubeTime(batch.timestamp), window, usage };
  };
  const podMetrics = (view: QueryService, pod: V1Pod, nowMs: number) => {
    const batch = view.latestBatch();
    const containers = podContainerUsage(batch, pod);
    if (!batch || !containers) return undefined;
    return { metadata: metadataOf(pod, nowMs), timestamp: formatKubeTime(batch.timestamp), window, containers };
  };
  const list = (kind: string, items: unknown[]) => jsonReply(typed(kind, { metadata: {}, items }), { pretty: false });
  const podList = (request: RouteRequest, view: QueryService, namespace?: string): Reply => {
    const filter = filterOf(request);
    if (typeof filter !== 'function') return filter;
    const pods = [...view.kube.listPods(namespace)].filter(filter).sort(byNamespaceAndName);
    return list('PodMetricsList', pods.flatMap((p) => podMetrics(view, p, request.nowMs) ?? []));
  };
  const route = (pattern: string, handler: string, answer: ScopedAnswer, refuse?: () => Reply, permission?: Permission): Route => ({
    pattern: `${betaPrefix}${pattern}`,
    handler,
    produces: 'json',
    answer: scopedAnswer(query, answer, { permission, ...(refuse ? { refuse } : {}) }),
  });
  return [
    ...discoveryRoutes(),
    route(
      '/nodes',
      'v1beta1NodeMetricsList',
      (request, view) => {
        const filter = filterOf(request);
        if (typeof filter !== 'function') return filter;
        const nodes = view.kube.listNodes().filter(filter);
        const items = nodes.flatMap((n) => nodeMetrics(view, n, request.nowMs) ?? []);
        items.sort((a, b) => ((a.metadata.name as string) < (b.metadata.name as string) ? -1 : 1));
        return list('NodeMetricsList', items);
      },
      () => forbiddenStatus('list', 'nodes'),
      'nodes',
    ),
    route(
      '/nodes/{node-name}',
      'v1beta1NodeMetrics',
      ({ params, nowMs }, view) => {
        const name = params['node-name']!;
        const node = view.kube.getNode(name);
        if (!node) return statusReply(404, 'NotFound', `node "${name}" not found`, { name, kind: 'node' });
        const metrics = nodeMetrics(view, node, nowMs);
        if (!metrics) return statusReply(404, 'NotFound', `nodes.${group} "${name}" not found`, { name, group, kind: 'nodes' });
        return jsonReply(typed('NodeMetrics', metrics), { pretty: false });
      },
      () => forbiddenStatus('get', 'nodes'),
      'nodes',
    ),
    route('/pods', 'v1beta1AllPodMetricsList', (request, view) => podList(request, view), () => forbiddenStatus('list', 'pods'), 'cluster'),
    route('/namespaces/{namespace-name}/pods', 'v1beta1PodMetricsList', (request, view) => podList(request, view, request.params['namespace-name']!)),
    route('/namespaces/{namespace-name}/pods/{pod-name}', 'v1beta1PodMetrics', ({ params, nowMs }, view) => {
      const namespace = params['namespace-name']!;
      const name = params['pod-name']!;
      const pod = view.kube.getPod(namespace, name);
      if (!pod) return statusReply(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      const metrics = podMetrics(view, pod, nowMs);
      const qualified = `${namespace}/${name}`;
      if (!metrics) return statusReply(404, 'NotFound', `pods.${group} "${qualified}" not found`, { name: qualified, group, kind: 'pods' });
      return jsonReply(typed('PodMetrics', metrics), { pretty: false });
    }),
    route('/{path:*}', 'v1beta1NotFound', () => statusReply(404, 'NotFound', 'the server could not find the requested resource', {})),
  ];
}
