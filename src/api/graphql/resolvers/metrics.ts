/**
 * The metric fields every entity shares (the `MetricEntity` interface), and the series,
 * aggregation and catalogue types they return. Every read goes through the operation's loaders;
 * every point returned is counted against the operation's points budget.
 *
 * @module
 */
import type { MetricDescriptor, Units } from '../../../core/metrics.js';
import type { MetricType as CoreMetricType, ValueType } from '../../../core/types.js';
import { bucketMs, checkMetric, isLabeledMetric, labelRecord, resolveRange } from '../args.js';
import { invalidArgument } from '../errors.js';
import type { OperationContext } from '../context.js';
import { entityKinds } from '../entities.js';
import type {
  AggregationBucketResolvers,
  AggregationResolvers,
  LabeledSeriesResolvers,
  MetricDescriptorResolvers,
  MetricType,
  MetricUnits,
  MetricValueType,
  NodeAggregateArgs,
  NodeLabeledMetricArgs,
  NodeLatestArgs,
  NodeMetricArgs,
  SeriesResolvers,
} from '../generated/types.js';
import type { AggregationModel, EntityModel, LabeledSeriesModel, SeriesModel } from '../models.js';
import type { Point } from '../../query/types.js';

const units: Readonly<Record<Units, MetricUnits>> = { bytes: 'BYTES', ms: 'MILLISECONDS', ns: 'NANOSECONDS', millicores: 'MILLICORES', count: 'COUNT' };
const metricTypes: Readonly<Record<CoreMetricType, MetricType>> = { cumulative: 'CUMULATIVE', gauge: 'GAUGE', delta: 'DELTA' };
const valueTypes: Readonly<Record<ValueType, MetricValueType>> = { int64: 'INT64', float: 'FLOAT' };

/** Units of a metric name (COUNT for names outside the catalogue). */
function unitsOf(context: OperationContext, name: string): MetricUnits {
  const descriptor = context.query.describeMetric(name);
  return descriptor ? units[descriptor.units] : 'COUNT';
}

/** The fields of the MetricEntity interface, for every entity type. */
export const metricEntityFields = {
  key: (entity: EntityModel) => entity.key,
  kind: (entity: EntityModel) => entityKinds[entity.kind],
  lastSeen: (entity: EntityModel, _args: unknown, context: OperationContext) => context.query.entity(entity.key)?.lastSeenMs ?? null,
  metricNames: (entity: EntityModel, _args: unknown, context: OperationContext) => context.loaders.metricNames.load({ key: entity.key, metric: 'unlabeled' }),
  labeledMetricNames: (entity: EntityModel, _args: unknown, context: OperationContext) => context.loaders.metricNames.load({ key: entity.key, metric: 'labeled' }),
  async metric(entity: EntityModel, { name, range }: NodeMetricArgs, context: OperationContext): Promise<SeriesModel> {
    checkMetric(context.query, 'name', name, false);
    const series = await context.loaders.series.load({ key: entity.key, metric: name, ...resolveRange(range, context.query) });
    return { ...series, name };
  },
  async latest(entity: EntityModel, { name }: NodeLatestArgs, context: OperationContext): Promise<Point | null> {
    checkMetric(context.query, 'name', name, false);
    const point = await context.loaders.latest.load({ key: entity.key, metric: name });
    if (point) context.points.spend(1);
    return point;
  },
  async aggregate(entity: EntityModel, { name, range, bucket, labels }: NodeAggregateArgs, context: OperationContext): Promise<AggregationModel> {
    const labeled = isLabeledMetric(context.query, 'name', name);
    const labelFilter = labelRecord('labels', labels);
    // The store pools the label sets that match exactly (Heapster's rule), so a labeled metric needs its labels.
    if (labeled && labelFilter === undefined) invalidArgument('labels', `${JSON.stringify(name)} is labeled; give the labels of the series to aggregate (e.g. resource_id)`);
    if (!labeled && labelFilter !== undefined) invalidArgument('labels', `${JSON.stringify(name)} is not labeled; leave labels out`);
    const key = { key: entity.key, metric: name, ...resolveRange(range, context.query), bucketMs: bucketMs(bucket), labels: labelFilter };
    const result = await context.loaders.aggregate.load(key);
    return { ...result, name };
  },
  async labeledMetric(entity: EntityModel, { name, range, labels }: NodeLabeledMetricArgs, context: OperationContext): Promise<LabeledSeriesModel[]> {
    checkMetric(context.query, 'name', name, true);
    const key = { key: entity.key, metric: name, ...resolveRange(range, context.query), labels: labelRecord('labels', labels) };
    const series = await context.loaders.labeled.load(key);
    return series.map((s) => ({ ...s, name }));
  },
};

/** Fields every series has, labeled or not. */
const commonSeriesResolvers = {
  units: (series: SeriesModel | LabeledSeriesModel, _args: unknown, context: OperationContext) => unitsOf(context, series.name),
  metricType: (series: SeriesModel | LabeledSeriesModel) => metricTypes[series.metricType],
  valueType: (series: SeriesModel | LabeledSeriesModel) => valueTypes[series.valueType],
  points: (series: SeriesModel | LabeledSeriesModel, _args: unknown, context: OperationContext) => {
    context.points.spend(series.points.length);
    return series.points;
  },
};

/** An unlabeled series. */
export const seriesResolvers: SeriesResolvers<OperationContext> = commonSeriesResolvers;

/** A labeled series. */
export const labeledSeriesResolvers: LabeledSeriesResolvers<OperationContext> = {
  labels: (series) => Object.keys(series.labels).sort().map((key) => ({ key, value: series.labels[key]! })),
  resourceId: (series) => series.labels.resource_id ?? null,
  ...commonSeriesResolvers,
};

/** An aggregation; buckets count against the points budget. */
export const aggregationResolvers: AggregationResolvers<OperationContext> = {
  bucketSize: (aggregation) => (aggregation.bucketSizeMs > 0 ? aggregation.bucketSizeMs : null),
  buckets: (aggregation, _args, context) => {
    context.points.spend(aggregation.buckets.length);
    return aggregation.buckets;
  },
};

/** One aggregation bucket (NaN, which the store gives for no values, becomes null). */
export const aggregationBucketResolvers: AggregationBucketResolvers<OperationContext> = {
  start: (bucket) => bucket.timestamp,
  average: (bucket) => finite(bucket.average),
  minimum: (bucket) => finite(bucket.minimum),
  maximum: (bucket) => finite(bucket.maximum),
  median: (bucket) => finite(bucket.median),
  p50: (bucket) => finite(bucket.percentiles?.['50']),
  p95: (bucket) => finite(bucket.percentiles?.['95']),
  p99: (bucket) => finite(bucket.percentiles?.['99']),
};

function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** A metric of the catalogue. */
export const metricDescriptorResolvers: MetricDescriptorResolvers<OperationContext> = {
  units: (descriptor: MetricDescriptor) => units[descriptor.units],
  type: (descriptor) => metricTypes[descriptor.type],
  valueType: (descriptor) => valueTypes[descriptor.valueType],
  labeled: (descriptor) => descriptor.labels.length > 0,
  labels: (descriptor) => [...descriptor.labels],
};
