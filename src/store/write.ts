/**
 * The write path: validate the batch itself first (so a bad batch changes nothing), evict what
 * left retention, then fill one slot of every column — in steps of a few hundred sets, so the
 * housekeeping path can let requests in; the slot becomes visible to readers only when full. Work is one
 * pass over the values with no allocation per value: columns are found by name in a Map, rows
 * through typed arrays, label sets through an allocation-free trie.
 *
 * @module
 */
import { eachInSteps, runToEnd, type Steps } from '../core/slices.js';
import { LabeledValues, MetricValues, type DataBatch, type LabeledMetric, type MetricSet } from '../core/types.js';
import { labeledColumnCount, labeledColumnName } from '../core/labeledValues.js';
import { metricColumnCount, metricColumnName } from '../core/metricValues.js';
import { allocateRow, beginSlot, compactIfSparse, createColumn, freeRowsBefore, labeledRowOf, releaseSlots, type Column } from './column.js';
import { StoreError, describeReceived } from './errors.js';
import type { StoreState } from './state.js';
import { metricTypesOf } from '../core/metrics.js';
import { batchShellBytes, metricSetBytes } from './memory.js';

/**
 * Every how many sets of a batch of `size` one is measured for the batch's size estimate. Walking
 * every set's labels was ~180 ms of a 5,000-node write (1.3 % of a cycle's busy time); sets of a large batch are alike enough
 * that one in 16 estimates the whole within a fraction of a percent. Small batches are measured
 * set by set.
 */
export function sampleStride(size: number): number {
  return size >= 16_384 ? 16 : 1;
}

/** Slot rows cleared between two yields (≈1 ms of filling). */
const rowsPerClearStep = 200_000;

function invalid(message: string, field: string, received: unknown): StoreError {
  return new StoreError('invalid_batch', message, { field, received: describeReceived(received) });
}

/**
 * Checks the batch itself before anything is changed. Sets are checked as they are written (a
 * second pass over 300k sets costs as much as the write): a malformed set is skipped, the rest
 * of the batch is stored.
 */
export function validateBatch(batch: unknown): asserts batch is DataBatch {
  if (typeof batch !== 'object' || batch === null) throw invalid(`batch must be an object, received ${describeReceived(batch)}`, 'batch', batch);
  const { timestamp, metricSets } = batch as Partial<DataBatch>;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw invalid(`batch.timestamp must be a finite number of ms, received ${describeReceived(timestamp)}`, 'timestamp', timestamp);
  }
  if (!(metricSets instanceof Map)) {
    throw invalid(`batch.metricSets must be a Map, received ${describeReceived(metricSets)}`, 'metricSets', metricSets);
  }
}

/** Whether a batch entry can be written: a string key and a set with labels, values and labeled metrics. */
function isWritableSet(set: MetricSet, key: string): boolean {
  return (
    typeof key === 'string' &&
    typeof set === 'object' &&
    set !== null &&
    typeof set.labels === 'object' &&
    set.labels !== null &&
    set.metricValues instanceof MetricValues &&
    set.labeledMetrics instanceof LabeledValues
  );
}

/**
 * Creates the write function of a state. Malformed sets, values that are not numbers or NaN
 * (the store's "no value" marker), and labeled metrics without a name or labels object are
 * skipped; everything else in the batch is stored. A batch at or before `newest − retentionMs`
 * is ignored: it would be evicted at once. A second value for the same set, metric and label
 * set in one batch overwrites the first.
 */
