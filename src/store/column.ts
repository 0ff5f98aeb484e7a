/**
 * One metric's column: per batch slot a Float64Array indexed by row (NaN = no value), rows
 * assigned to entities (labeled columns: to entity × label set). The entity → row index is a
 * typed array indexed by entity id, grown by doubling; a labeled column chains an entity's rows
 * through `next`. Row capacity grows by a quarter at a time because it multiplies every
 * per-slot array, where doubling would leave up to half of the store's largest arrays empty.
 * Rows are freed when their newest value leaves retention and the arrays are compacted when
 * half of them are free, so memory follows the live population.
 *
 * Invariant: a row holds non-NaN values only in slots no newer than its last-seen time, so a row
 * freed once that time left retention is NaN in every retained slot and can be reused as is.
 * A labeled row's last-seen time is its own (`rowLastSeen`: label sets of a living entity can
 * churn); an unlabeled row's is its entity's (the store's entity table). So an unlabeled row
 * whose metric stopped while its entity lives on stays, NaN in new slots (which readers skip),
 * until the entity goes: at most one row per column and entity, where keeping a time per row cost
 * a read and a write per stored value, ~7 % of the write.
 *
 * @module
 */
import type { MetricType, ValueType } from '../core/types.js';
import type { SlotArena } from './arena.js';

/** A column's storage; fields are mutated only by the functions of this module. */
export interface Column {
  readonly name: string;
  readonly labeled: boolean;
  /** From the first value written (Heapster kept types per value; the pipeline keeps them per name). */
  readonly metricType: MetricType;
  readonly valueType: ValueType;
  /** Rows every per-slot array has room for. */
  capacity: number;
  /** Rows in use. */
  liveRows: number;
  /** Rows below this were handed out at least once since the last compaction. */
  rowHigh: number;
  /** By entity id: the entity's row (labeled: its first row), -1 for none. */
  head: Int32Array;
  /** Labeled only: the entity's next row, -1 at the end. */
  next: Int32Array;
  /** Owner of each row, -1 when free. */
  rowEntity: Int32Array;
  /** Labeled only: label-set id of each row. */
  rowLabelSet: Int32Array;
  /** Labeled only: newest batch timestamp that wrote each row. */
  rowLastSeen: Float64Array;
  freeRows: Int32Array;
  freeCount: number;
  /** By physical slot id; undefined = no value in that slot. Taken from and given back to `arena`. */
  slots: (Float64Array | undefined)[];
  readonly arena: SlotArena;
  /** The array of the slot being written, and its physical id. */
  current: Float64Array;
  currentSlot: number;
}

const initialRows = 16;
const initialEntities = 16;
const empty = new Float64Array(0);

function filledInt32(length: number, value: number): Int32Array {
  return new Int32Array(length).fill(value);
}

/**
 * Capacity for `needed` rows or ids: a quarter of headroom, at least `minimum`. Growth by 1.25×
 * rather than 2× keeps the per-slot arrays of a grown column at least 80 % used.
 */
function capacityFor(needed: number, minimum: number): number {
  return Math.max(minimum, needed + (needed >> 2));
}

/** A column with no rows. */
export function createColumn(name: string, labeled: boolean, metricType: MetricType, valueType: ValueType, arena: SlotArena): Column {
  return {
    name,
    labeled,
    metricType,
    valueType,
    capacity: initialRows,
    liveRows: 0,
    rowHigh: 0,
    head: filledInt32(initialEntities, -1),
    next: labeled ? filledInt32(initialRows, -1) : new Int32Array(0),
    rowEntity: filledInt32(initialRows, -1),
    rowLabelSet: labeled ? filledInt32(initialRows, -1) : new Int32Array(0),
    rowLastSeen: labeled ? new Float64Array(initialRows) : new Float64Array(0),
    freeRows: new Int32Array(initialRows),
    freeCount: 0,
    slots: [],
    arena,
    current: empty,
    currentSlot: -1,
  };
}

