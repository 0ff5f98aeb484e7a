/**
 * The labeled values of one metric set (filesystems by `resource_id`, disks, accelerators),
 * without an object per value.
 *
 * Why: a 30-pod node's sets carry ~700 labeled values (five filesystem metrics per volume,
 * root filesystem and log directory); as `{ name, labels, value }` objects, with their boxed
 * doubles, they were most of what a batch kept alive after values became numbers
 * (`metricValues.ts`). Here the values that share one label set form a row of a shared
 * `Float64Array` slab, one column per labeled catalogue metric, so a set holds one object
 * (with an array of three cells per label set beyond its second) and its rows.
 *
 * Rows are matched by label content, so a rate written with a copy of its counter's labels
 * lands in the counter's row. One name with one label set holds one value (a second `add`
 * overwrites, as the store does within a batch). Names outside the catalogue are kept as
 * objects in a list beside the rows. Integer metrics are truncated on `add`; NaN and
 * non-numbers are not stored. Iteration visits rows in the order their label sets first
 * appeared, columns in catalogue order, then the other names in insertion order.
 *
 * @module
 */
import type { LabeledMetric } from './types.js';
import { labeledMetrics, metricTypesOf } from './metrics.js';
import { createRowSource } from './rows.js';

const columnNames: readonly string[] = labeledMetrics.map((md) => md.name);
const columnOf = new Map<string, number>(columnNames.map((name, column) => [name, column]));
const integralColumn: readonly boolean[] = columnNames.map((name) => metricTypesOf(name).valueType === 'int64');
const width = columnNames.length;

/** 4,096 rows × 12 columns × 8 bytes = 384 KiB per slab, ~8 nodes' label sets. */
const takeRow = createRowSource(width, 4096).take;

/** Number of labeled catalogue columns (see {@link LabeledValues.valueAt}). */
export const labeledColumnCount = width;

/** The metric name of a labeled catalogue column. */
export function labeledColumnName(column: number): string {
  return columnNames[column]!;
}

/** Bytes of one label set's row: counted by the store's memory estimate. */
export const labeledRowBytes = width * Float64Array.BYTES_PER_ELEMENT;

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

/**
 * Label sets after the first two: three cells each (labels, the row's slab, the row's offset) in
 * one flat array rather than a `Row` object per label set, since a batch keeps ~1 M label sets
 * alive at 5,000 nodes and every object of them is copied by the young-generation collector.
 */
type Cells = Array<Record<string, string> | Float64Array | number>;
const stride = 3;

/** Labeled values of one set; see the module comment. */
export class LabeledValues implements Iterable<LabeledMetric> {
  private count = 0;
  private rows = 0;
  // The first two label sets in fields of their own: a container has two (root filesystem and
  // logs), a pod one per volume, and an array of their cells was two more objects per set, 87
  // of the 435 bytes a set kept on the heap (`bench/census.ts`).
  private labels0: Record<string, string> | undefined;
  private slab0: Float64Array | undefined;
  private offset0 = 0;
  private labels1: Record<string, string> | undefined;
  private slab1: Float64Array | undefined;
  private offset1 = 0;
  private more: Cells | undefined;
  private others: LabeledMetric[] | undefined;

  constructor(metrics?: Iterable<LabeledMetric>) {
    if (metrics) for (const metric of metrics) this.add(metric.name, metric.labels, metric.value);
  }

  /** Number of values held. */
  get length(): number {
    return this.count + (this.others?.length ?? 0);
  }

  /** Number of distinct label sets with a row (for memory estimates). */
  get rowCount(): number {
    return this.rows;
  }

  /** Stores `value` for `name` under `labels` (the labels object is kept: treat it as read-only). */
  add(name: string, labels: Record<string, string>, value: number): this {
    if (typeof value !== 'number' || value !== value) return this;
    const column = columnOf.get(name);
    if (column === undefined) {
      const number = metricTypesOf(name).valueType === 'int64' ? Math.trunc(value) : value;
      (this.others ??= []).push({ name, labels, value: number });
      return this;
    }
    const row = this.rowOf(labels);
    const slab = this.slabOf(row);
    const index = this.offsetOf(row) + column;
    const old = slab[index]!;
    if (old !== old) this.count++;
    slab[index] = integralColumn[column] ? Math.trunc(value) : value;
    return this;
  }

