/**
 * Every resolver of the schema, typed by the generated `Resolvers` map so that a field renamed
 * in schema.graphql breaks the build until its resolver follows.
 *
 * @module
 */
import type { OperationContext } from '../context.js';
import type { Resolvers } from '../generated/types.js';
import { DurationScalar, TimestampScalar } from '../scalars.js';
import { batchEventResolvers, liveEntityResolvers, liveUpdateResolvers, liveValueResolvers, subscriptionResolvers } from './live.js';
import { aggregationBucketResolvers, aggregationResolvers, labeledSeriesResolvers, metricDescriptorResolvers, seriesResolvers } from './metrics.js';
import { nodeResolvers, systemContainerResolvers } from './node.js';
import { containerResolvers, namespaceResolvers, ownerReferenceFields, podResolvers, resourcesResolvers, volumeResolvers, workloadResolvers } from './pod.js';
import { clusterResolvers, metricEntityResolvers, modelInfoResolvers, queryResolvers, scrapeStatusResolvers } from './query.js';

/** The resolver map. */
export const resolvers: Resolvers<OperationContext> = {
  Timestamp: TimestampScalar,
  Duration: DurationScalar,
  Query: queryResolvers,
  Subscription: subscriptionResolvers,
  MetricEntity: metricEntityResolvers,
  Cluster: clusterResolvers,
  Node: nodeResolvers,
  SystemContainer: systemContainerResolvers,
  Namespace: namespaceResolvers,
  Pod: podResolvers,
  Container: containerResolvers,
  Workload: workloadResolvers,
  Volume: volumeResolvers,
  Resources: resourcesResolvers,
  OwnerReference: ownerReferenceFields,
  Series: seriesResolvers,
  LabeledSeries: labeledSeriesResolvers,
  Aggregation: aggregationResolvers,
  AggregationBucket: aggregationBucketResolvers,
  MetricDescriptor: metricDescriptorResolvers,
  ModelInfo: modelInfoResolvers,
  ScrapeStatus: scrapeStatusResolvers,
  BatchEvent: batchEventResolvers,
  LiveUpdate: liveUpdateResolvers,
  LiveEntity: liveEntityResolvers,
  LiveValue: liveValueResolvers,
};
