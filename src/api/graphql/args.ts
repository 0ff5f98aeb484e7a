/**
 * Validation of arguments, once, where they enter: time ranges, metric names, label filters,
 * bucket sizes. Errors name the argument and what was received (`invalid_argument`).
 *
 * @module
 */
import type { MetricDescriptor } from '../../core/metrics.js';
import type { QueryService } from '../query/types.js';
import { invalidArgument } from './errors.js';
import type { LabelInput, TimeRange } from './generated/types.js';
import type { RangeMs } from './loaders.js';

/** Longest `lastMinutes` accepted (a year); longer is certainly a mistake. */
const maxLastMinutes = 525_600;

/** The newest batch timestamp, or undefined before the first batch. */
function newestBatchMs(query: QueryService): number | undefined {
  const timestamps = query.timestamps();
  return timestamps.length === 0 ? undefined : timestamps[timestamps.length - 1];
}

/**
 * The inclusive bounds of a `TimeRange`: `start`/`end` as given, or `last`/`lastMinutes` back
 * from the newest batch (not the wall clock, so ranges line up with stored batches).
 */
export function resolveRange(range: TimeRange | null | undefined, query: QueryService): RangeMs {
  if (!range) return {};
  const { start, end, last, lastMinutes } = range;
  const relative = [last, lastMinutes].filter((v) => v !== null && v !== undefined).length;
  const absolute = start !== null && start !== undefined || end !== null && end !== undefined;
  if (relative > 1 || (relative === 1 && absolute)) {
    invalidArgument('range', 'give start and/or end, or last, or lastMinutes — not several', range);
  }
  if (lastMinutes !== null && lastMinutes !== undefined) {
    if (!Number.isInteger(lastMinutes) || lastMinutes < 1 || lastMinutes > maxLastMinutes) {
      invalidArgument('range.lastMinutes', `must be an integer from 1 to ${maxLastMinutes}`, lastMinutes);
    }
    return lastFrom(query, lastMinutes * 60_000);
  }
  if (last !== null && last !== undefined) {
    if (last <= 0) invalidArgument('range.last', 'must be longer than 0', last);
    return lastFrom(query, last);
  }
  const result: { startMs?: number; endMs?: number } = {};
  if (start !== null && start !== undefined) result.startMs = start;
  if (end !== null && end !== undefined) result.endMs = end;
  if (result.startMs !== undefined && result.endMs !== undefined && result.startMs > result.endMs) {
    invalidArgument('range', `start (${new Date(result.startMs).toISOString()}) is after end (${new Date(result.endMs).toISOString()})`);
  }
  return result;
}

function lastFrom(query: QueryService, lengthMs: number): RangeMs {
  const newest = newestBatchMs(query);
  // Before the first batch there is nothing to show; an empty range keeps the answer empty.
  if (newest === undefined) return { startMs: 0, endMs: -1 };
  // Inclusive on both ends: "the last 15 minutes" at 60 s resolution is 15 points, not 16.
  return { startMs: newest - lengthMs + 1, endMs: newest };
}

/** The descriptor of `name`, checked to be unlabeled (`labeled` false) or labeled (`labeled` true). */
export function checkMetric(query: QueryService, argument: string, name: string, labeled: boolean): MetricDescriptor {
  const descriptor = query.describeMetric(name);
  if (!descriptor) invalidArgument(argument, `unknown metric ${JSON.stringify(name)} (see metricCatalogue)`, name);
  const isLabeled = descriptor.labels.length > 0;
  if (isLabeled !== labeled) {
    invalidArgument(
      argument,
      isLabeled ? `${JSON.stringify(name)} is a labeled metric; read it with labeledMetric` : `${JSON.stringify(name)} is not a labeled metric; read it with metric`,
      name,
    );
  }
  return descriptor;
}

/** Whether `name` is labeled; throws for unknown names. */
export function isLabeledMetric(query: QueryService, argument: string, name: string): boolean {
  const descriptor = query.describeMetric(name);
  if (!descriptor) invalidArgument(argument, `unknown metric ${JSON.stringify(name)} (see metricCatalogue)`, name);
  return descriptor.labels.length > 0;
}

/** `[{key, value}]` → a label record; duplicate keys are an error. */
export function labelRecord(argument: string, labels: readonly LabelInput[] | null | undefined): Record<string, string> | undefined {
  if (labels === null || labels === undefined) return undefined;
  const record: Record<string, string> = {};
  for (const { key, value } of labels) {
    if (Object.prototype.hasOwnProperty.call(record, key)) invalidArgument(argument, `label ${JSON.stringify(key)} given twice`, key);
    record[key] = value;
  }
  return record;
}

/** A bucket size: absent = one bucket; otherwise at least 1 ms. */
export function bucketMs(bucket: number | null | undefined): number {
  if (bucket === null || bucket === undefined) return 0;
  if (bucket < 1) invalidArgument('bucket', 'must be at least 1ms', bucket);
  return bucket;
}

/** Metric names of a live subscription: 1 to 50 known names, unlabeled or labeled. */
export function checkLiveMetrics(query: QueryService, metrics: readonly string[]): void {
  if (metrics.length === 0 || metrics.length > 50) invalidArgument('metrics', 'give 1 to 50 metric names', metrics.length);
  for (const name of metrics) isLabeledMetric(query, 'metrics', name);
}
