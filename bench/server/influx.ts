/**
 * P6 inside the Heapgraph process: the InfluxDB sink exports the newest stored batch (under
 * fresh timestamps, one minute apart, so every export writes new points) to a local influxd, and
 * each export is timed from `export()` until the sink's buffer has drained. The sink is created
 * exactly as `--sink=influxdb:<url>?...` would create it. Per export: peak RSS (the kernel's
 * high-water mark, reset before the export) and the longest event-loop delay.
 *
 * A reference writer gives influxd's own ceiling on the same points: the batch encoded and
 * compressed beforehand into 5,000-line bodies, then POSTed at a fixed concurrency, timed from
 * the first POST. It also writes first, so that creating the series (influxd's slowest work, ~2.4 M
 * series at 1,000 nodes) is measured on its own and no sink configuration pays for it.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import type { DataBatch } from '../../src/core/types.js';
import { createInfluxMetrics, createInfluxSink, parseInfluxSinkUri } from '../../src/sinks/influxdb/index.js';
import { createLineEncoder } from '../../src/sinks/influxdb/lineProtocol.js';

/** One timed export. */
export interface InfluxExport {
  /** Points InfluxDB accepted. */
  points: number;
  /** From `export()` to drained. */
  wallMs: number;
  /** Until `export()` returned (before the streaming sink: the whole batch's line encoding). */
  encodeMs: number;
  cpuMs: number;
  /** Accepted points per second of wall time. */
  pointsPerSecond: number;
  /** Points the sink gave up (overflow, rejected, unencodable). */
  dropped: number;
  /** RSS just before `export()`, bytes. */
  rssBeforeBytes?: number;
  /** Highest RSS from `export()` to drained (VmHWM after resetting it), bytes. */
  peakRssBytes?: number;
  /** Longest event-loop delay from `export()` to drained (10 ms resolution), ms. */
  loopDelayMaxMs?: number;
}

/** One timed run of the reference writer. */
export interface RawWrite {
  /** Points influxd accepted. */
  points: number;
  /** Points influxd refused (`partial write`). */
  rejected: number;
  /** Bodies sent again after a 5xx or no answer within 60 s (influxd overwhelmed on a busy machine). */
  retries?: number;
  concurrency: number;
  /** gzip level of the bodies; 0 = plain. Absent in runs before it was recorded (plain). */
  gzipLevel?: number;
  wallMs: number;
  pointsPerSecond: number;
}

/** What the reference writer sends. */
export interface RawWriteOptions {
  baseUrl: string;
  db: string;
  concurrency: number;
  /** 0 = plain bodies. */
  gzipLevel: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The kernel's peak-RSS counter of this process: `reset` zeroes it (Linux ≥ 4.0, writing 5 to
 * clear_refs), `read` returns it in bytes. Undefined where /proc does not offer it.
 */
const peakRss = (() => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    const read = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
    read();
    return { reset: () => writeFileSync('/proc/self/clear_refs', '5'), read };
  } catch {
    return undefined;
  }
})();

