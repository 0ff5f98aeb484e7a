/**
 * Query and path parameters of Heapster's model and aggregation routes, validated once here
 * with Heapster's error texts (heapster-reference §1.2, §1.4): `start`/`end`, `labels`,
 * `bucket`, `{aggregations}` and the deprecated metric-name aliases.
 *
 * @module
 */
import { isAggregationName } from '../../store/stats.js';
import type { AggregationName, TimeRange } from '../query/types.js';
import { RestError, goQuote } from './errors.js';
import { parseRfc3339 } from './goTime.js';

/** Deprecated metric names and what they stand for; any other name is used verbatim. */
export const metricNameAliases: ReadonlyMap<string, string> = new Map([
  ['cpu-usage', 'cpu/usage_rate'],
  ['cpu-limit', 'cpu/limit'],
  ['memory-limit', 'memory/limit'],
  ['memory-usage', 'memory/usage'],
  ['memory-working', 'memory/working_set'],
]);

/** The canonical metric name of a `{metric-name}` path parameter. */
export function canonicalMetricName(name: string): string {
  return metricNameAliases.get(name) ?? name;
}

function timeBound(query: URLSearchParams, name: 'start' | 'end', roundUp: boolean): number | undefined {
  const text = query.get(name) ?? '';
  if (text === '') return undefined;
  const parsed = parseRfc3339(text);
  if (!parsed.ok) throw new RestError('invalid_time', `timestamp argument cannot be parsed: ${parsed.error}`);
  const { epochMs, subMsNs } = parsed.instant;
  // Points sit on whole milliseconds; a bound between two of them keeps the range inclusive.
  return roundUp && subMsNs > 0 ? epochMs + 1 : epochMs;
}

/**
 * `start` and `end` as an inclusive range. A missing `start` is unbounded (Heapster's zero
 * time); a missing `end` is `nowMs` (Heapster's "now").
 *
 * @throws RestError `invalid_time` with Go's parse error.
 */
export function parseTimeRange(query: URLSearchParams, nowMs: number): TimeRange {
  const startMs = timeBound(query, 'start', true);
  const endMs = timeBound(query, 'end', false) ?? nowMs;
  return startMs === undefined ? { endMs } : { startMs, endMs };
}

/**
 * The `labels` parameter: comma-separated `key:value` pairs split on the first colon.
 * Absent or empty gives undefined (the unlabeled metric is meant).
 *
 * @throws RestError `invalid_labels` naming the first bad pair.
 */
export function parseLabels(query: URLSearchParams): Record<string, string> | undefined {
  const raw = query.get('labels') ?? '';
  if (raw === '') return undefined;
  const labels: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const colon = pair.indexOf(':');
    const key = colon < 0 ? '' : pair.slice(0, colon);
    const value = colon < 0 ? '' : pair.slice(colon + 1);
    if (key === '' || value === '') throw new RestError('invalid_labels', `invalid label pair ${goQuote(pair)}`);
    labels[key] = value;
  }
  return labels;
}

/** Largest bucket a Go `time.Duration` (int64 nanoseconds) holds, in ms. */
const maxBucketMs = Math.floor(Number(2n ** 63n - 1n) / 1e6);
const maxUint64 = 2n ** 64n - 1n;

/**
 * The `bucket` parameter (`<unsigned integer><ms|s|m|h|d>`) in milliseconds; 0 when absent.
 *
 * @throws RestError `invalid_bucket` with Heapster's (or Go's `strconv`) message.
 */
export function parseBucket(query: URLSearchParams): number {
  const raw = query.get('bucket') ?? '';
  if (raw === '') return 0;
  const fail = (message: string): never => {
    throw new RestError('invalid_bucket', message);
  };
  if (raw.length < 2) fail(`unable to parse bucket size: ${goQuote(raw)} is too short to be a duration`);
  let unitMs: number;
  let digits: string;
  switch (raw[raw.length - 1]) {
    case 's':
      if (raw.length < 3 || raw[raw.length - 2] !== 'm') [unitMs, digits] = [1_000, raw.slice(0, -1)];
      else [unitMs, digits] = [1, raw.slice(0, -2)];
      break;
    case 'm':
      [unitMs, digits] = [60_000, raw.slice(0, -1)];
      break;
    case 'h':
      [unitMs, digits] = [3_600_000, raw.slice(0, -1)];
      break;
    case 'd':
      [unitMs, digits] = [86_400_000, raw.slice(0, -1)];
      break;
    default:
      return fail(`unable to parse bucket size: ${goQuote(raw)} has no known duration suffix`);
  }
  if (!/^\d+$/.test(digits)) fail(`strconv.ParseUint: parsing ${goQuote(digits)}: invalid syntax`);
  const count = BigInt(digits);
  if (count > maxUint64) fail(`strconv.ParseUint: parsing ${goQuote(digits)}: value out of range`);
  // Go would overflow the int64 duration silently; a bucket that large is refused instead.
  if (count * BigInt(unitMs) > BigInt(maxBucketMs)) fail(`unable to parse bucket size: ${goQuote(raw)} is too large`);
  return Number(count) * unitMs;
}

/**
 * The `{aggregations}` path parameter: comma-separated aggregation names.
 *
 * @throws RestError `unknown_aggregation` naming the first unknown one.
 */
export function parseAggregations(text: string): AggregationName[] {
  return text.split(',').map((name) => {
    if (!isAggregationName(name)) throw new RestError('unknown_aggregation', `Unknown aggregation ${goQuote(name)}`);
    return name;
  });
}
