/**
 * The one query service both API surfaces use (architecture-brief "One query service"):
 * GraphQL resolvers and the REST compatibility routes call only this. It reads the model
 * store, the informer caches and the scrape statuses; it holds no logic of either surface.
 *
 * @module
 */
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
import type { MetricDescriptor } from '../../core/metrics.js';
import type { DataBatch } from '../../core/types.js';
import type { NodeScrapeStatus } from '../../sources/types.js';
import type { AggregateOptions, AggregationName, AggregationResult, EntityInfo, LabeledSeries, ModelStore, Point, SeriesResult, TimeRange } from '../../store/types.js';

export type { AggregateOptions, AggregationName, AggregationResult, EntityInfo, LabeledSeries, Point, SeriesResult, TimeRange };

/** What the query service reads from the model store (the store implements it). */
export type ModelReader = Pick<
  ModelStore,
  'latestBatch' | 'timestamps' | 'entity' | 'keys' | 'entities' | 'metricNames' | 'labeledMetricNames' | 'series' | 'labeledSeries' | 'latest' | 'aggregate' | 'retentionMs'
>;

/** What the query service reads from the Kubernetes caches (the informers implement it). */
export interface KubeReader {
  getPod(namespace: string, name: string): V1Pod | undefined;
  listPods(namespace?: string): readonly V1Pod[];
  getNode(name: string): V1Node | undefined;
  listNodes(): readonly V1Node[];
  getNamespace(name: string): V1Namespace | undefined;
}

/** Latest scrape status per node (the source manager implements it). */
export interface ScrapeStatusReader {
  statuses(): readonly NodeScrapeStatus[];
}

/** The domain API over the model. Lists read the newest batch; series read the whole retention. */
export interface QueryService {
  /** The newest batch, undefined before the first. */
  latestBatch(): DataBatch | undefined;
  /** Retained batch timestamps, ascending. */
  timestamps(): readonly number[];
  /** Retention of the model, ms. */
  readonly retentionMs: number;

  /** Node sets of the newest batch. */
  nodes(): EntityInfo[];
  /** Namespace sets of the newest batch. */
  namespaces(): EntityInfo[];
  /** Pod sets of the newest batch, of one namespace or all. */
  pods(namespace?: string): EntityInfo[];
  /** Pod-container sets of one pod in the newest batch. */
  containers(namespace: string, pod: string): EntityInfo[];
  /** System-container sets whose `hostname` label is `hostname` (Heapster matches hostname here). */
  systemContainers(hostname: string): EntityInfo[];
  /** Workload sets of the newest batch, optionally of one namespace and kind (`Deployment`, ...). */
  workloads(namespace?: string, kind?: string): EntityInfo[];
  /** Every metric-set key of the newest batch. */
  keys(): string[];
  /** The entity of a key while any retained batch had it. */
  entity(key: string): EntityInfo | undefined;

  /** Unlabeled metric names with points in retention, sorted. */
  metricNames(key: string): string[];
  /** Labeled metric names with points in retention, sorted. */
  labeledMetricNames(key: string): string[];
  /** One unlabeled series over `range` (inclusive). */
  series(key: string, metric: string, range?: TimeRange): SeriesResult;
  /** Labeled series; `labels` uses Heapster's exact-match rule, undefined gives every label set. */
  labeledSeries(key: string, metric: string, labels: Readonly<Record<string, string>> | undefined, range?: TimeRange): LabeledSeries[];
  /** Newest point of an unlabeled series. */
  latest(key: string, metric: string): Point | undefined;
  /** Aggregations over a series (pooled over matching label sets when `options.labels` is given). */
  aggregate(key: string, metric: string, aggregations: readonly AggregationName[], options?: AggregateOptions): AggregationResult;

  /** Every metric of the catalogue, plus dynamic names (custom, extended requests) seen in the newest batch. */
  metricCatalogue(): MetricDescriptor[];
  /** The descriptor of one metric name (dynamic ones included). */
  describeMetric(name: string): MetricDescriptor | undefined;

  /** Kubernetes objects from the informer caches (empty when there are none). */
  kube: KubeReader;
  /** Latest scrape status of a node, by node name. */
  scrapeStatus(nodeName: string): NodeScrapeStatus | undefined;
  /** Every node's latest scrape status. */
  scrapeStatuses(): readonly NodeScrapeStatus[];
}
