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
 * The sink encodes a batch lazily, `batchLines` lines at a time (`chunks`): a 1,000-node batch is
 * ~2.4 M lines (~740 MB as text), which as one array of strings exhausted the heap at 5,000 nodes.
 *
 * @module
 */
import { metricTypesOf, rateMetricsMapping } from '../../core/metrics.js';
import type { DataBatch, MetricSet, ValueType } from '../../core/types.js';
import { metricColumnCount, metricColumnName } from '../../core/metricValues.js';
import { labeledColumnCount, labeledColumnName } from '../../core/labeledValues.js';

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

/** At most `maxLines` consecutive lines of a batch, UTF-8, joined by `\n` (no trailing newline). */
export interface EncodedChunk {
  /**
   * The lines. Two buffers take turns: this one is written over when the chunk after next is
   * encoded, so use it (or copy it) before asking for that one.
   */
  body: Buffer;
  lines: number;
}

/**
 * A batch encoded lazily: each step of the iteration encodes the next chunk only, into one of two
 * buffers that take turns, so a batch of any size never exists as text at once and encoding
 * allocates no memory per chunk. Iterate it once.
 */
export interface ChunkedBatch extends Iterable<EncodedChunk> {
  /** Points encoded into the chunks handed out so far. */
  readonly encoded: number;
  /** Points skipped so far (as {@link EncodedBatch.skipped}). */
  readonly skipped: number;
}

/** Encodes batches; caches the measurement and field of every metric name it meets. */
export interface LineEncoder {
  /** The batch's lines in chunks of at most `maxLines`, in batch order, encoded as they are iterated. */
  chunks(batch: DataBatch, maxLines: number): ChunkedBatch;
  /** Every line of the batch at once (small batches and tests; the sink streams with {@link chunks}). */
  encode(batch: DataBatch): EncodedBatch;
  /** Points the batch makes: every value, less the counters `disableCounterMetrics` leaves out. */
  countPoints(batch: DataBatch): number;
  /** {@link countPoints} of one metric set (the sink counts a big batch a slice of sets at a time). */
  setPoints(set: MetricSet): number;
}

const int64Limit = 2 ** 63;

interface Head {
  measurement: string;
  field: string;
  /** The metric's value type: integers are written with Heapster's `i` suffix. */
  valueType: ValueType;
}

/**
 * A line-protocol token cannot end in a backslash (it would escape the following separator) and
 * InfluxDB 1.x has no escape for line breaks in names; such points are skipped, not mangled.
 */
function writable(raw: string): boolean {
  return raw !== '' && !raw.endsWith('\\') && !/[\n\r]/.test(raw);
}

