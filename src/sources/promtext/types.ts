/**
 * What the Prometheus text parser hands out: metric families (name, type, help) and one
 * sample at a time, so callers decode in one pass without building a tree.
 *
 * @module
 */

/** `# TYPE` values of text format 0.0.4; families without a `# TYPE` line are `untyped`. */
export type PromMetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** One metric family, as declared by its `# HELP` / `# TYPE` lines or implied by a sample. */
export interface PromFamily {
  readonly name: string;
  readonly type: PromMetricType;
  /** Unescaped `# HELP` text, kept verbatim (including stability tags such as `[ALPHA]`). */
  readonly help: string;
}

/** One sample line. The object is fresh per sample; callers may keep it. */
export interface PromSample {
  /** The family the sample belongs to (histogram `_bucket`/`_sum`/`_count` lines share one). */
  readonly family: PromFamily;
  /** The sample's own metric name (differs from `family.name` only for histogram/summary parts). */
  readonly name: string;
  /** Unescaped label values by label name (null-prototype object, so any label name is safe). */
  readonly labels: Readonly<Record<string, string>>;
  /** The value; `NaN`, `Infinity` and `-Infinity` are legal. */
  readonly value: number;
  /** The optional sample timestamp, ms since the epoch; `undefined` when the line has none. */
  readonly timestampMs: number | undefined;
}

/** What one parse saw, for callers that check completeness. */
export interface PromTextSummary {
  /** Every family in order of first appearance (metadata-only families included). */
  families: PromFamily[];
  /** Number of sample lines. */
  sampleCount: number;
}
