/**
 * P6 inside the Heapgraph process: the InfluxDB sink exports the newest stored batch (under
 * fresh timestamps, one minute apart, so every export writes new points) to a local influxd, and
 * each export is timed from `export()` (line encoding included) until the sink's buffer has
 * drained. The sink is created exactly as `--sink=influxdb:<url>?...` would create it.
 *
 * A reference writer gives influxd's own ceiling on the same lines: the batch encoded once, then
 * POSTed plain (no gzip) in 5,000-line bodies at a fixed concurrency, timed from the first POST.
 *
 * @module
 */
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
  /** `export()` alone: line encoding and queueing. */
  encodeMs: number;
  cpuMs: number;
  /** Accepted points per second of wall time. */
  pointsPerSecond: number;
  /** Points the sink gave up (overflow, rejected, unencodable). */
  dropped: number;
}

/** One timed run of the reference writer. */
export interface RawWrite {
  /** Points influxd accepted. */
  points: number;
  /** Points influxd refused (`partial write`). */
  rejected: number;
  concurrency: number;
  wallMs: number;
  pointsPerSecond: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

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
  try {
    for (let i = 0; i <= runs; i++) {
      const writtenBefore = await counterValue(registry, 'heapgraph_influxdb_points_written_total');
      const droppedBefore = await counterValue(registry, 'heapgraph_influxdb_points_dropped_total');
      const cpuStart = cpuMs();
      const started = performance.now();
      await sink.export(shifted(batch, firstShiftMs + i * 60_000, i === 0), new AbortController().signal);
      const encoded = performance.now();
      const drained = await sink.drain(AbortSignal.timeout(300_000));
      const wallMs = performance.now() - started;
      if (!drained) throw new Error('the InfluxDB sink did not drain within 300 s');
      const points = (await counterValue(registry, 'heapgraph_influxdb_points_written_total')) - writtenBefore;
      const dropped = (await counterValue(registry, 'heapgraph_influxdb_points_dropped_total')) - droppedBefore;
      results.push({ points, wallMs, encodeMs: encoded - started, cpuMs: cpuMs() - cpuStart, pointsPerSecond: (points * 1000) / wallMs, dropped });
    }
  } finally {
    await sink.stop(AbortSignal.timeout(30_000));
  }
  const [warmup, ...rest] = results;
  return { warmup: warmup!, runs: rest };
}

/** influxd's ceiling: the lines of `batch` POSTed plain to `${baseUrl}/write?db=${db}` at `concurrency`. */
export async function measureRawWrite(batch: DataBatch, baseUrl: string, db: string, concurrency: number, shiftMs: number): Promise<RawWrite> {
  const { lines } = createLineEncoder().encode(shifted(batch, shiftMs));
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += 5_000) bodies.push(lines.slice(i, i + 5_000).join('\n'));
  const url = `${baseUrl}/write?${new URLSearchParams({ db, rp: 'default', precision: 'ns' })}`;
  let next = 0;
  let rejected = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(url, { method: 'POST', body });
        if (response.status === 204) continue;
        const text = await response.text();
        const dropped = /partial write.*dropped=(\d+)/s.exec(text);
        if (!dropped) throw new Error(`influxd answered ${response.status}: ${text.slice(0, 300)}`);
        rejected += Number(dropped[1]);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const points = lines.length - rejected;
  return { points, rejected, concurrency, wallMs, pointsPerSecond: (points * 1000) / wallMs };
}
