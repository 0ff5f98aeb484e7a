/**
 * Summary statistics of benchmark samples.
 *
 * @module
 */

/** min / median / max of a set of runs or cycles. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  n: number;
}

/** Nearest-rank percentile (`p` in 0–100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The spread of `values` (the median of an even count is the mean of the two middle values). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: NaN, median: NaN, max: NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** `min / median / max` with `digits` decimals (and a unit suffix on the median). */
export function formatSpread(s: Spread, digits = 1, unit = ''): string {
  if (s.n === 0) return 'n/a';
  const f = (v: number) => v.toFixed(digits);
  if (s.n === 1) return `${f(s.median)}${unit}`;
  return `${f(s.min)} / **${f(s.median)}** / ${f(s.max)}${unit}`;
}