  /** Array-style add of whole metrics; returns the new length. */
  push(...metrics: LabeledMetric[]): number {
    for (const metric of metrics) this.add(metric.name, metric.labels, metric.value);
    return this.length;
  }

  /** Whether `name` has a value under any label set. */
  has(name: string): boolean {
    const column = columnOf.get(name);
    if (column === undefined) return this.others?.some((m) => m.name === name) ?? false;
    for (let row = 0; row < this.rows; row++) {
      const value = this.valueIn(row, column);
      if (value === value) return true;
    }
    return false;
  }

  /** The value of `name` under labels equal to `labels`, or undefined. */
  get(name: string, labels: Readonly<Record<string, string>>): number | undefined {
    const column = columnOf.get(name);
    if (column === undefined) return this.others?.find((m) => m.name === name && sameLabels(m.labels, labels))?.value;
    for (let row = 0; row < this.rows; row++) {
      if (!sameLabels(this.rowLabels(row), labels)) continue;
      const value = this.valueIn(row, column);
      return value === value ? value : undefined;
    }
    return undefined;
  }

  /** Visits every value with its name and labels, without allocating per value. */
  forEach(visit: (value: number, name: string, labels: Record<string, string>) => void): void {
    for (let row = 0; row < this.rows; row++) {
      const labels = this.rowLabels(row);
      const slab = this.slabOf(row);
      const offset = this.offsetOf(row);
      for (let column = 0; column < width; column++) {
        const value = slab[offset + column]!;
        if (value === value) visit(value, columnNames[column]!, labels);
      }
    }
    if (this.others) for (const { name, labels, value } of this.others) visit(value, name, labels);
  }

  /** The label set of row `row` (`0 ≤ row < rowCount`). */
  rowLabels(row: number): Record<string, string> {
    if (row === 0) return this.labels0!;
    if (row === 1) return this.labels1!;
    return this.more![(row - 2) * stride] as Record<string, string>;
  }

  /** The value in row `row` and catalogue column `column`, or undefined: for loops that cannot use a callback. */
  valueAt(row: number, column: number): number | undefined {
    const value = this.valueIn(row, column);
    return value === value ? value : undefined;
  }

  /** The values whose names are outside the catalogue, as objects. */
  otherMetrics(): readonly LabeledMetric[] {
    return this.others ?? [];
  }

  /** Every value as a fresh `{ name, labels, value }`. */
  toArray(): LabeledMetric[] {
    const metrics: LabeledMetric[] = [];
    this.forEach((value, name, labels) => metrics.push({ name, labels, value }));
    return metrics;
  }

  [Symbol.iterator](): IterableIterator<LabeledMetric> {
    return this.toArray()[Symbol.iterator]();
  }

  /** The values as a list (logs, JSON, test output). */
  toJSON(): LabeledMetric[] {
    return this.toArray();
  }

  /** The slab of row `row`'s values. */
  private slabOf(row: number): Float64Array {
    if (row === 0) return this.slab0!;
    if (row === 1) return this.slab1!;
    return this.more![(row - 2) * stride + 1] as Float64Array;
  }

  /** Where row `row`'s values start in its slab. */
  private offsetOf(row: number): number {
    if (row === 0) return this.offset0;
    if (row === 1) return this.offset1;
    return this.more![(row - 2) * stride + 2] as number;
  }

  /** The value (NaN when absent) of row `row` in `column`. */
  private valueIn(row: number, column: number): number {
    return this.slabOf(row)[this.offsetOf(row) + column]!;
  }

  /** The row of a label set equal to `labels`, added (with a new slab row) if absent. */
  private rowOf(labels: Record<string, string>): number {
    for (let row = 0; row < this.rows; row++) if (sameLabels(this.rowLabels(row), labels)) return row;
    const { slab, offset } = takeRow();
    const row = this.rows++;
    if (row === 0) {
      this.labels0 = labels;
      this.slab0 = slab;
      this.offset0 = offset;
    } else if (row === 1) {
      this.labels1 = labels;
      this.slab1 = slab;
      this.offset1 = offset;
    } else {
      // Exactly sized (a literal, then concat): push left spare cells, as much as the values.
      const more = this.more;
      this.more = more === undefined ? [labels, slab, offset] : more.concat(labels, slab, offset);
    }
    return row;
  }
}
