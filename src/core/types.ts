/**
 * The data model every stage shares: one {@link DataBatch} per scrape window, holding one
 * {@link MetricSet} per entity (node, system container, pod, container, namespace, cluster,
 * workload). Shapes follow Heapster's `metrics/core/types.go` (heapster-reference §2.1).
 *
 * Numbers: every value is a JavaScript number. Integer metrics hold integral numbers, which
 * are exact up to 2^53 (≈ 104 days of one core in nanoseconds; larger counters lose only the
 * last few nanoseconds, far below what a rate can resolve). Heapster used int64/float64.
 *
 * Times: milliseconds since the Unix epoch; `0` means "unknown" (Heapster's zero time).
 *
 * @module
 */
import { LabeledValues } from './labeledValues.js';
import { MetricValues } from './metricValues.js';

export { LabeledValues } from './labeledValues.js';
export { MetricValues } from './metricValues.js';

/** How a value evolves between scrapes (Heapster `MetricType`). */
export type MetricType = 'cumulative' | 'gauge' | 'delta';

/** Whether a value is an integer or a float (Heapster `ValueType`: int64 | float). */
export type ValueType = 'int64' | 'float';

/**
 * A metric that carries its own labels (filesystem per `resource_id`, accelerators, disk IO).
 * Its metric and value types come from its name's descriptor (`metricTypesOf`), as for
 * unlabeled values.
 */
export interface LabeledMetric {
  name: string;
  labels: Record<string, string>;
  /** The number. Integral when the metric's value type is `int64`. */
  value: number;
}

/**
 * Everything known about one entity in one batch. Sets are made by {@link createMetricSet}, whose
 * times are accessors over the set's row: copy a set field by field, never with a spread.
 */
export interface MetricSet {
  /** Set labels (`type`, `nodename`, `pod_name`, ...), see `core/labels.ts`. */
  labels: Record<string, string>;
  /** Unlabeled metrics by name (compact: no object per value, see `core/metricValues.ts`). */
  readonly metricValues: MetricValues;
  /** Labeled metrics; one name may have values under several label sets (compact, see `core/labeledValues.ts`). */
  readonly labeledMetrics: LabeledValues;
  /** Start of the entity and of its counters (container/pod start, node boot), ms; 0 = unknown. */
  collectionStartTime: number;
  /** When the kubelet sampled these stats, ms; 0 = unknown. */
  scrapeTime: number;
  /** Pod start time from the API server, ms; 0 = unknown. */
  entityCreateTime: number;
}

/** One scrape window's worth of metric sets, keyed by metric-set key (`core/keys.ts`). */
export interface DataBatch {
  /** End of the scrape window, ms (Heapster's batch timestamp). */
  timestamp: number;
  metricSets: Map<string, MetricSet>;
}

/**
 * The sets every stage makes: a set is its own {@link MetricValues} (`metricValues` is the set
 * itself), and its three times live in that row. As a set object pointing to a values object,
 * with the times as fields of a plain object (each a HeapNumber: V8 boxes a double field), a set
 * kept 5 objects of its own on the heap where it now keeps one (`bench/census.ts`), all copied
 * by the young-generation collector. Read a set through {@link MetricSet}: the value methods it
 * inherits are its `metricValues`'.
 */
class RowMetricSet extends MetricValues implements MetricSet {
  readonly labeledMetrics = new LabeledValues();

  constructor(
    public labels: Record<string, string>,
    collectionStartTime: number,
    scrapeTime: number,
  ) {
    super();
    this.setTime(0, collectionStartTime);
    this.setTime(1, scrapeTime);
    this.setTime(2, 0);
  }

  get metricValues(): MetricValues {
    return this;
  }

  get collectionStartTime(): number {
    return this.time(0);
  }
  set collectionStartTime(ms: number) {
    this.setTime(0, ms);
  }
  get scrapeTime(): number {
    return this.time(1);
  }
  set scrapeTime(ms: number) {
    this.setTime(1, ms);
  }
  get entityCreateTime(): number {
    return this.time(2);
  }
  set entityCreateTime(ms: number) {
    this.setTime(2, ms);
  }
}

/** Creates an empty metric set with the given labels. */
export function createMetricSet(
  labels: Record<string, string>,
  times: { collectionStartTime?: number; scrapeTime?: number } = {},
): MetricSet {
  return new RowMetricSet(labels, times.collectionStartTime ?? 0, times.scrapeTime ?? 0);
}
