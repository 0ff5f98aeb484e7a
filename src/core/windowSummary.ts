/**
 * A Prometheus summary over a sliding window, for the self metrics (heapster-reference §1.9).
 *
 * Heapster's summaries were client_golang's defaults: quantiles 0.5 / 0.9 / 0.99 of the
 * observations of the last 10 minutes, `_sum` and `_count` over the process's life, `NaN` for a
 * quantile with nothing observed in the window. prom-client's `Summary` keeps a t-digest per label
 * set instead, and two of Heapster's summaries have one label set per node. Measured at 5,000
 * nodes (`bench/self-metrics.ts`: both per-node summaries, one observation per node and 60 s
 * cycle, 400 cycles): prom-client's digests kept growing (482 MiB of heap after 400 cycles, still rising)
 * and rendering `/metrics` took 3.6 s on the event loop; with its `maxAgeSeconds: 600,
 * ageBuckets: 5` observing cost ~100 ms per cycle and rendering ~0.5 s (67 MiB). This keeps
 * each label set's recent observations themselves (a ring that grows as needed, up to
 * {@link WindowSummaryOptions.maxSamples}) and sorts them when scraped, so quantiles are exact
 * over the window: 2.3 ms per cycle, 120–200 ms to render (mostly the registry's formatting of
 * 50,000 lines), 15 MiB of heap, flat.
 *
 * @module
 */
import type { Metric, Registry } from 'prom-client';

/** Options for {@link WindowSummary}. */
export interface WindowSummaryOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** @default [0.5, 0.9, 0.99] (client_golang's default objectives) */
  percentiles?: readonly number[];
  /** Observations older than this leave the quantiles. @default 600 (client_golang's `MaxAge`) */
  maxAgeSeconds?: number;
  /**
   * Most observations kept per label set; beyond it the oldest go first, so a label set observed
   * faster than this many per window reports the quantiles of its latest ones. @default 1024
   */
  maxSamples?: number;
  /** Registries to register with. */
  registers?: readonly Registry[];
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/** One label set's observations. */
interface Series {
  readonly labels: Record<string, string>;
  /** Ring of (value, time ms) pairs: value at 2i, time at 2i + 1. */
  ring: Float64Array;
  head: number;
  size: number;
  sum: number;
  count: number;
}

/** A value in prom-client's `get()` shape. */
interface SummaryValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

const initialCapacity = 8;

/** A summary metric whose quantiles cover the last {@link WindowSummaryOptions.maxAgeSeconds}. */
export class WindowSummary<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'summary' as const;
  readonly aggregator = 'sum' as const;
  private readonly labelNames: readonly L[];
  private readonly percentiles: readonly number[];
  private readonly maxAgeMs: number;
  private readonly maxSamples: number;
  private readonly now: () => number;
  private readonly series = new Map<string, Series>();

  constructor(options: WindowSummaryOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.percentiles = options.percentiles ?? [0.5, 0.9, 0.99];
    this.maxAgeMs = (options.maxAgeSeconds ?? 600) * 1000;
    this.maxSamples = Math.max(1, options.maxSamples ?? 1024);
    this.now = options.now ?? Date.now;
    // prom-client's registry only reads name, help, type, aggregator and get(); its types list
    // its own four classes, hence the cast.
    for (const registry of options.registers ?? []) registry.registerMetric(this as unknown as Metric);
  }

  /** Records one observation for the label set. */
  observe(labels: Partial<Record<L, string | number>>, value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${this.name}: value is not a valid number: ${String(value)}`);
    const series = this.seriesFor(labels);
    const now = this.now();
    this.expire(series, now);
    if (series.size === series.ring.length / 2) this.makeRoom(series);
    const at = (series.head + series.size) % (series.ring.length / 2);
    series.ring[2 * at] = value;
    series.ring[2 * at + 1] = now;
    series.size++;
    series.sum += value;
    series.count++;
  }

  /** Forgets the label set: its quantiles, `_sum` and `_count` leave the output. */
  remove(labels: Partial<Record<L, string | number>>): void {
    this.series.delete(this.keyOf(labels));
  }

  /** The metric in prom-client's shape: quantiles, `_sum` and `_count` per label set. */
  get(): { name: string; help: string; type: 'summary'; aggregator: 'sum'; values: SummaryValue[] } {
    const now = this.now();
    const values: SummaryValue[] = [];
    let scratch = new Float64Array(0);
    for (const series of this.series.values()) {
      this.expire(series, now);
      if (scratch.length < series.size) scratch = new Float64Array(series.ring.length / 2);
      const window = this.windowValues(series, scratch).sort();
      for (const q of this.percentiles) values.push({ labels: { ...series.labels, quantile: q }, value: rank(window, q) });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  private keyOf(labels: Partial<Record<L, string | number>>): string {
    for (const name of Object.keys(labels)) {
      if (!this.labelNames.includes(name as L)) throw new Error(`${this.name}: unknown label "${name}"`);
    }
    return this.labelNames.map((name) => String(labels[name] ?? '')).join('\u0000');
  }

  private seriesFor(labels: Partial<Record<L, string | number>>): Series {
    const key = this.keyOf(labels);
    let series = this.series.get(key);
    if (!series) {
      const own: Record<string, string> = {};
      for (const name of this.labelNames) if (labels[name] !== undefined) own[name] = String(labels[name]);
      series = { labels: own, ring: new Float64Array(2 * Math.min(initialCapacity, this.maxSamples)), head: 0, size: 0, sum: 0, count: 0 };
      this.series.set(key, series);
    }
    return series;
  }

  /** Drops observations older than the window from the head of the ring. */
  private expire(series: Series, now: number): void {
    const capacity = series.ring.length / 2;
    while (series.size > 0 && now - series.ring[2 * series.head + 1]! > this.maxAgeMs) {
      series.head = (series.head + 1) % capacity;
      series.size--;
    }
  }

  /** Doubles a full ring up to maxSamples; at maxSamples, drops the oldest observation. */
  private makeRoom(series: Series): void {
    const capacity = series.ring.length / 2;
    if (capacity >= this.maxSamples) {
      series.head = (series.head + 1) % capacity;
      series.size--;
      return;
    }
    const grown = new Float64Array(2 * Math.min(2 * capacity, this.maxSamples));
    for (let i = 0; i < series.size; i++) {
      const from = (series.head + i) % capacity;
      grown[2 * i] = series.ring[2 * from]!;
      grown[2 * i + 1] = series.ring[2 * from + 1]!;
    }
    series.ring = grown;
    series.head = 0;
  }

  private windowValues(series: Series, scratch: Float64Array): Float64Array {
    const capacity = series.ring.length / 2;
    for (let i = 0; i < series.size; i++) scratch[i] = series.ring[2 * ((series.head + i) % capacity)]!;
    return scratch.subarray(0, series.size);
  }
}

/** Nearest-rank quantile of sorted values; NaN when there are none (client_golang's empty window). */
function rank(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
