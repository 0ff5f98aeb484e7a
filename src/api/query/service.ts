/**
 * The query service over the model store, informer caches and scrape statuses.
 *
 * @module
 */
import { MetricSetType } from '../../core/keys.js';
import { Label } from '../../core/labels.js';
import { allMetrics, describeMetric, type MetricDescriptor } from '../../core/metrics.js';
import type { DataBatch } from '../../core/types.js';
import type { KubeReader, ModelReader, QueryService, ScrapeStatusReader } from './types.js';

/** Options for {@link createQueryService}. */
export interface QueryServiceOptions {
  model: ModelReader;
  /** Informer caches; absent = no Kubernetes metadata (e.g. fixture replay). */
  kube?: KubeReader;
  /** Source manager statuses; absent = none known. */
  scrapes?: ScrapeStatusReader;
}

const emptyKube: KubeReader = {
  getPod: () => undefined,
  listPods: () => [],
  getNode: () => undefined,
  listNodes: () => [],
  getNamespace: () => undefined,
};

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const fixedNames = new Set(allMetrics.map((m) => m.name));

/** The catalogue plus the dynamic names (custom metrics, extended requests) of `batch`'s sets. */
export function metricCatalogueOf(batch: DataBatch | undefined): MetricDescriptor[] {
  const names = new Set<string>();
  for (const set of batch?.metricSets.values() ?? []) {
    for (const name of set.metricValues.keys()) if (!fixedNames.has(name)) names.add(name);
  }
  return [...allMetrics, ...[...names].sort().flatMap((name) => describeMetric(name) ?? [])];
}

/** Creates the query service. */
export function createQueryService({ model, kube = emptyKube, scrapes }: QueryServiceOptions): QueryService {

  return {
    latestBatch: () => model.latestBatch(),
    timestamps: () => model.timestamps(),
    get retentionMs() {
      return model.retentionMs;
    },
    nodes: () => model.entities(MetricSetType.Node).sort(byKey),
    namespaces: () => model.entities(MetricSetType.Namespace).sort(byKey),
    pods: (namespace) => model.entities(MetricSetType.Pod, namespace === undefined ? undefined : { [Label.NamespaceName]: namespace }).sort(byKey),
    containers: (namespace, pod) => model.entities(MetricSetType.PodContainer, { [Label.NamespaceName]: namespace, [Label.PodName]: pod }).sort(byKey),
    systemContainers: (hostname) => model.entities(MetricSetType.SystemContainer, { [Label.Hostname]: hostname }).sort(byKey),
    workloads: (namespace, kind) => {
      const filter: Record<string, string> = {};
      if (namespace !== undefined) filter[Label.NamespaceName] = namespace;
      if (kind !== undefined) filter[Label.WorkloadKind] = kind;
      return model.entities(MetricSetType.Workload, filter).sort(byKey);
    },
    keys: () => model.keys(),
    entity: (key) => model.entity(key),
    metricNames: (key) => model.metricNames(key),
    labeledMetricNames: (key) => model.labeledMetricNames(key),
    series: (key, metric, range) => model.series(key, metric, range),
    labeledSeries: (key, metric, labels, range) => model.labeledSeries(key, metric, labels, range),
    latest: (key, metric) => model.latest(key, metric),
    aggregate: (key, metric, aggregations, options) => model.aggregate(key, metric, aggregations, options),
    metricCatalogue: () => metricCatalogueOf(model.latestBatch()),
    describeMetric: (name) => describeMetric(name),
    kube,
    scrapeStatus: (nodeName) => scrapes?.statuses().find((s) => s.nodeName === nodeName),
    scrapeStatuses: () => scrapes?.statuses() ?? [],
  };
}
