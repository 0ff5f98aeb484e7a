/**
 * The unlabeled values of one metric set: metric name → number, with a Map-like API.
 *
 * Why not a `Map` of value objects: a 5,000-node batch holds ~8 M values, and one object per
 * value (plus its boxed double) made garbage collection most of a cycle's CPU (62 % of the
 * profile at 5,000 nodes, docs/benchmarks.md). Here each set owns one row of a shared
 * `Float64Array` slab, one column per catalogue metric (`core/metrics.ts`), so a set's values
 * are one small object and no per-value allocation. A value's metric and value types come from
 * its name's descriptor ({@link metricTypesOf}); integer metrics are truncated on `set`.
 *
 * NaN marks an absent value in a row, so setting NaN removes the value (NaN is not a
 * measurement). Names outside the catalogue (`custom/<name>`, `<extended resource>/request`)
 * live in a small per-set Map beside the row. Iteration visits the row's metrics in catalogue
 * order, then the others in insertion order.
 *
 * @module
 */
import { allMetrics, metricTypesOf } from './metrics.js';
import { createRowSource } from './rows.js';

/** Catalogue metrics without labels: the columns of a row. */
const columnNames: readonly string[] = allMetrics.filter((md) => md.labels.length === 0).map((md) => md.name);
const columnOf = new Map<string, number>(columnNames.map((name, column) => [name, column]));
const integralColumn: readonly boolean[] = columnNames.map((name) => metricTypesOf(name).valueType === 'int64');
const width = columnNames.length;
/** Slots after the columns for the set's times (`types.ts`): numbers in a row cost no HeapNumber each. */
const timeSlots = 3;

/** 1,024 rows × 43 slots × 8 bytes ≈ 344 KiB per slab, shared by ~12 nodes' sets. */
const takeRow = createRowSource(width + timeSlots, 1024).take;
const noOthers: ReadonlyMap<string, number> = new Map();

/** Bytes of one set's row: counted by the store's memory estimate. */
export const metricRowBytes = (width + timeSlots) * Float64Array.BYTES_PER_ELEMENT;

/** Number of catalogue columns: iterate `0 ≤ column < metricColumnCount` without allocating. */
export const metricColumnCount = width;

/** The column of a catalogue metric, or -1: lets hot loops look a name up once. */
export function metricColumn(name: string): number {
  return columnOf.get(name) ?? -1;
}

/** The column of a metric the catalogue is known to have; throws for any other name (a code error). */
export function requireMetricColumn(name: string): number {
  const column = columnOf.get(name);
  if (column === undefined) throw new Error(`${name} is not an unlabeled catalogue metric`);
  return column;
}

/** The metric name of a catalogue column. */
export function metricColumnName(column: number): string {
  return columnNames[column]!;
}

/** Metric name → number for one set; see the module comment. */
export class MetricValues implements Iterable<[string, number]> {
  private readonly slab: Float64Array;
  private readonly offset: number;
  private count = 0;
  private others: Map<string, number> | undefined;

  constructor(entries?: Iterable<readonly [string, number]>) {
    const row = takeRow();
    this.slab = row.slab;
    this.offset = row.offset;
    if (entries) for (const [name, value] of entries) this.set(name, value);
  }

  /** Number of values present. */
  get size(): number {
    return this.count + (this.others?.size ?? 0);
  }

  /** The value of `name`, or undefined when absent. */
  get(name: string): number | undefined {
    const column = columnOf.get(name);
    if (column === undefined) return this.others?.get(name);
    const value = this.slab[this.offset + column]!;
    return value === value ? value : undefined;
  }

  /** The value in a catalogue column ({@link metricColumn}), or undefined when absent. */
  getColumn(column: number): number | undefined {
    const value = this.slab[this.offset + column]!;
    return value === value ? value : undefined;
  }

  /** Sets a catalogue column ({@link metricColumn}) to `value` (truncated for integer metrics; NaN removes it). */
  setColumn(column: number, value: number): this {
    const index = this.offset + column;
    const old = this.slab[index]!;
    if (value !== value) {
      if (old === old) this.count--;
    } else if (old !== old) this.count++;
    this.slab[index] = integralColumn[column] && value === value ? Math.trunc(value) : value;
    return this;
  }

  /** @internal The set's time in `slot` (0 ≤ slot < 3), ms; see `types.ts`. */
  time(slot: number): number {
    return this.slab[this.offset + width + slot]!;
  }

  /** @internal Sets the set's time in `slot` (0 ≤ slot < 3), ms. */
  setTime(slot: number, ms: number): void {
    this.slab[this.offset + width + slot] = ms;
  }

  /** Number of values outside the catalogue columns. */
  get otherCount(): number {
    return this.others?.size ?? 0;
  }

  /** The values outside the catalogue columns, in insertion order. */
  otherEntries(): IterableIterator<[string, number]> {
    return (this.others ?? noOthers).entries();
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Sets `name` to `value` (truncated for integer metrics); NaN (or, from untyped input, a non-number) removes it. */
  set(name: string, value: number): this {
    if (typeof value !== 'number' || value !== value) {
      this.delete(name);
      return this;
    }
    const column = columnOf.get(name);
    if (column === undefined) {
      this.others ??= new Map();
      this.others.set(name, metricTypesOf(name).valueType === 'int64' ? Math.trunc(value) : value);
      return this;
    }
    return this.setColumn(column, value);
  }

  /** Removes `name`; true when it was present. */
  delete(name: string): boolean {
    const column = columnOf.get(name);
    if (column === undefined) return this.others?.delete(name) ?? false;
    const index = this.offset + column;
    const old = this.slab[index]!;
    if (old !== old) return false;
    this.slab[index] = Number.NaN;
    this.count--;
    return true;
  }

  /** Visits every value present, catalogue order first. */
  forEach(visit: (value: number, name: string) => void): void {
    if (this.count > 0) {
      for (let column = 0; column < width; column++) {
        const value = this.slab[this.offset + column]!;
        if (value === value) visit(value, columnNames[column]!);
      }
    }
    this.others?.forEach(visit);
  }

  *entries(): IterableIterator<[string, number]> {
    if (this.count > 0) {
      for (let column = 0; column < width; column++) {
        const value = this.slab[this.offset + column]!;
        if (value === value) yield [columnNames[column]!, value];
      }
    }
    if (this.others) yield* this.others.entries();
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<number> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }

  /** A plain `{ name: value }` copy (logs, JSON, test output). */
  toJSON(): Record<string, number> {
    const plain: Record<string, number> = {};
    this.forEach((value, name) => {
      plain[name] = value;
    });
    return plain;
  }
}
