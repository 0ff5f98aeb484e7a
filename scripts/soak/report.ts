/**
 * The soak's table and verdict: figures over time, the memory trend after warm-up, handle and
 * listener growth, and the batch and point accounting.
 *
 * @module
 */
import type { SoakSample } from './heapgraph.js';

/** One row of the soak: when, during which phase, what the Heapgraph process looked like. */
export interface SoakRow {
  minutes: number;
  phase: string;
  sample: SoakSample;
}

/** The end of the run: the last sample after healing and draining, and what influxd holds. */
export interface SoakEnd {
  drained: boolean;
  sample: SoakSample;
  /** Points influxd holds (COUNT over every measurement); undefined without influxd. */
  influxdPoints: number | undefined;
  /** Distinct subscription documents still subscribed, and their subscribers. */
  persistentDocuments: number;
  persistentSubscribers: number;
}

const MiB = 1024 * 1024;

/** Least-squares slope of `y` over `x`. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const sockets = (s: SoakSample) => s.resources.TCPSocketWrap ?? 0;
const timers = (s: SoakSample) => s.resources.Timeout ?? 0;
const handles = (s: SoakSample) => Object.values(s.resources).reduce((a, b) => a + b, 0);
const files = (s: SoakSample) => s.openFiles ?? 0;

/** The figures over time, one line per sample. */
export function table(rows: readonly SoakRow[]): string {
  const head = ['min', 'phase', 'rss MiB', 'heap MiB', 'sockets', 'timers', 'handles', 'fds', 'feed lsn', 'ws subs', 'produced', 'stored', 'pts written', 'pts dropped', 'pts buffered', 'restarts'];
  const lines = rows.map(({ minutes, phase, sample: s }) => [
    minutes.toFixed(1),
    phase,
    (s.rssBytes / MiB).toFixed(1),
    (s.heapUsedBytes / MiB).toFixed(1),
    String(sockets(s)),
    String(timers(s)),
    String(handles(s)),
    s.openFiles === undefined ? '-' : String(s.openFiles),
    String(s.feedListeners),
    String(s.subscribers),
    String(s.produced),
    String(s.stored),
    String(s.influx.written),
    String(s.influx.dropped),
    String(s.influx.buffered),
    String(s.informerRestarts),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [format(head), `|${widths.map((w, i) => (i === 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
}

/** One line of the verdict. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * The checks: memory flat after warm-up (the least-squares trend over the rest of the run
 * moves RSS and heap by less than 5 % of their mean), no socket, handle or listener growth (the
 * end, healed and idle, holds no more than the first rotation after warm-up held at most), and
 * nothing unaccounted for.
 */
export function verdict(rows: readonly SoakRow[], end: SoakEnd, warmupMinutes: number, rotationMinutes: number): Check[] {
  const after = rows.filter((r) => r.minutes >= warmupMinutes);
  const firstRotation = after.filter((r) => r.minutes < warmupMinutes + rotationMinutes);
  const span = after.length > 1 ? after.at(-1)!.minutes - after[0]!.minutes : 0;
  const checks: Check[] = [];
  for (const [name, read] of [['RSS', (s: SoakSample) => s.rssBytes], ['heap after GC', (s: SoakSample) => s.heapUsedBytes]] as const) {
    const perMinute = slope(after.map((r) => r.minutes), after.map((r) => read(r.sample)));
    const mean = after.reduce((a, r) => a + read(r.sample), 0) / Math.max(1, after.length);
    const drift = perMinute * span;
    checks.push({
      name: `${name} flat after ${warmupMinutes} min warm-up`,
      ok: after.length > 1 && Math.abs(drift) < 0.05 * mean,
      detail: `trend ${(perMinute / MiB).toFixed(2)} MiB/min over ${span.toFixed(1)} min = ${(drift / MiB).toFixed(1)} MiB on a mean of ${(mean / MiB).toFixed(1)} MiB`,
    });
  }
  const growth = [['sockets', sockets], ['handles', handles], ...(end.sample.openFiles === undefined ? [] : [['open files', files] as const])] as const;
  for (const [name, read] of growth) {
    const ceiling = Math.max(...firstRotation.map((r) => read(r.sample)));
    const last = read(end.sample);
    checks.push({ name: `no ${name} growth`, ok: firstRotation.length > 0 && last <= ceiling, detail: `${last} at the end, at most ${ceiling} during the first rotation after warm-up` });
  }
  const maxListeners = Math.max(...rows.map((r) => r.sample.feedListeners));
  checks.push({
    name: 'no live-feed listener growth',
    ok: end.sample.feedListeners === end.persistentDocuments && maxListeners <= end.persistentDocuments + 1,
    detail: `${end.sample.feedListeners} at the end for ${end.persistentDocuments} distinct subscriptions; at most ${maxListeners} (one more while the rotating subscriber was connected)`,
  });
  checks.push({
    name: 'WebSocket subscribers served',
    ok: end.sample.subscribers === end.persistentSubscribers,
    detail: `${end.sample.subscribers} served by the last batch, ${end.persistentSubscribers} connected`,
  });
  const s = end.sample;
  const influxExports = Object.entries(s.exports).filter(([k]) => k.startsWith('InfluxDB Sink/')).reduce((a, [, v]) => a + v, 0);
  const metricOk = s.exports['Metric Sink/ok'] ?? 0;
  checks.push({ name: 'batches unaccounted = 0 (store)', ok: s.produced === s.stored && metricOk === s.produced, detail: `produced ${s.produced}, stored ${s.stored}, Metric Sink ok ${metricOk}` });
  if (end.influxdPoints !== undefined) {
    const unaccounted = s.points - s.influx.written - s.influx.dropped - s.influx.buffered;
    checks.push({ name: 'batches unaccounted = 0 (InfluxDB)', ok: influxExports === s.produced, detail: `produced ${s.produced}, InfluxDB Sink exports ${JSON.stringify(Object.fromEntries(Object.entries(s.exports).filter(([k]) => k.startsWith('InfluxDB'))))}` });
    checks.push({ name: 'points unaccounted = 0', ok: end.drained && unaccounted === 0, detail: `encoded ${s.points} = written ${s.influx.written} + dropped ${s.influx.dropped} + buffered ${s.influx.buffered} (difference ${unaccounted}); drained ${end.drained}` });
    checks.push({ name: 'points in influxd = points written', ok: end.influxdPoints === s.influx.written, detail: `influxd holds ${end.influxdPoints}, the sink wrote ${s.influx.written}` });
  }
  return checks;
}