/** Makes `slot` the one being written: its array exists, is all NaN and is `column.current`. */
export function beginSlot(column: Column, slot: number): void {
  let values = column.slots[slot];
  if (values) values.fill(Number.NaN);
  else column.slots[slot] = values = column.arena.take(column.capacity).fill(Number.NaN);
  column.current = values;
  column.currentSlot = slot;
}

/** The unlabeled row of `entity`, or -1. */
export function rowOf(column: Column, entity: number): number {
  return entity < column.head.length ? column.head[entity]! : -1;
}

/** The labeled row of `entity` × `labelSet`, or -1. */
export function labeledRowOf(column: Column, entity: number, labelSet: number): number {
  let row = rowOf(column, entity);
  while (row >= 0 && column.rowLabelSet[row] !== labelSet) row = column.next[row]!;
  return row;
}

function growRows(column: Column): void {
  const capacity = capacityFor(column.capacity + 1, initialRows);
  const grow32 = (old: Int32Array, fill: number): Int32Array => {
    const grown = filledInt32(capacity, fill);
    grown.set(old);
    return grown;
  };
  if (column.labeled) {
    column.next = grow32(column.next, -1);
    column.rowLabelSet = grow32(column.rowLabelSet, -1);
    const lastSeen = new Float64Array(capacity);
    lastSeen.set(column.rowLastSeen);
    column.rowLastSeen = lastSeen;
  }
  column.rowEntity = grow32(column.rowEntity, -1);
  const free = new Int32Array(capacity);
  free.set(column.freeRows.subarray(0, column.freeCount));
  column.freeRows = free;
  for (let slot = 0; slot < column.slots.length; slot++) {
    const old = column.slots[slot];
    if (!old) continue;
    const grown = column.arena.take(capacity).fill(Number.NaN);
    grown.set(old);
    column.slots[slot] = grown;
    column.arena.give(old);
  }
  column.capacity = capacity;
  column.current = column.currentSlot >= 0 ? column.slots[column.currentSlot] ?? empty : empty;
}

function growHead(column: Column, entity: number): void {
  let length = column.head.length * 2;
  while (length <= entity) length *= 2;
  const head = filledInt32(length, -1);
  head.set(column.head);
  column.head = head;
}

/** Hands out a row for `entity` (× `labelSet` when labeled; pass -1 otherwise) and links it. */
export function allocateRow(column: Column, entity: number, labelSet: number): number {
  let row: number;
  if (column.freeCount > 0) row = column.freeRows[--column.freeCount]!;
  else {
    if (column.rowHigh === column.capacity) growRows(column);
    row = column.rowHigh++;
  }
  if (entity >= column.head.length) growHead(column, entity);
  column.rowEntity[row] = entity;
  if (column.labeled) {
    column.rowLabelSet[row] = labelSet;
    column.rowLastSeen[row] = -Infinity;
    column.next[row] = column.head[entity]!;
  }
  column.head[entity] = row;
  column.liveRows++;
  return row;
}

function unlink(column: Column, row: number): void {
  const entity = column.rowEntity[row]!;
  if (!column.labeled) {
    column.head[entity] = -1;
    return;
  }
  if (column.head[entity] === row) {
    column.head[entity] = column.next[row]!;
    return;
  }
  let previous = column.head[entity]!;
  while (column.next[previous] !== row) previous = column.next[previous]!;
  column.next[previous] = column.next[row]!;
}

/**
 * Frees every row last seen at or before `cutoffMs`: a labeled row by its own time, an unlabeled
 * one when its entity is flagged in `expired` (by entity id, 1 = last seen by then). `onFree`
 * gets each freed row's label set (-1 when unlabeled) so the caller can drop its reference.
 */