export function createWriter(state: StoreState): { write(batch: DataBatch): void; writeSteps(batch: DataBatch): Steps<void> } {
  const { timeline, entities, labelSets, columns, labeledColumns, arena } = state;
  let entity = -1;
  let slot = -1;
  let timestampMs = 0;
  /** Estimated bytes of the batch being written (memory.ts), summed set by set. */
  let batchBytes = 0;
  /** Every how many sets one is measured for the estimate (see {@link sampleStride}). */
  let stride = 1;
  let untilSample = 0;
  /**
   * This batch's store column of each catalogue column (`core/metricValues.ts`), found by name
   * once per batch: the write then reads a set's row by index, with no name or callback per
   * value. Reset per batch because eviction drops emptied columns from `columns`.
   */
  let catalogue: (Column | undefined)[] = [];

  const releaseLabelSet = (labelSet: number): void => labelSets.release(labelSet);

  function newColumn(map: Map<string, Column>, name: string, labeled: boolean): Column {
    const { metricType, valueType } = metricTypesOf(name);
    const column = createColumn(name, labeled, metricType, valueType, arena);
    beginSlot(column, slot);
    map.set(name, column);
    return column;
  }

  function writeValue(column: Column, number: number): void {
    let row = entity < column.head.length ? column.head[entity]! : -1;
    if (row < 0) row = allocateRow(column, entity, -1);
    column.current[row] = number;
  }

  function writeValues(values: MetricValues): void {
    for (let index = 0; index < metricColumnCount; index++) {
      const number = values.getColumn(index);
      if (number === undefined) continue;
      let column = catalogue[index];
      if (column === undefined) {
        const name = metricColumnName(index);
        column = catalogue[index] = columns.get(name) ?? newColumn(columns, name, false);
      }
      writeValue(column, number);
    }
    if (values.otherCount === 0) return;
    for (const [name, number] of values.otherEntries()) {
      if (typeof number !== 'number' || number !== number) continue;
      writeValue(columns.get(name) ?? newColumn(columns, name, false), number);
    }
  }

  function writeLabeled(metric: LabeledMetric): void {
    const number = metric?.value;
    if (typeof number !== 'number' || number !== number) return;
    if (typeof metric.labels !== 'object' || metric.labels === null || typeof metric.name !== 'string') return;
    writeLabeledValue(metric.name, labelSets.intern(metric.labels), number);
  }

  function writeLabeledValue(name: string, labelSet: number, number: number): void {
    const column = labeledColumns.get(name) ?? newColumn(labeledColumns, name, true);
    let row = labeledRowOf(column, entity, labelSet);
    if (row < 0) {
      row = allocateRow(column, entity, labelSet);
      labelSets.retain(labelSet);
    }
    column.current[row] = number;
    // Labeled rows keep their own last-seen time (column.ts); unlabeled ones go by their entity's.
    if (column.rowLastSeen[row]! < timestampMs) column.rowLastSeen[row] = timestampMs;
  }

  function writeSet(set: MetricSet, key: string): void {
    if (!isWritableSet(set, key)) return;
    if (--untilSample <= 0) {
      batchBytes += stride * metricSetBytes(key, set);
      untilSample = stride;
    }
    entity = entities.intern(key, set, timestampMs);
    writeValues(set.metricValues);
    // One label set per row of values: interned once for all the row's metrics.
    const labeled = set.labeledMetrics;
    for (let row = 0; row < labeled.rowCount; row++) {
      const labels = labeled.rowLabels(row);
      if (typeof labels !== 'object' || labels === null) continue;
      const labelSet = labelSets.intern(labels);
      for (let column = 0; column < labeledColumnCount; column++) {
        const number = labeled.valueAt(row, column);
        if (number !== undefined) writeLabeledValue(labeledColumnName(column), labelSet, number);
      }
    }
    const others = labeled.otherMetrics();
    for (let i = 0; i < others.length; i++) writeLabeled(others[i]!);
  }

  /**
   * Frees the rows last seen at or before the cutoff (`expired`: the entities last seen by then),
   * one column per step: at 5,000 nodes a column has ~400k rows, and all ~50 columns in one piece
   * held the event loop for a whole eviction. The evicted times already left the timeline, so
   * readers between steps never ask for them; a column is consistent after each step.
   */
  function* sweep(map: Map<string, Column>, cutoffMs: number, expired: Uint8Array): Steps<void> {
    for (const [name, column] of [...map]) {
      freeRowsBefore(column, cutoffMs, expired, releaseLabelSet);
      if (column.liveRows === 0) {
        map.delete(name);
        releaseSlots(column);
      } else compactIfSparse(column, timeline.slots);
      yield;
    }
  }

  /**
   * Clears this batch's slot in every column, a few columns per step when `stepwise`: at 5,000
   * nodes a slot array has ~500k rows, and filling ~50 of them at once held the event loop for
   * ~90 ms while the window filled (fresh pages; ~10 ms once reused). Only a reserved slot is
   * cleared stepwise: readers cannot see it before it is published. A slot already published
   * (a batch rewritten with the same timestamp) is cleared at once, as before.
   */
  function* beginSlots(map: Map<string, Column>, stepwise: boolean): Steps<void> {
    let rows = 0;
    for (const column of map.values()) {
      beginSlot(column, slot);
      rows += column.capacity;
      if (stepwise && rows >= rowsPerClearStep) {
        rows = 0;
        yield;
      }
    }
  }

  let writing = false;

  /** The write as steps: values go into a reserved slot, published when the last set is in. */
  function* writeSteps(batch: DataBatch): Steps<void> {
    if (writing) throw new StoreError('write_in_progress', 'a batch is still being written; writes must not overlap', {});
    validateBatch(batch);
    const newest = Math.max(batch.timestamp, timeline.times[timeline.times.length - 1] ?? -Infinity);
    const cutoffMs = newest - state.retentionMs;
    if (batch.timestamp <= cutoffMs) return;
    writing = true;
    let reserved = -1;
    try {
      // Evict first so rows and slots freed now are reused by this very batch.
      if (timeline.evictThrough(cutoffMs) > 0) {
        const expired = entities.expiredBefore(cutoffMs);
        yield* sweep(columns, cutoffMs, expired);
        yield* sweep(labeledColumns, cutoffMs, expired);
        labelSets.collect();
        entities.freeBefore(cutoffMs);
      }

      timestampMs = batch.timestamp;
      batchBytes = batchShellBytes;
      stride = sampleStride(batch.metricSets.size);
      untilSample = 0;
      catalogue = [];
      const existing = timeline.indexOf(timestampMs);
      if (existing >= 0) slot = timeline.slots[existing]!;
      else slot = reserved = timeline.reserve();
      yield* beginSlots(columns, reserved >= 0);
      yield* beginSlots(labeledColumns, reserved >= 0);

      yield* eachInSteps(batch.metricSets, writeSet);

      if (reserved >= 0) timeline.publish(timestampMs, reserved);
      reserved = -1;
      if (state.latest === undefined || timestampMs >= state.latest.timestamp) {
        state.latest = batch;
        state.latestBytes = batchBytes;
      }
      state.version++;
    } finally {
      if (reserved >= 0) timeline.release(reserved);
      writing = false;
    }
  }

  return { write: (batch) => runToEnd(writeSteps(batch)), writeSteps };
}
