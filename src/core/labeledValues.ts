/**
 * The labeled values of one metric set (filesystems by `resource_id`, disks, accelerators),
 * without an object per value.
 *
 * Why: a 30-pod node's sets carry ~700 labeled values (five filesystem metrics per volume,
 * root filesystem and log directory); as `{ name, labels, value }` objects, with their boxed
 * doubles, they were most of what a batch kept alive after values became numbers
 * (`metricValues.ts`). Here the values that share one label set form a row of a shared
 * `Float64Array` slab, one column per labeled catalogue metric, so a set holds one object,
 * two short arrays (label sets, row offsets) and its rows.
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
import { createRowAllocator, type Row } from './rows.js';

const columnNames: readonly string[] = labeledMetrics.map((md) => md.name);
const columnOf = new Map<string, number>(columnNames.map((name, column) => [name, column]));
const integralColumn: readonly boolean[] = columnNames.map((name) => metricTypesOf(name).valueType === 'int64');
const width = columnNames.length;

/** 4,096 rows × 12 columns × 8 bytes = 384 KiB per slab, ~8 nodes' label sets. */
const takeRow = createRowAllocator(width, 4096);

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

/** Labeled values of one set; see the module comment. */
export class LabeledValues implements Iterable<LabeledMetric> {
  private labelSets: Array<Record<string, string>> = [];
  private rows: Row[] = [];
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
    return this.rows.length;
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
    const index = row.offset + column;
    const old = row.slab[index]!;
    if (old !== old) this.count++;
    row.slab[index] = integralColumn[column] ? Math.trunc(value) : value;
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
    for (const { slab, offset } of this.rows) {
      const value = slab[offset + column]!;
      if (value === value) return true;
    }
    return false;
  }

  /** The value of `name` under labels equal to `labels`, or undefined. */
  get(name: string, labels: Readonly<Record<string, string>>): number | undefined {
    const column = columnOf.get(name);
    if (column === undefined) return this.others?.find((m) => m.name === name && sameLabels(m.labels, labels))?.value;
    for (let i = 0; i < this.rows.length; i++) {
      if (!sameLabels(this.labelSets[i]!, labels)) continue;
      const { slab, offset } = this.rows[i]!;
      const value = slab[offset + column]!;
      return value === value ? value : undefined;
    }
    return undefined;
  }

  /** Visits every value with its name and labels, without allocating per value. */
  forEach(visit: (value: number, name: string, labels: Record<string, string>) => void): void {
    for (let i = 0; i < this.rows.length; i++) {
      const labels = this.labelSets[i]!;
      const { slab, offset } = this.rows[i]!;
      for (let column = 0; column < width; column++) {
        const value = slab[offset + column]!;
        if (value === value) visit(value, columnNames[column]!, labels);
      }
    }
    if (this.others) for (const { name, labels, value } of this.others) visit(value, name, labels);
  }

  /** The label set of row `row` (`0 ≤ row < rowCount`). */
  rowLabels(row: number): Record<string, string> {
    return this.labelSets[row]!;
  }

  /** The value in row `row` and catalogue column `column`, or undefined: for loops that cannot use a callback. */
  valueAt(row: number, column: number): number | undefined {
    const { slab, offset } = this.rows[row]!;
    const value = slab[offset + column]!;
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

  private rowOf(labels: Record<string, string>): Row {
    for (let i = 0; i < this.rows.length; i++) if (sameLabels(this.labelSets[i]!, labels)) return this.rows[i]!;
    const row = takeRow();
    this.labelSets.push(labels);
    this.rows.push(row);
    return row;
  }
}
