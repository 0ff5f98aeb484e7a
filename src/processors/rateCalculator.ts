/**
 * The rate calculator (heapster-reference §4.1): turns cumulative counters into per-second
 * rates (`cpu/usage` into millicores) by comparing each set with the same key in the
 * previous batch.
 *
 * One decided difference from Heapster: a counter that went down while the set's
 * `collectionStartTime` stayed the same is treated as a reset and yields no rate for that
 * interval (Heapster emitted a negative rate, quirk 8).
 *
 * @module
 */
import { Label } from '../core/labels.js';
import { rateMetricsMapping } from '../core/metrics.js';
import { requireMetricColumn } from '../core/metricValues.js';
import { type DataBatch, type LabeledMetric, type MetricSet } from '../core/types.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

/** Options of {@link createRateCalculator}. */
export interface RateCalculatorOptions {
  /** Receives counter decreases and out-of-order batches. @default ignore */
  onSkip?: SkipListener;
}

const name = 'rate calculator';
const cpuUsage = 'cpu/usage';
/** Counters that are labeled metrics, matched between batches by `resource_id`. */
const labeledCounters: ReadonlySet<string> = new Set(['disk/io_read_bytes', 'disk/io_write_bytes']);
/**
 * Unlabeled counter → rate pairs with their catalogue columns, as an array: iterating the Map
 * allocated an entry per pair per set, and reading by column skips a name lookup per value.
 */
const unlabeledRates: ReadonlyArray<{ counter: string; counterColumn: number; rateColumn: number }> = [...rateMetricsMapping]
  .filter(([counter]) => !labeledCounters.has(counter))
  .map(([counter, rate]) => ({ counter, counterColumn: requireMetricColumn(counter), rateColumn: requireMetricColumn(rate) }));
const cpuUsageColumn = requireMetricColumn(cpuUsage);
/** Up to this, the float quotient of two integers truncates to the exact integer quotient. */
const exactDivisionLimit = 2 ** 52;

/** Creates a rate calculator. It keeps the previous batch (the same object, later enriched). */
export function createRateCalculator({ onSkip = ignoreSkips }: RateCalculatorOptions = {}): Processor {
  let previous: DataBatch | undefined;

  return defineProcessor(name, function* (batch) {
    if (previous === undefined) {
      previous = batch;
      return batch;
    }
    if (!(batch.timestamp > previous.timestamp)) {
      // Heapster keeps the old batch so the next in-order batch still gets rates.
      onSkip({ processor: name, reason: 'out_of_order_batch', key: '' });
      return batch;
    }
    const old = previous;
    yield* eachInSteps(batch.metricSets, (newSet, key) => {
      const oldSet = old.metricSets.get(key);
      if (oldSet === undefined) return;
      if (!(newSet.scrapeTime > oldSet.scrapeTime)) return;
      // A changed start time means the entity restarted; its counters began again.
      if (newSet.collectionStartTime !== oldSet.collectionStartTime) return;
      addRates(key, newSet, oldSet, onSkip);
    });
    previous = batch;
    return batch;
  });
}

function addRates(key: string, newSet: MetricSet, oldSet: MetricSet, onSkip: SkipListener): void {
  const intervalNs = Math.round((newSet.scrapeTime - oldSet.scrapeTime) * 1e6);
  if (intervalNs <= 0) return;
  addLabeledRates(key, newSet, oldSet, intervalNs, onSkip);
  for (let i = 0; i < unlabeledRates.length; i++) {
    const { counter, counterColumn, rateColumn } = unlabeledRates[i]!;
    const newValue = newSet.metricValues.getColumn(counterColumn);
    const oldValue = oldSet.metricValues.getColumn(counterColumn);
    if (newValue === undefined || oldValue === undefined) continue;
    const delta = newValue - oldValue;
    if (delta < 0) {
      onSkip({ processor: name, reason: 'counter_decrease', key, metric: counter });
      continue;
    }
    newSet.metricValues.setColumn(
      rateColumn,
      counterColumn === cpuUsageColumn ? millicores(delta, intervalNs) : (1e9 * delta) / intervalNs,
    );
  }
}

/** Disk IO rates, matching the old counter by `resource_id` as Heapster did. */
function addLabeledRates(key: string, newSet: MetricSet, oldSet: MetricSet, intervalNs: number, onSkip: SkipListener): void {
  // Most sets have no disk counters: no visit (and no closure) for them.
  let any = false;
  for (const counter of labeledCounters) any ||= newSet.labeledMetrics.has(counter);
  if (!any) return;
  // Collected first: rates added while visiting must not be visited as counters.
  const rates: LabeledMetric[] = [];
  newSet.labeledMetrics.forEach((value, counter, labels) => {
    if (!labeledCounters.has(counter)) return;
    const old = findLabeled(oldSet, counter, labels[Label.ResourceId]);
    if (old === undefined) return;
    const delta = value - old;
    if (delta < 0) {
      onSkip({ processor: name, reason: 'counter_decrease', key, metric: counter });
      return;
    }
    // The counter's own labels: the rate joins its counter's row (LabeledValues keeps them read-only).
    rates.push({ name: rateMetricsMapping.get(counter)!, labels, value: (1e9 * delta) / intervalNs });
  });
  newSet.labeledMetrics.push(...rates);
}

function findLabeled(set: MetricSet, metric: string, resourceId: string | undefined): number | undefined {
  let found: number | undefined;
  set.labeledMetrics.forEach((value, name, labels) => {
    if (found === undefined && name === metric && labels[Label.ResourceId] === resourceId) found = value;
  });
  return found;
}

/** Heapster's int64 `1000 × Δns / Δt_ns`, truncating; exact for non-negative integer inputs. */
function millicores(deltaNs: number, intervalNs: number): number {
  const scaled = 1000 * deltaNs;
  if (scaled <= exactDivisionLimit || !Number.isSafeInteger(deltaNs) || !Number.isSafeInteger(intervalNs)) {
    return Math.trunc(scaled / intervalNs);
  }
  return Number((1000n * BigInt(deltaNs)) / BigInt(intervalNs));
}