/** The field text of a value, or undefined when line protocol cannot carry it. */
export function formatFieldValue(v: number, valueType: ValueType): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  if (valueType === 'int64') {
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
    cached = writable(measurement) && writable(field) ? { measurement: escapeMeasurement(measurement), field: ` ${escapeTag(field)}=`, valueType: metricTypesOf(metric).valueType }
        : null;
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

  /** One value's line, or undefined when line protocol cannot carry it. */
  function lineOf(metric: string, value: number, tags: string | undefined, ts: string): string | undefined {
    const h = head(metric);
    const field = h === null ? undefined : formatFieldValue(value, h.valueType);
    return h === null || field === undefined || tags === undefined ? undefined : h.measurement + tags + h.field + field + ts;
  }

  /**
   * The encoding loop, suspended after every full chunk. Lines are written straight into one of
   * two buffers (per batch, each grown to the longest chunk it held), which take turns. A chunk
   * is never a JavaScript string, and nothing of ~1.5 MB is allocated per chunk: either would
   * make V8 run a full GC every few chunks (old-space or external-memory pressure), which on
   * Heapgraph's heap of a 1,000-node store stalls the event loop for hundreds of milliseconds.
   */
  function* walk(batch: DataBatch, maxLines: number, progress: { encoded: number; skipped: number }): Generator<EncodedChunk, void, undefined> {
    const ts = ` ${nanoseconds(batch.timestamp)}`;
    let scratch = Buffer.allocUnsafe(1 << 20);
    let other = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    let lines = 0;
    /** Appends a line; true when the chunk is full. */
    const add = (line: string | undefined): boolean => {
      if (line === undefined) {
        progress.skipped++;
        return false;
      }
      const most = size + 1 + 3 * line.length; // UTF-8 takes at most 3 bytes per UTF-16 unit
      if (most > scratch.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * scratch.length, most));
        scratch.copy(grown, 0, 0, size);
        scratch = grown;
      }
      if (lines > 0) scratch[size++] = 0x0a;
      size += scratch.write(line, size);
      progress.encoded++;
      return ++lines === maxLines;
    };
    const take = (): EncodedChunk => {
      const chunk = { body: scratch.subarray(0, size), lines };
      [scratch, other] = [other, scratch];
      size = 0;
      lines = 0;
      return chunk;
    };

    for (const set of batch.metricSets.values()) {
      const setTags = withCluster(tagsOf(set.labels, {}));
      const tags = tagString(setTags);
      // By column rather than through the values' iterator: no [name, value] pair per value.
      const values = set.metricValues;
      for (let column = 0; column < metricColumnCount; column++) {
        const value = values.getColumn(column);
        if (value === undefined) continue;
        const metric = metricColumnName(column);
        if (!skipCounter(metric) && add(lineOf(metric, value, tags, ts))) yield take();
      }
      for (const [metric, value] of values.otherEntries()) {
        if (!skipCounter(metric) && add(lineOf(metric, value, tags, ts))) yield take();
      }
      const labeled = set.labeledMetrics;
      if (labeled.length === 0) continue;
      // One tag text per label set (filesystem, disk, accelerator), shared by its row of values.
      const labeledTags = (labels: Record<string, string>) => tagString(withCluster(tagsOf(labels, { ...setTags })));
      for (let row = 0; row < labeled.rowCount; row++) {
        let text: string | undefined | null = null;
        for (let column = 0; column < labeledColumnCount; column++) {
          const value = labeled.valueAt(row, column);
          const metric = labeledColumnName(column);
          if (value === undefined || skipCounter(metric)) continue;
          if (text === null) text = labeledTags(labeled.rowLabels(row));
          if (add(lineOf(metric, value, text, ts))) yield take();
        }
      }
      for (const other of labeled.otherMetrics()) {
        if (!skipCounter(other.name) && add(lineOf(other.name, other.value, labeledTags(other.labels), ts))) yield take();
      }
    }
    if (lines > 0) yield take();
  }

  function setPoints(set: MetricSet): number {
    let points = set.metricValues.size + set.labeledMetrics.length;
    if (!disableCounterMetrics) return points;
    for (const metric of set.metricValues.keys()) if (rateMetricsMapping.has(metric)) points--;
    set.labeledMetrics.forEach((_, name) => {
      if (rateMetricsMapping.has(name)) points--;
    });
    return points;
  }

  function chunks(batch: DataBatch, maxLines: number): ChunkedBatch {
    const progress = { encoded: 0, skipped: 0 };
    return {
      [Symbol.iterator]: () => walk(batch, maxLines, progress),
      get encoded() {
        return progress.encoded;
      },
      get skipped() {
        return progress.skipped;
      },
    };
  }

  return {
    chunks,
    encode(batch) {
      const encoded = chunks(batch, Infinity);
      const lines: string[] = [];
      for (const { body } of encoded) for (const line of body.toString('utf8').split('\n')) lines.push(line);
      return { lines, skipped: encoded.skipped };
    },
    countPoints(batch) {
      let points = 0;
      for (const set of batch.metricSets.values()) points += setPoints(set);
      return points;
    },
    setPoints,
  };
}
