/**
 * The query service as one caller may see it: {@link scopeQueryService} wraps the service once
 * so REST and GraphQL (queries and subscriptions) both read only what an {@link AccessScope}
 * allows. A hidden entity does not exist for the caller: lists omit it, lookups answer as for an
 * unknown key (the store is asked about a key no entity has, so even validation errors and empty
 * shapes are the unknown entity's), and nothing confirms that it exists.
 *
 * Visibility is decided by the metric-set key alone (core/keys.ts), never by what the store holds,
 * so a key that exists only in InfluxDB is hidden the same way: `cluster` needs
 * {@link AccessScope.cluster}, `node:*` (nodes and their system containers) needs
 * {@link AccessScope.nodes}, `namespace:<ns>...` (namespaces, pods, containers, workloads) needs
 * `namespace(<ns>)`; any other key is hidden from a restricted caller.
 *
 * The unrestricted scope gets the service itself back: no wrapper, no per-entity cost.
 *
 * @module
 */
import type { V1Pod } from '@kubernetes/client-node';
import { Label } from '../../core/labels.js';
import type { DataBatch } from '../../core/types.js';
import type { AccessScope } from '../auth/types.js';
import { metricCatalogueOf } from './service.js';
import type { EntityInfo, KubeReader, QueryService } from './types.js';

const namespacePrefix = 'namespace:';
const nodePrefix = 'node:';

/** A key no metric set has (keys never contain NUL): reads of it answer exactly as for an unknown entity. */
const unknownKey = '\u0000hidden';

/** Whether `scope` may see the metric set `key`. */
export function keyVisible(scope: AccessScope, key: string): boolean {
  if (scope.unrestricted) return true;
  if (key === 'cluster') return scope.cluster;
  if (key.startsWith(nodePrefix)) return scope.nodes;
  if (key.startsWith(namespacePrefix)) {
    const end = key.indexOf('/', namespacePrefix.length);
    return scope.namespace(end < 0 ? key.slice(namespacePrefix.length) : key.slice(namespacePrefix.length, end));
  }
  return false;
}

/** Visible sets of a batch, per batch and scope key (equal keys see the same sets). */
const batchViews = new WeakMap<DataBatch, Map<string, DataBatch>>();

/**
 * The part of `batch` that `scope` may see: the batch itself when nothing is hidden, else a batch
 * with the same timestamp and only the visible metric sets (the sets themselves are shared, not
 * copied). Built once per batch and scope key.
 */
export function scopeBatch(batch: DataBatch, scope: AccessScope): DataBatch {
  if (scope.unrestricted) return batch;
  let views = batchViews.get(batch);
  if (!views) batchViews.set(batch, (views = new Map()));
  let view = views.get(scope.key);
  if (!view) {
    const metricSets = new Map();
    for (const [key, set] of batch.metricSets) if (keyVisible(scope, key)) metricSets.set(key, set);
    view = { timestamp: batch.timestamp, metricSets };
    views.set(scope.key, view);
  }
  return view;
}

function scopeKube(kube: KubeReader, scope: AccessScope): KubeReader {
  const podVisible = (pod: V1Pod) => scope.namespace(pod.metadata?.namespace ?? '');
  return {
    getPod: (namespace, name) => (scope.namespace(namespace) ? kube.getPod(namespace, name) : undefined),
    listPods: (namespace) => {
      if (namespace === undefined) return kube.listPods().filter(podVisible);
      return scope.namespace(namespace) ? kube.listPods(namespace) : [];
    },
    getNode: (name) => (scope.nodes ? kube.getNode(name) : undefined),
    listNodes: () => (scope.nodes ? kube.listNodes() : []),
    getNamespace: (name) => (scope.namespace(name) ? kube.getNamespace(name) : undefined),
  };
}

function build(service: QueryService, scope: AccessScope): QueryService {
  const visible = (key: string) => keyVisible(scope, key);
  const readable = (key: string) => (visible(key) ? key : unknownKey);
  const only = (infos: EntityInfo[]) => infos.filter((info) => visible(info.key));
  const latestBatch = () => {
    const batch = service.latestBatch();
    return batch && scopeBatch(batch, scope);
  };
  return {
    latestBatch,
    timestamps: () => service.timestamps(),
    get retentionMs() {
      return service.retentionMs;
    },
    nodes: () => (scope.nodes ? service.nodes() : []),
    namespaces: () => only(service.namespaces()),
    pods: (namespace) => (namespace === undefined ? only(service.pods()) : scope.namespace(namespace) ? service.pods(namespace) : []),
    containers: (namespace, pod) => (scope.namespace(namespace) ? service.containers(namespace, pod) : []),
    systemContainers: (hostname) => (scope.nodes ? service.systemContainers(hostname) : []),
    workloads: (namespace, kind) => (namespace === undefined ? only(service.workloads(undefined, kind)) : scope.namespace(namespace) ? service.workloads(namespace, kind) : []),
    keys: () => service.keys().filter(visible),
    entity: (key) => (visible(key) ? service.entity(key) : undefined),
    metricNames: (key) => service.metricNames(readable(key)),
    labeledMetricNames: (key) => service.labeledMetricNames(readable(key)),
    series: (key, metric, range) => service.series(readable(key), metric, range),
    labeledSeries: (key, metric, labels, range) => service.labeledSeries(readable(key), metric, labels, range),
    latest: (key, metric) => service.latest(readable(key), metric),
    aggregate: (key, metric, aggregations, options) => service.aggregate(readable(key), metric, aggregations, options),
    // Dynamic names (custom metrics) of hidden sets would name what other namespaces run.
    metricCatalogue: () => metricCatalogueOf(latestBatch()),
    describeMetric: (name) => service.describeMetric(name),
    kube: scopeKube(service.kube, scope),
    scrapeStatus: (nodeName) => (scope.nodes ? service.scrapeStatus(nodeName) : undefined),
    scrapeStatuses: () => (scope.nodes ? service.scrapeStatuses() : []),
  };
}

/** Wrappers per service and scope object (a front door that reuses scope objects reuses wrappers). */
const views = new WeakMap<QueryService, WeakMap<AccessScope, QueryService>>();

/**
 * The query service as `scope` sees it; `service` itself for the unrestricted scope. Everything
 * it returns is filtered: lists, keys, the newest batch, Kubernetes objects, scrape statuses and
 * the dynamic part of the metric catalogue.
 */
export function scopeQueryService(service: QueryService, scope: AccessScope): QueryService {
  if (scope.unrestricted) return service;
  let byScope = views.get(service);
  if (!byScope) views.set(service, (byScope = new WeakMap()));
  let view = byScope.get(scope);
  if (!view) byScope.set(scope, (view = build(service, scope)));
  return view;
}

/**
 * The namespace of a pod UID as `query` sees it (newest batch's `pod_id` labels, then the pod
 * cache); undefined when `query` does not know the UID. Over a scoped service, only visible pods
 * are found.
 */
export function namespaceOfPodUid(query: QueryService, uid: string): string | undefined {
  for (const info of query.pods()) if (info.labels[Label.PodId] === uid) return info.labels[Label.NamespaceName];
  return query.kube.listPods().find((pod) => pod.metadata?.uid === uid)?.metadata?.namespace;
}
