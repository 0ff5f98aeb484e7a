/**
 * A batch → InfluxDB line protocol, in Heapster master's point format (heapster-reference §7.1):
 * one point per metric value and per labeled-metric instance; measurement = metric name and
 * field `value`, or with `withFields` the name split at its first `/`; tags = set labels (plus
 * the labeled metric's own) without the blacklisted and the empty ones, plus `cluster_name`;
 * integer values as `123i`; the batch timestamp in nanoseconds.
 *
 * One deliberate difference: `pod_id` is written as a tag (Heapster master blacklisted it, so its
 * own pod-UID historical routes could never match). See docs/influxdb.md.
 *
 * Why not the client's `Point`: measured on the simulator's 20-node × 30-pod batches (47,346
 * points each, Node 20), `new Point(...).toLineProtocol()` per value encodes 0.09–0.14 M points/s,
 * under the 0.3 M/s pipeline target, because it re-sorts and re-escapes every tag of every point
 * and its escaper walks strings one character at a time. This encoder builds a metric set's tag
 * string once for its 20–40 points, caches escaped names and tag values across batches and escapes
 * with one regular-expression test per new string: 0.4–0.9 M points/s on the same batches (a busy
 * machine; 3–7× `Point` in every run), with byte-identical lines (test/sinks/influxdb/
 * lineProtocol.test.ts compares them with `Point`'s).
 *
 * @module
 */
import { rateMetricsMapping } from '../../core/metrics.js';
import type { DataBatch, MetricValue } from '../../core/types.js';

/** Set labels Heapster master never wrote as tags. `pod_id` is written (see the module doc). */
export const blacklistedTags: ReadonlySet<string> = new Set(['namespace_id', 'hostname', 'host_id']);

/** The tag every point carries. */
export const clusterNameTag = 'cluster_name';

/** How points are shaped. */
export interface LineEncoderOptions {
  /** @default false */
  withFields?: boolean;
  /** Value of the `cluster_name` tag; empty drops the tag. @default 'default' */
  clusterName?: string;
  /** Skip the counters that have a rate (`cpu/usage`, `network/rx`, ...). @default false */
  disableCounterMetrics?: boolean;
}

/** The lines of one batch. */
export interface EncodedBatch {
  lines: string[];
  /** Values that cannot be written (NaN, ±Infinity, integers beyond int64, names InfluxDB cannot parse). */
  skipped: number;
}

/** Encodes batches; caches the measurement and field of every metric name it meets. */
export interface LineEncoder {
  encode(batch: DataBatch): EncodedBatch;
}

const int64Limit = 2 ** 63;

interface Head {
  measurement: string;
  field: string;
}

/**
 * A line-protocol token cannot end in a backslash (it would escape the following separator) and
 * InfluxDB 1.x has no escape for line breaks in names; such points are skipped, not mangled.
 */
function writable(raw: string): boolean {
  return raw !== '' && !raw.endsWith('\\') && !/[\n\r]/.test(raw);
}

/** The field text of a value, or undefined when line protocol cannot carry it. */
export function formatFieldValue(value: MetricValue): string | undefined {
  const v = value.value;
  if (!Number.isFinite(v)) return undefined;
  if (value.valueType === 'int64') {
    const int = Math.trunc(v);
    return int >= int64Limit || int < -int64Limit ? undefined : `${int}i`;
  }
  return String(v);
}

/** Epoch milliseconds → the nanosecond timestamp text (once per batch, so BigInt costs nothing). */
export function nanoseconds(ms: number): string {
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}

