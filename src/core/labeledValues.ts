/**
 * The labeled values of one metric set (filesystems by `resource_id`, disks, accelerators),
 * without an object per value.
 *
 * Why: a 30-pod node's sets carry ~700 labeled values (five filesystem metrics per volume,
 * root filesystem and log directory); as `{ name, labels, value }` objects, with their boxed
 * doubles, they were most of what a batch kept alive after values became numbers
 * (`metricValues.ts`). Here the values that share one label set form a row of a shared
 * `Float64Array` slab, one column per labeled catalogue metric, so a set holds one object,
 * one array of three cells per label set (labels, slab, offset) and its rows.
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
 * Per label set, three cells: its labels, its row's slab, the row's offset. One flat array
 * rather than a `Row` object per label set and a second array: a batch keeps ~1 M label sets
 * alive at 5,000 nodes, and every object of them is copied by the young-generation collector.
 */
type Cells = Array<Record<string, string> | Float64Array | number>;
const stride = 3;

/** Labeled values of one set; see the module comment. */
export class LabeledValues implements Iterable<LabeledMetric> {
  private cells: Cells = [];
  private count = 0;
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
    return this.cells.length / stride;
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
    const at = this.cellOf(labels);
    const slab = this.cells[at + 1] as Float64Array;
    const index = (this.cells[at + 2] as number) + column;
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
    for (let at = 0; at < this.cells.length; at += stride) {
      const value = this.valueIn(at, column);
      if (value === value) return true;
    }
    return false;
  }

  /** The value of `name` under labels equal to `labels`, or undefined. */
  get(name: string, labels: Readonly<Record<string, string>>): number | undefined {
    const column = columnOf.get(name);
    if (column === undefined) return this.others?.find((m) => m.name === name && sameLabels(m.labels, labels))?.value;
    for (let at = 0; at < this.cells.length; at += stride) {
      if (!sameLabels(this.cells[at] as Record<string, string>, labels)) continue;
      const value = this.valueIn(at, column);
      return value === value ? value : undefined;
    }
    return undefined;
  }

  /** Visits every value with its name and labels, without allocating per value. */
  forEach(visit: (value: number, name: string, labels: Record<string, string>) => void): void {
    for (let at = 0; at < this.cells.length; at += stride) {
      const labels = this.cells[at] as Record<string, string>;
      const slab = this.cells[at + 1] as Float64Array;
      const offset = this.cells[at + 2] as number;
      for (let column = 0; column < width; column++) {
        const value = slab[offset + column]!;
        if (value === value) visit(value, columnNames[column]!, labels);
      }
    }
    if (this.others) for (const { name, labels, value } of this.others) visit(value, name, labels);
  }

  /** The label set of row `row` (`0 ≤ row < rowCount`). */
  rowLabels(row: number): Record<string, string> {
    return this.cells[row * stride] as Record<string, string>;
  }

  /** The value in row `row` and catalogue column `column`, or undefined: for loops that cannot use a callback. */
  valueAt(row: number, column: number): number | undefined {
    const value = this.valueIn(row * stride, column);
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

  /** The value (NaN when absent) of the label set whose cells start at `at`. */
  private valueIn(at: number, column: number): number {
    return (this.cells[at + 1] as Float64Array)[(this.cells[at + 2] as number) + column]!;
  }

  /** Where the cells of a label set equal to `labels` start, adding them (with a new row) if absent. */
  private cellOf(labels: Record<string, string>): number {
    for (let at = 0; at < this.cells.length; at += stride) if (sameLabels(this.cells[at] as Record<string, string>, labels)) return at;
    const { slab, offset } = takeRow();
    // Exactly sized (a literal, then concat): push left up to 17 spare cells per set, ~a sixth
    // of the heap a batch keeps.
    const cells = this.cells;
    this.cells = cells.length === 0 ? [labels, slab, offset] : cells.concat(labels, slab, offset);
    return this.cells.length - stride;
  }
}
