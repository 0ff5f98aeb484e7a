/**
 * Query parameters of the `/api/v1/historical` routes (heapster-reference §1.2, §1.4) where they
 * differ from the model routes': `start` is mandatory and both bounds are EXCLUSIVE, as
 * Heapster's InfluxQL (`time > start AND time < end`) made them; `labels` refuses what InfluxQL
 * cannot quote. `bucket`, `{aggregations}` and the metric-name aliases are the model's
 * (params.ts).
 *
 * @module
 */
import type { HistoricalRange } from '../../sinks/influxdb/historyTypes.js';
import { RestError, goQuote } from './errors.js';
import { goZeroTime, parseRfc3339, type GoInstant } from './goTime.js';
import { parseLabels } from './params.js';

/** Where the historical tree is mounted. */
export const historicalPrefix = '/api/v1/historical';

/**
 * InfluxDB's time range (int64 nanoseconds, 1677-09-21 to 2262-04-11) in whole milliseconds
 * inside it. A bound beyond it makes InfluxDB fail the statement ("underflows time literal").
 */
export const influxMinMs = -9_223_372_036_854;
/** See {@link influxMinMs}. */
export const influxMaxMs = 9_223_372_036_854;

const zeroInstant = (() => {
  const parsed = parseRfc3339(goZeroTime);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.instant;
})();

function instant(query: URLSearchParams, name: 'start' | 'end'): GoInstant | undefined {
  const text = query.get(name) ?? '';
  if (text === '') return undefined;
  const parsed = parseRfc3339(text);
  if (!parsed.ok) throw new RestError('invalid_time', `timestamp argument cannot be parsed: ${parsed.error}`);
  return parsed.instant;
}

const clamp = (ms: number) => Math.min(influxMaxMs, Math.max(influxMinMs, ms));

/** An exclusive range with both bounds set. */
export type BoundedRange = Required<HistoricalRange>;

/**
 * `start` (mandatory) and `end` (default `nowMs`) as exclusive bounds in milliseconds, clamped to
 * InfluxDB's time range. Points sit on whole milliseconds, so a bound with a fraction below the
 * millisecond keeps the points Heapster's nanosecond bound kept: the start is cut down to its
 * millisecond (`time > 10.5ms` keeps 11 ms, as `time > 10ms` does) and the end rounded up.
 *
 * @throws RestError `invalid_time`: Go's parse error (checked for both bounds first, as Heapster
 *   did), or `no start time (or a start time of zero) provided` for a missing start or Go's zero time.
 */
export function parseHistoricalRange(query: URLSearchParams, nowMs: number): BoundedRange {
  const start = instant(query, 'start');
  const end = instant(query, 'end');
  if (!start || (start.epochMs === zeroInstant.epochMs && start.subMsNs === 0)) {
    throw new RestError('invalid_time', 'no start time (or a start time of zero) provided');
  }
  const endMs = end ? end.epochMs + (end.subMsNs > 0 ? 1 : 0) : nowMs;
  return { startMs: clamp(start.epochMs), endMs: clamp(endMs) };
}

/**
 * The `labels` parameter as the model routes read it, plus one refusal: a value with a backslash.
 * InfluxQL reads `\` inside a quoted string as an escape, so such a value either matches another
 * value or breaks the statement; Heapster sent it and answered InfluxDB's parse error with a 500.
 *
 * @throws RestError `invalid_labels`: `invalid label pair "<pair>"` or `Invalid label value "<value>"`.
 */
export function parseHistoricalLabels(query: URLSearchParams): Record<string, string> | undefined {
  const labels = parseLabels(query);
  for (const value of Object.values(labels ?? {})) {
    if (value.includes('\\')) throw new RestError('invalid_labels', `Invalid label value ${goQuote(value)}`);
  }
  return labels;
}
