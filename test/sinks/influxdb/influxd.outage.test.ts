/**
 * InfluxDB going away: influxd (Debian's, on 127.0.0.1) is stopped while batches keep coming
 * and started again. What the buffer holds must all arrive, once; past the buffer the oldest
 * points go, counted.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBatch } from '../../../src/core/types.js';
import { createInfluxHttp, type InfluxHttp } from '../../../src/sinks/influxdb/http.js';
import { createInfluxMetrics } from '../../../src/sinks/influxdb/metrics.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { createInfluxSink, type InfluxSink } from '../../../src/sinks/influxdb/sink.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { expectedPoints, metricValue, readAll } from './influxdRead.js';
import { simBatches, valuesOf } from './simBatches.js';

requireInfluxdUnderCi();

const t0 = Date.UTC(2024, 4, 2, 8, 0, 0);

/** Polls a condition on the sink's metrics (the sink retries on real timers against a real server). */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!influxdPath)(withInfluxd('the InfluxDB sink while influxd is down'), () => {
  let influxd: Influxd;
  let batches: DataBatch[];

  beforeAll(async () => {
    influxd = await startInfluxd();
    batches = simBatches({ startMs: t0, count: 5 });
  });

  afterAll(async () => {
    await influxd?.dispose();
  });

  function sink(query: string, registry: Registry): InfluxSink {
    return createInfluxSink(parseInfluxSinkUri(`influxdb:${influxd.url}${query}`), {
      metrics: createInfluxMetrics(registry),
      retryInitialMs: 20,
      retryMaxMs: 200,
      requestTimeoutMs: 2_000,
    });
  }

  it('keeps every batch exported during the outage and writes each point exactly once after the restart', async () => {
    const registry = new Registry();
    const s = sink('?db=outage&batchLines=400', registry);
    await s.export(batches[0]!, new AbortController().signal);
    expect(await s.drain(AbortSignal.timeout(10_000))).toBe(true);

    await influxd.stop();
    for (const batch of batches.slice(1)) await s.export(batch, new AbortController().signal); // returns although InfluxDB is gone
    const outagePoints = valuesOf(batches.slice(1)).length;
    expect(s.bufferedPoints).toBe(outagePoints);
    await until(async () => (await metricValue(registry, 'heapgraph_influxdb_write_errors_total', { code: 'connection' })) >= 3);
    expect(await metricValue(registry, 'heapgraph_influxdb_buffered_points')).toBe(outagePoints);

    await influxd.start();
    expect(await s.drain(AbortSignal.timeout(20_000))).toBe(true);
    await s.stop(AbortSignal.timeout(5_000));

    const expected = expectedPoints(batches);
    expect(await readAll(influxd, 'outage')).toEqual(expected);
    // Every point accepted once: a resend the server had already taken would count twice here.
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(expected.size);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total')).toBe(0);
    expect(await metricValue(registry, 'heapgraph_influxdb_buffered_points')).toBe(0);
  });

  it('drops the oldest points past bufferPoints, counts them, and writes the newest after the restart', async () => {
    const registry = new Registry();
    const perBatch = valuesOf(batches.slice(0, 1)).length;
    const capacity = 2 * perBatch + Math.floor(perBatch / 2);
    const s = sink(`?db=overflow&batchLines=500&bufferPoints=${capacity}`, registry);

    await influxd.stop();
    const outage = batches.slice(0, 4);
    for (const batch of outage) await s.export(batch, new AbortController().signal);
    await until(async () => (await metricValue(registry, 'heapgraph_influxdb_write_errors_total')) >= 1);
    const total = valuesOf(outage).length;
    // export only waits for the previous batch's encoding: the last one may still be streaming in.
    await until(async () => (await metricValue(registry, 'heapgraph_influxdb_points_dropped_total', { reason: 'overflow' })) >= total - capacity);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total', { reason: 'overflow' })).toBe(total - capacity);

    await influxd.start();
    expect(await s.drain(AbortSignal.timeout(20_000))).toBe(true);
    await s.stop(AbortSignal.timeout(5_000));

    const counts = await influxd.query('SELECT COUNT("value") FROM /.*/ GROUP BY time(1m) fill(none)', 'overflow');
    const perTime = new Map<number, number>();
    for (const series of counts.results[0].series) for (const [time, n] of series.values) perTime.set(time, (perTime.get(time) ?? 0) + n);
    const kept = outage.map((batch) => perTime.get(batch.timestamp) ?? 0);
    // The oldest batch is gone entirely, the next lost its oldest lines, the newest two are whole.
    expect(kept).toEqual([0, capacity - 2 * perBatch, perBatch, perBatch]);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(capacity);
  });

  it('retries the chunks in flight and waiting when influxd goes down mid-export, and writes each point once', async () => {
    const registry = new Registry();
    const spec = parseInfluxSinkUri(`influxdb:${influxd.url}?db=midexport&batchLines=100&concurrency=2`);
    const real = createInfluxHttp(spec, { requestTimeoutMs: 2_000 });
    let writes = 0;
    let stopping: Promise<void> | undefined;
    // The real HTTP layer; influxd is stopped right after the second chunk was written, while the
    // rest of the batch is in flight or waiting (a write that starts meanwhile waits for the stop).
    const http: InfluxHttp = {
      async write(body, signal) {
        await stopping;
        await real.write(body, signal);
        if (++writes === 2) await (stopping = influxd.stop());
      },
      query: (statements, signal, withDb) => real.query(statements, signal, withDb),
      close: () => real.close(),
    };
    const s = createInfluxSink(spec, { metrics: createInfluxMetrics(registry), http, retryInitialMs: 20, retryMaxMs: 200 });
    const exported = batches.slice(0, 2);
    const total = valuesOf(exported).length;
    expect(total).toBeGreaterThan(10 * 100); // many chunks, so most of the export is still to come
    for (const batch of exported) await s.export(batch, new AbortController().signal);
    await until(async () => (await metricValue(registry, 'heapgraph_influxdb_write_errors_total', { code: 'connection' })) >= 3);
    // Two chunks, or three if the one in flight beside the second was answered before influxd went.
    const writtenBefore = await metricValue(registry, 'heapgraph_influxdb_points_written_total');
    expect([200, 300]).toContain(writtenBefore);
    expect(s.bufferedPoints).toBe(total - writtenBefore);

    await influxd.start();
    expect(await s.drain(AbortSignal.timeout(20_000))).toBe(true);
    await s.stop(AbortSignal.timeout(5_000));

    const expected = expectedPoints(exported);
    expect(await readAll(influxd, 'midexport')).toEqual(expected);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(expected.size);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total')).toBe(0);
  });
});