export function freeRowsBefore(column: Column, cutoffMs: number, expired: Uint8Array, onFree: (labelSet: number) => void): void {
  for (let row = 0; row < column.rowHigh; row++) {
    const entity = column.rowEntity[row]!;
    if (entity < 0) continue;
    if (column.labeled ? column.rowLastSeen[row]! > cutoffMs : expired[entity] !== 1) continue;
    unlink(column, row);
    if (column.labeled) {
      onFree(column.rowLabelSet[row]!);
      column.rowLabelSet[row] = -1;
      column.next[row] = -1;
    }
    column.rowEntity[row] = -1;
    column.freeRows[column.freeCount++] = row;
    column.liveRows--;
  }
}

/**
 * Shrinks a column whose rows are at most half used: live rows are renumbered densely
 * (values copied for the `retainedSlots`, other slot arrays dropped) and the entity index is
 * cut to the highest live entity. Returns whether it compacted.
 */
export function compactIfSparse(column: Column, retainedSlots: readonly number[]): boolean {
  if (column.capacity <= initialRows || column.liveRows * 2 > column.capacity) return false;
  const capacity = capacityFor(column.liveRows, initialRows);
  const newRow = filledInt32(column.rowHigh, -1);
  let maxEntity = -1;
  let count = 0;
  for (let row = 0; row < column.rowHigh; row++) {
    const entity = column.rowEntity[row]!;
    if (entity < 0) continue;
    newRow[row] = count++;
    if (entity > maxEntity) maxEntity = entity;
  }
  const rowEntity = filledInt32(capacity, -1);
  const rowLabelSet = column.labeled ? filledInt32(capacity, -1) : column.rowLabelSet;
  const rowLastSeen = column.labeled ? new Float64Array(capacity) : column.rowLastSeen;
  const next = column.labeled ? filledInt32(capacity, -1) : column.next;
  const head = filledInt32(capacityFor(maxEntity + 1, initialEntities), -1);
  for (let row = 0; row < column.rowHigh; row++) {
    const target = newRow[row]!;
    if (target < 0) continue;
    rowEntity[target] = column.rowEntity[row]!;
    if (column.labeled) {
      rowLabelSet[target] = column.rowLabelSet[row]!;
      rowLastSeen[target] = column.rowLastSeen[row]!;
      const following = column.next[row]!;
      next[target] = following < 0 ? -1 : newRow[following]!;
    }
  }
  for (let entity = 0; entity <= maxEntity; entity++) {
    const first = column.head[entity]!;
    head[entity] = first < 0 ? -1 : newRow[first]!;
  }
  const slots: (Float64Array | undefined)[] = [];
  for (const slot of retainedSlots) {
    const old = column.slots[slot];
    if (!old) continue;
    const values = column.arena.take(capacity).fill(Number.NaN);
    for (let row = 0; row < column.rowHigh; row++) if (newRow[row]! >= 0) values[newRow[row]!] = old[row]!;
    slots[slot] = values;
  }
  releaseSlots(column);
  Object.assign(column, {
    capacity,
    rowHigh: count,
    head,
    next,
    rowEntity,
    rowLabelSet,
    rowLastSeen,
    freeRows: new Int32Array(capacity),
    freeCount: 0,
    slots,
    current: empty,
    currentSlot: -1,
  });
  return true;
}

/** Gives every slot array of `column` back to its arena: the column is dropped or its arrays replaced. */
export function releaseSlots(column: Column): void {
  for (const values of column.slots) if (values) column.arena.give(values);
}

/** The value of `row` in physical `slot`, NaN when none. */
export function valueAt(column: Column, slot: number, row: number): number {
  const values = column.slots[slot];
  return values === undefined ? Number.NaN : values[row]!;
}

/** Bytes of the column's typed arrays plus its object and slot list. */
export function columnBytes(column: Column): number {
  let bytes = 200 + column.name.length + column.slots.length * 8;
  bytes += column.head.byteLength + column.next.byteLength + column.rowEntity.byteLength;
  bytes += column.rowLabelSet.byteLength + column.rowLastSeen.byteLength + column.freeRows.byteLength;
  for (const values of column.slots) if (values) bytes += values.byteLength;
  return bytes;
}
