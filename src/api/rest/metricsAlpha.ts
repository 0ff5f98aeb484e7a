/**
 * Heapster's resource metrics API (heapster-reference §1.6) at `/apis/metrics/v1alpha1`
 * (releases up to v1.5) and `/apis/metrics.k8s.io/v1alpha1` (master), with Heapster's shapes:
 * no `kind`/`apiVersion`, list `metadata` `{}`, `items` `null` when empty, plain-text errors.
 * Nodes and pods come from the informer caches, usage from the newest batch.
 *
 * @module
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { formatDuration } from '../../core/duration.js';
import { LabelSelectorError, parseLabelSelector, type LabelSelector } from '../../core/labelSelector.js';
import type { QueryService } from '../query/types.js';
import { scopedAnswer, type Permission } from './access.js';
import { RestError } from './errors.js';
import { formatKubeTime } from './goTime.js';
import { answering, jsonReply, textReply } from './reply.js';
import type { Reply, Route, RouteRequest } from './router.js';
import { byNamespaceAndName, nodeUsage, podContainerUsage } from './usage.js';

/** Both prefixes Heapster used for this API. */
export const alphaPrefixes = ['/apis/metrics/v1alpha1', '/apis/metrics.k8s.io/v1alpha1'] as const;

/** Options of {@link alphaRoutes}. */
export interface AlphaOptions {
  query: QueryService;
  /** The metric resolution, reported as `window`. */
  resolutionMs: number;
}

/** Parses `labelSelector` with Heapster's 400 text. */
function selectorOf(request: RouteRequest): LabelSelector {
  const text = request.query.get('labelSelector') ?? '';
  try {
    return parseLabelSelector(text);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw new RestError('invalid_selector', `Error while parsing selector ${text}: ${error.detail}`);
    throw error;
  }
}

/** Heapster's NodeMetrics and PodMetrics builders over the newest batch the caller sees. */
function alphaObjects(view: QueryService, window: string) {
  return {
    node(name: string, nowMs: number) {
      const batch = view.latestBatch();
      const usage = nodeUsage(batch, name);
      if (!batch || !usage) return undefined;
      return { metadata: { name, creationTimestamp: formatKubeTime(nowMs) }, timestamp: formatKubeTime(batch.timestamp), window, usage };
    },
    pod(pod: V1Pod, nowMs: number) {
      const batch = view.latestBatch();
      const containers = podContainerUsage(batch, pod);
      if (!batch || !containers) return undefined;
      const metadata = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', creationTimestamp: formatKubeTime(nowMs) };
      return { metadata, timestamp: formatKubeTime(batch.timestamp), window, containers };
    },
  };
}

const nodeName = (node: V1Node) => node.metadata?.name ?? '';

/**
 * The v1alpha1 routes under both prefixes. Heapster did not instrument this API; its request
 * metrics carry Heapster's operation names prefixed with the version (`v1alpha1NodeMetrics`).
 * Node routes need the `nodes` right and the all-namespaces pod list the `cluster` right (403,
 * plain text, as Heapster's other errors here); a pod of a hidden namespace is an unknown pod.
 */
export function alphaRoutes(options: AlphaOptions): Route[] {
  const { query } = options;
  const window = formatDuration(options.resolutionMs);
  const route = (pattern: string, handler: string, answer: (request: RouteRequest, objects: ReturnType<typeof alphaObjects>, view: QueryService) => Reply, permission?: Permission): Route => ({
    pattern,
    handler,
    produces: 'json',
    answer: scopedAnswer(query, (request, view) => answer(request, alphaObjects(view, window), view), { permission }),
  });
  // Heapster's lists: `items` stays null when nothing matched.
  const list = (items: unknown[]) => jsonReply({ metadata: {}, items: items.length === 0 ? null : items });
  const podList = (request: RouteRequest, objects: ReturnType<typeof alphaObjects>, view: QueryService, namespace?: string) =>
    answering(() => {
      const selector = selectorOf(request);
      const pods = [...view.kube.listPods(namespace)].filter((p) => selector.matches(p.metadata?.labels)).sort(byNamespaceAndName);
      return list(pods.flatMap((p) => objects.pod(p, request.nowMs) ?? []));
    });
  return alphaPrefixes.flatMap((prefix): Route[] => [
    route(
      `${prefix}/nodes`,
      'v1alpha1NodeMetricsList',
      (request, objects, view) =>
        answering(() => {
          const selector = selectorOf(request);
          const nodes = view.kube.listNodes().filter((n) => selector.matches(n.metadata?.labels)).map(nodeName).sort();
          return list(nodes.flatMap((name) => objects.node(name, request.nowMs) ?? []));
        }),
      'nodes',
    ),
    route(
      `${prefix}/nodes/{node-name}`,
      'v1alpha1NodeMetrics',
      ({ params, nowMs }, objects) => {
        const name = params['node-name']!;
        const node = objects.node(name, nowMs);
        return node ? jsonReply(node) : textReply(404, `No metrics for node ${name}`);
      },
      'nodes',
    ),
    route(`${prefix}/pods`, 'v1alpha1AllPodMetricsList', (request, objects, view) => podList(request, objects, view), 'cluster'),
    route(`${prefix}/namespaces/{namespace-name}/pods`, 'v1alpha1PodMetricsList', (request, objects, view) => podList(request, objects, view, request.params['namespace-name']!)),
    route(`${prefix}/namespaces/{namespace-name}/pods/{pod-name}`, 'v1alpha1PodMetrics', ({ params, nowMs }, objects, view) => {
      const namespace = params['namespace-name']!;
      const name = params['pod-name']!;
      const pod = view.kube.getPod(namespace, name);
      // Heapster master answered an unknown pod with a 500 (its lister's not-found error);
      // release 1.2's 404 is what the case is.
      if (!pod) return textReply(404, `Pod ${namespace}/${name} not defined`);
      const metrics = objects.pod(pod, nowMs);
      return metrics ? jsonReply(metrics) : textReply(404, `No metrics availalble for pod ${namespace}/${name}`);
    }),
  ]);
}
