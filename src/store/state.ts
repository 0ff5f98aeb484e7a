/**
 * The store's internal state, shared by the write path (write.ts), the read path (read.ts) and
 * the factory (modelStore.ts). Not exported from the folder's public surface.
 *
 * @module
 */
import type { DataBatch, MetricType, ValueType } from '../core/types.js';
import { describeMetric } from '../core/metrics.js';
import type { Column } from './column.js';
import { createEntityTable, type EntityTable } from './entities.js';
import { createLabelSetTable, type LabelSetTable } from './labelSets.js';
import { createTimeline, type Timeline } from './timeline.js';

/** Everything one store holds. */
export interface StoreState {
  readonly retentionMs: number;
  readonly timeline: Timeline;
  readonly entities: EntityTable;
  readonly labelSets: LabelSetTable;
  /** Unlabeled metrics by name. */
  readonly columns: Map<string, Column>;
  /** Labeled metrics by name. */
  readonly labeledColumns: Map<string, Column>;
  /** The stored batch with the greatest timestamp. */
  latest: DataBatch | undefined;
  /** Bumped by every write that changed anything; read-side caches compare it. */
  version: number;
}

/** An empty state. */
export function createStoreState(retentionMs: number): StoreState {
  return {
    retentionMs,
    timeline: createTimeline(),
    entities: createEntityTable(),
    labelSets: createLabelSetTable(),
    columns: new Map(),
    labeledColumns: new Map(),
    latest: undefined,
    version: 0,
  };
}

const metricTypes: ReadonlySet<string> = new Set<MetricType>(['cumulative', 'gauge', 'delta']);
const valueTypes: ReadonlySet<string> = new Set<ValueType>(['int64', 'float']);

/**
 * The types of a metric: those of its first value when they are valid, else the catalogue's
 * (`describeMetric`), else a float gauge. Used for new columns and for names with no column.
 */
export function typesOf(
  name: string,
  first?: { metricType?: unknown; valueType?: unknown },
): { metricType: MetricType; valueType: ValueType } {
  const described = describeMetric(name);
  const metricType =
    typeof first?.metricType === 'string' && metricTypes.has(first.metricType)
      ? (first.metricType as MetricType)
      : (described?.type ?? 'gauge');
  const valueType =
    typeof first?.valueType === 'string' && valueTypes.has(first.valueType)
      ? (first.valueType as ValueType)
      : (described?.valueType ?? 'float');
  return { metricType, valueType };
}