async function counterValue(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

/** `batch` under another timestamp. */
function shifted(batch: DataBatch, byMs: number, onlyCluster = false): DataBatch {
  const metricSets = onlyCluster ? new Map([...batch.metricSets].filter(([, set]) => set.labels.type === 'cluster')) : batch.metricSets;
  return { timestamp: batch.timestamp + byMs, metricSets };
}

/**
 * Exports `batch` `runs` times through a new sink for `sinkUri`, after a small warm-up export
 * (the cluster set only) that creates the database and opens the connection. `firstShiftMs`
 * keeps the timestamps of separate calls apart.
 */
export async function measureInfluxExport(batch: DataBatch, sinkUri: string, runs: number, firstShiftMs: number): Promise<{ warmup: InfluxExport; runs: InfluxExport[] }> {
  const registry = new Registry();
  const metrics = createInfluxMetrics(registry);
  const sink = createInfluxSink(parseInfluxSinkUri(sinkUri), { metrics, requestTimeoutMs: 60_000 });
  const results: InfluxExport[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    for (let i = 0; i <= runs; i++) {
      const writtenBefore = await counterValue(registry, 'heapgraph_influxdb_points_written_total');
      const droppedBefore = await counterValue(registry, 'heapgraph_influxdb_points_dropped_total');
      (globalThis as { gc?: () => void }).gc?.(); // start every export from the same heap
      const rssBeforeBytes = process.memoryUsage.rss();
      peakRss?.reset();
      loop.reset();
      loop.enable();
      // The histogram's timer must have ticked once before a stall can be measured against it.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const cpuStart = cpuMs();
      const started = performance.now();
      await sink.export(shifted(batch, firstShiftMs + i * 60_000, i === 0), new AbortController().signal);
      const encoded = performance.now();
      const drained = await sink.drain(AbortSignal.timeout(300_000));
      const wallMs = performance.now() - started;
      const cpu = cpuMs() - cpuStart;
      await new Promise((resolve) => setTimeout(resolve, 30)); // lets the histogram record a stall at the very end
      loop.disable();
      if (!drained) throw new Error('the InfluxDB sink did not drain within 300 s');
      const points = (await counterValue(registry, 'heapgraph_influxdb_points_written_total')) - writtenBefore;
      const dropped = (await counterValue(registry, 'heapgraph_influxdb_points_dropped_total')) - droppedBefore;
      results.push({
        points,
        wallMs,
        encodeMs: encoded - started,
        cpuMs: cpu,
        pointsPerSecond: (points * 1000) / wallMs,
        dropped,
        rssBeforeBytes,
        ...(peakRss ? { peakRssBytes: peakRss.read() } : {}),
        loopDelayMaxMs: loop.max / 1e6,
      });
    }
  } finally {
    loop.disable();
    await sink.stop(AbortSignal.timeout(30_000));
  }
  const [warmup, ...rest] = results;
  return { warmup: warmup!, runs: rest };
}

/** Encodes `batch` into 5,000-line bodies, gzipped at `gzipLevel` (0 = plain), one chunk at a time. */
function encodeBodies(batch: DataBatch, gzipLevel: number): { bodies: Buffer[]; points: number } {
  const encoder = createLineEncoder();
  const bodies: Buffer[] = [];
  let points = 0;
  for (const { body, lines } of encoder.chunks(batch, 5_000)) {
    bodies.push(gzipLevel === 0 ? Buffer.from(body) : gzipSync(body, { level: gzipLevel })); // the encoder reuses `body`
    points += lines;
  }
  return { bodies, points };
}

/** influxd's ceiling: the points of `batch`, encoded and compressed beforehand, POSTed to `${baseUrl}/write?db=${db}` at `concurrency`. */
export async function measureRawWrite(batch: DataBatch, { baseUrl, db, concurrency, gzipLevel }: RawWriteOptions, shiftMs: number): Promise<RawWrite> {
  const { bodies, points: sent } = encodeBodies(shifted(batch, shiftMs), gzipLevel);
  // The database as the sink creates it (a no-op when it exists so), in case no sink ran before.
  const created = await fetch(`${baseUrl}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${db}" WITH DURATION INF REPLICATION 1 NAME "default"` }) });
  if (created.status !== 200) throw new Error(`influxd answered ${created.status} to CREATE DATABASE: ${await created.text()}`);
  const url = `${baseUrl}/write?${new URLSearchParams({ db, rp: 'default', precision: 'ns' })}`;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', ...(gzipLevel > 0 ? { 'content-encoding': 'gzip' } : {}) };
  let next = 0;
  let rejected = 0;
  let retries = 0;
  /**
   * One body, sent again after a backoff (as the sink does) when influxd answers 5xx — 500
   * `timeout` when a write outlasts its coordinator's 10 s on a busy machine (it may still apply
   * it), 500 `cache-max-memory-size exceeded` while its cache waits for a snapshot — or does not
   * answer within 60 s. A resend of the same points overwrites them, so nothing counts twice.
   */
  async function post(body: Buffer): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(60_000) }).catch((error: unknown) => {
        if (attempt >= 12) throw error;
        return undefined;
      });
      if (response && (response.status < 500 || attempt >= 12)) return response;
      await response?.text();
      retries++;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5_000)));
    }
  }
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const response = await post(bodies[next++]!);
        if (response.status === 204) continue;
        const text = await response.text();
        const dropped = /partial write.*dropped=(\d+)/s.exec(text);
        if (!dropped) throw new Error(`influxd answered ${response.status}: ${text.slice(0, 300)}`);
        rejected += Number(dropped[1]);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const points = sent - rejected;
  return { points, rejected, retries, concurrency, gzipLevel, wallMs, pointsPerSecond: (points * 1000) / wallMs };
}