const tagSpecials = /[,= \t\n\r]/;
const tagEscapes = /[,= \t\n\r]/g;
const measurementSpecials = /[, \t\n\r]/;
const measurementEscapes = /[, \t\n\r]/g;
const escapeOf: Record<string, string> = { ',': '\\,', '=': '\\=', ' ': '\\ ', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => escapeOf[c]!;

/** The client's `escape.tag`, with a fast path for the common text that needs none. */
export function escapeTag(raw: string): string {
  return tagSpecials.test(raw) ? raw.replace(tagEscapes, escapeChar) : raw;
}

/** The client's `escape.measurement`, with the same fast path. */
export function escapeMeasurement(raw: string): string {
  return measurementSpecials.test(raw) ? raw.replace(measurementEscapes, escapeChar) : raw;
}

function tagsOf(labels: Record<string, string>, into: Record<string, string>): Record<string, string> {
  for (const key in labels) {
    const value = labels[key]!;
    if (value !== '' && !blacklistedTags.has(key)) into[key] = value;
  }
  return into;
}

/** Most tag values repeat in every batch (node, namespace, pod names); escaping is done once each. */
const maxCachedTags = 200_000;

/** Creates an encoder. */
export function createLineEncoder({ withFields = false, clusterName = 'default', disableCounterMetrics = false }: LineEncoderOptions = {}): LineEncoder {
  /** metric name → escaped measurement and ` field=` text, or null when unwritable. */
  const heads = new Map<string, Head | null>();
  /** raw tag key or value → escaped text, or null when unwritable. */
  let escaped = new Map<string, string | null>();

  function head(metric: string): Head | null {
    let cached = heads.get(metric);
    if (cached !== undefined) return cached;
    let measurement = metric;
    let field = 'value';
    if (withFields) {
      const slash = metric.indexOf('/');
      if (slash !== -1) {
        measurement = metric.slice(0, slash);
        field = metric.slice(slash + 1);
      }
    }
    cached = writable(measurement) && writable(field) ? { measurement: escapeMeasurement(measurement), field: ` ${escapeTag(field)}=` } : null;
    heads.set(metric, cached);
    return cached;
  }

  function tagText(raw: string): string | null {
    let text = escaped.get(raw);
    if (text === undefined) {
      if (escaped.size >= maxCachedTags) escaped = new Map(); // label churn must not grow the cache forever
      text = writable(raw) ? escapeTag(raw) : null;
      escaped.set(raw, text);
    }
    return text;
  }

  /** Sorted, escaped `,k=v` pairs, or undefined when a tag cannot be written. */
  function tagString(tags: Record<string, string>): string | undefined {
    let out = '';
    for (const key of Object.keys(tags).sort()) {
      const k = tagText(key);
      const v = tagText(tags[key]!);
      if (k === null || v === null) return undefined;
      out += `,${k}=${v}`;
    }
    return out;
  }

  const skipCounter = (metric: string) => disableCounterMetrics && rateMetricsMapping.has(metric);
  /** As Heapster, `cluster_name` is set last, so the option wins over a label of that name. */
  const withCluster = (tags: Record<string, string>) => {
    if (clusterName !== '') tags[clusterNameTag] = clusterName;
    return tags;
  };

  return {
    encode(batch) {
      const lines: string[] = [];
      let skipped = 0;
      const ts = ` ${nanoseconds(batch.timestamp)}`;
      const emit = (metric: string, value: MetricValue, tags: string | undefined) => {
        if (skipCounter(metric)) return;
        const h = head(metric);
        const field = formatFieldValue(value);
        if (h === null || field === undefined || tags === undefined) {
          skipped++;
          return;
        }
        lines.push(h.measurement + tags + h.field + field + ts);
      };

      for (const set of batch.metricSets.values()) {
        const setTags = withCluster(tagsOf(set.labels, {}));
        const tags = tagString(setTags);
        for (const [metric, value] of set.metricValues) emit(metric, value, tags);
        if (set.labeledMetrics.length === 0) continue;
        // Labeled metrics of one set share a few label sets (one per filesystem, disk, accelerator).
        const labeledTags = new Map<string, string | undefined>();
        for (const labeled of set.labeledMetrics) {
          const id = JSON.stringify(labeled.labels);
          let text = labeledTags.get(id);
          if (text === undefined && !labeledTags.has(id)) {
            text = tagString(withCluster(tagsOf(labeled.labels, { ...setTags })));
            labeledTags.set(id, text);
          }
          emit(labeled.name, labeled, text);
        }
      }
      return { lines, skipped };
    },
  };
}
