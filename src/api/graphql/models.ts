/**
 * The values resolvers pass down the graph (codegen `mappers`): small references to entities
 * by key and name, and the store's own result objects. Entity references carry no data; every
 * field reads through the query service, so a reference is cheap to make and never stale.
 *
 * @module
 */
import type { V1NodeAddress, V1OwnerReference, V1Volume } from '@kubernetes/client-node';
import type { WorkloadKind } from '../../core/keys.js';
import type { LabelDescriptor } from '../../core/labels.js';
import type { MetricDescriptor } from '../../core/metrics.js';
import type { DataBatch } from '../../core/types.js';
import type { AggregationResult, LabeledSeries, Point, SeriesResult } from '../query/types.js';
import type { AggregationBucket } from '../../store/types.js';
import type { QueryService } from '../query/types.js';

/** The cluster set. */
export interface ClusterModel {
  readonly kind: 'cluster';
  readonly key: string;
}

/** A node, by name. */
export interface NodeModel {
  readonly kind: 'node';
  readonly key: string;
  readonly name: string;
}

/** A namespace, by name. */
export interface NamespaceModel {
  readonly kind: 'namespace';
  readonly key: string;
  readonly name: string;
}

/** A pod, by namespace and name. */
export interface PodModel {
  readonly kind: 'pod';
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
}

/** A container of a pod. */
export interface ContainerModel {
  readonly kind: 'container';
  readonly key: string;
  readonly namespace: string;
  readonly pod: string;
  readonly name: string;
}

/** A system container of a node. */
export interface SystemContainerModel {
  readonly kind: 'system_container';
  readonly key: string;
  readonly node: string;
  readonly name: string;
}

/** A workload, by namespace, kind and name. */
export interface WorkloadModel {
  readonly kind: 'workload';
  readonly key: string;
  readonly namespace: string;
  readonly workloadKind: WorkloadKind;
  readonly name: string;
}

/** Any entity with metrics. */
export type EntityModel = ClusterModel | NodeModel | NamespaceModel | PodModel | ContainerModel | SystemContainerModel | WorkloadModel;

/** An unlabeled series with its name. */
export interface SeriesModel extends SeriesResult {
  readonly name: string;
}

/** A labeled series with its name. */
export interface LabeledSeriesModel extends LabeledSeries {
  readonly name: string;
}

/** An aggregation with its metric name. */
export interface AggregationModel extends AggregationResult {
  readonly name: string;
}

/** A volume of a pod (spec absent when the pod cache lacks the pod). */
export interface VolumeModel {
  readonly pod: PodModel;
  readonly name: string;
  readonly spec: V1Volume | undefined;
}

/** Kubernetes resource quantities as written (`{ cpu: '250m', memory: '64Mi' }`). */
export type ResourcesModel = Readonly<Record<string, string>>;

/** A stored batch, as the `batch` subscription event. */
export interface BatchEventModel {
  readonly batch: DataBatch;
}

/** One batch's values of the chosen metrics of the chosen entities. */
export interface LiveUpdateModel {
  readonly batch: DataBatch;
  readonly entities: readonly EntityModel[];
  readonly metrics: readonly string[];
}

/** One entity of a live update. */
export interface LiveEntityModel {
  readonly batch: DataBatch;
  readonly entity: EntityModel;
  readonly metrics: readonly string[];
}

/** One metric of one entity in one batch. */
export interface LiveValueModel {
  readonly batch: DataBatch;
  readonly key: string;
  readonly metric: string;
}

/** One stored value. */
export type PointModel = Point;
/** One bucket of an aggregation. */
export type AggregationBucketModel = AggregationBucket;
/** An owner reference from object metadata. */
export type OwnerReferenceModel = V1OwnerReference;
/** An address from a node's status. */
export type NodeAddressModel = V1NodeAddress;
/** A metric of the catalogue. */
export type MetricDescriptorModel = MetricDescriptor;
/** A label of a labeled metric. */
export type LabelDescriptorModel = LabelDescriptor;

/** The latest scrape of one node, as the query service reports it. */
export type ScrapeStatusModel = ReturnType<QueryService['scrapeStatuses']>[number];

/** What the model holds: every field reads the query service, so the reference is a marker. */
export interface ModelInfoModel {
  readonly kind: 'model';
}
