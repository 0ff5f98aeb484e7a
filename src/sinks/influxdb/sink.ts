/**
 * The `influxdb` sink: every batch streams into the retry buffer as gzipped chunks of
 * `batchLines` lines (chunkStream.ts, lineProtocol.ts, chunkCodec.ts), and the retry buffer
 * (retryBuffer.ts) writes them to InfluxDB in the background, `concurrency` at a time. `export`
 * only waits for the previous batch to be streamed, so a slow or dead InfluxDB never slows the
 * pipeline, and no batch ever exists as one block of text.
 * v1 targets get their database and `default` retention policy on first use and again after
 * a write reports `database not found` or the connection was lost (database.ts).
 *
 * @module
 */
import { pino, type Logger } from 'pino';
import type { Sink } from '../types.js';
import { compressChunk, dropLeadingLines } from './chunkCodec.js';
import { createChunkStream } from './chunkStream.js';
import { ensureDatabase } from './database.js';
import { InfluxError } from './errors.js';
import { createInfluxHttp, type InfluxHttp } from './http.js';
import { createLineEncoder } from './lineProtocol.js';
import type { InfluxMetrics } from './metrics.js';
import { minAutoBufferPoints, type InfluxSinkSpec } from './options.js';
import { createRetryBuffer, type Timers } from './retryBuffer.js';

/** Options of {@link createInfluxSink}. */
export interface InfluxSinkOptions {
  /** From `createInfluxMetrics(registry)`. */
  metrics: InfluxMetrics;
  /** @default silent */
  logger?: Logger;
  /** Longest one write request may take. @default 10_000 */
  requestTimeoutMs?: number;
  /** First retry delay after a failed write, doubling per failure. @default 1_000 */
  retryInitialMs?: number;
  /** @default 30_000 */
  retryMaxMs?: number;
  /** @default 0.2 */
  retryJitter?: number;
  /** @default the process's timers */
  timers?: Timers;
  /** Log a burst of overflow drops at most this often. @default 60_000 */
  dropLogIntervalMs?: number;
  /** @default Date.now */
  clock?: () => number;
  /** @internal Replaces the HTTP layer (tests of failure handling). */
  http?: InfluxHttp;
  /** @internal The least an automatic buffer holds (tests of the automatic size with small batches). @default minAutoBufferPoints */
  minAutoBufferPoints?: number;
}

/** The sink, plus what tests and `/metrics` look at. */
export interface InfluxSink extends Sink {
  /** Points not written yet: being encoded, waiting, or in flight. */
  readonly bufferedPoints: number;
  /** Bytes of the compressed chunks waiting or in flight. */
  readonly bufferedBytes: number;
  /** Points the retry buffer holds at most now (`bufferPoints`, or the automatic size). */
  readonly capacityPoints: number;
  /** Resolves true once every exported point is written (or dropped), false if `signal` aborts first. */
  drain(signal: AbortSignal): Promise<boolean>;
}

/** Resolves true when `work` settles, false when `signal` aborts first. */
function settledBefore(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => resolve(false);
    const onSettled = () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(onSettled, onSettled);
  });
}

/** HTTP statuses worth retrying: server trouble, throttling, and the ones an operator fixes without restarting Heapgraph (missing database or bucket, credentials not yet granted). */
const retryableStatuses = new Set([401, 403, 404, 408, 429]);

/** Whether a failed write should be retried. */
export function isRetryableWriteError(error: unknown): boolean {
  if (!(error instanceof InfluxError)) return false;
  if (error.code === 'connection') return true;
  if (error.code !== 'http_status') return false;
  const status = Number(error.context.status);
  return status >= 500 || retryableStatuses.has(status);
}

/** Points InfluxDB 1.x kept out of a `partial write` (it says `dropped=N`), or undefined for any other failure. */
function partialWriteDropped(error: unknown): number | undefined {
  if (!(error instanceof InfluxError) || error.code !== 'http_status' || error.context.status !== 400) return undefined;
  const match = /partial write.*dropped=(\d+)/s.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/** Creates the sink for `spec`. Nothing connects until the first batch arrives. */
export function createInfluxSink(spec: InfluxSinkSpec, options: InfluxSinkOptions): InfluxSink {
  const { metrics, logger = pino({ level: 'silent' }), dropLogIntervalMs = 60_000, clock = Date.now, requestTimeoutMs, minAutoBufferPoints: autoFloor = minAutoBufferPoints } = options;
  const http = options.http ?? createInfluxHttp(spec, requestTimeoutMs === undefined ? {} : { requestTimeoutMs });
  const { target } = spec;
  const label = { target: `${spec.baseUrl}/${target.api === 'v1' ? target.db : target.bucket}` };
  const encoder = createLineEncoder({ withFields: spec.withFields, clusterName: spec.clusterName, disableCounterMetrics: spec.disableCounterMetrics });
  const log = logger.child({ sink: 'influxdb', target: label.target });

  let databaseReady: Promise<void> | undefined;
  let failing = false;
  let overflowSinceLog = 0;
  let lastDropLogMs = -Infinity;

  /** Runs the database rule once per connection; only a lost connection makes the write fail. */
  function ensureReady(signal: AbortSignal): Promise<void> {
    if (target.api !== 'v1') return Promise.resolve();
    databaseReady ??= ensureDatabase(http, target.db, target.retention, target.retentionGiven, signal).then(
      (outcome) => log.info({ db: target.db, outcome }, 'InfluxDB database ready'),
      (error: unknown) => {
        if (error instanceof InfluxError && (error.code === 'connection' || error.code === 'aborted')) {
          databaseReady = undefined;
          throw error;
        }
        // As Heapster: a user without admin rights cannot create databases; the write will tell.
        log.warn({ err: error }, 'could not create the InfluxDB database or retention policy; writing anyway');
      },
    );
    return databaseReady;
  }

  async function send(body: Uint8Array, _lines: number, skipLines: number, signal: AbortSignal): Promise<number> {
    try {
      await ensureReady(signal);
      await http.write(skipLines > 0 ? await dropLeadingLines(body, skipLines) : body, signal);
      return 0;
    } catch (error) {
      const dropped = partialWriteDropped(error);
      if (dropped !== undefined) {
        log.warn({ err: error, dropped }, 'InfluxDB refused some points of a write');
        return dropped;
      }
      // A restarted or replaced InfluxDB may have lost the database: set it up again next time.
      if (error instanceof InfluxError && (error.code === 'connection' || error.context.status === 404)) databaseReady = undefined;
      throw error;
    }
  }

  function countDropped(points: number, reason: 'overflow' | 'rejected' | 'shutdown' | 'unencodable'): void {
    metrics.pointsDropped.inc({ ...label, reason }, points);
    if (reason === 'unencodable') return;
    if (reason !== 'overflow') {
      log.warn({ points, reason }, 'InfluxDB points dropped');
      return;
    }
    overflowSinceLog += points;
    if (clock() - lastDropLogMs >= dropLogIntervalMs) {
      log.warn({ points: overflowSinceLog, capacity: buffer.capacityPoints, capacityMiB: spec.bufferMiB }, 'InfluxDB retry buffer full; oldest points dropped');
      overflowSinceLog = 0;
      lastDropLogMs = clock();
    }
  }

  const reportBuffered = () => {
    metrics.bufferedPoints.set(label, buffer.bufferedPoints + stream.pendingPoints);
    metrics.bufferedBytes.set(label, buffer.bufferedBytes);
  };

  const buffer = createRetryBuffer({
    send,
    isRetryable: isRetryableWriteError,
    capacityPoints: spec.bufferPoints === 'auto' ? autoFloor : spec.bufferPoints,
    capacityBytes: spec.bufferMiB * 2 ** 20,
    concurrency: spec.concurrency,
    ...(options.retryInitialMs !== undefined ? { retryInitialMs: options.retryInitialMs } : {}),
    ...(options.retryMaxMs !== undefined ? { retryMaxMs: options.retryMaxMs } : {}),
    ...(options.retryJitter !== undefined ? { retryJitter: options.retryJitter } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    events: {
      written(points) {
        metrics.pointsWritten.inc(label, points);
        if (failing) log.info({ buffered: buffer.bufferedPoints }, 'InfluxDB writes succeed again');
        failing = false;
      },
      dropped: countDropped,
      failed(error, points, retryInMs) {
        metrics.writeErrors.inc({ ...label, code: error instanceof InfluxError ? error.code : 'unknown' });
        if (retryInMs === undefined) log.warn({ err: error, points }, 'InfluxDB refused a write; its points are dropped');
        else if (!failing) log.warn({ err: error, points, retryInMs }, 'InfluxDB write failed; points kept for retry');
        else log.debug({ err: error, points, retryInMs }, 'InfluxDB write failed again');
        if (retryInMs !== undefined) failing = true;
      },
      buffered: () => reportBuffered(),
    },
  });

  const stream = createChunkStream({ encoder, batchLines: spec.batchLines, compress: (body) => compressChunk(body), put: (body, lines) => buffer.add(body, lines), dropped: countDropped });

  async function drain(signal: AbortSignal): Promise<boolean> {
    for (let busy = stream.busy; busy; busy = stream.busy) {
      if (!(await settledBefore(busy, signal))) return false;
    }
    return buffer.drain(signal);
  }

  return {
    name: 'InfluxDB Sink',
    async export(batch, signal) {
      const points = await stream.count(batch);
      // One batch streams at a time; the sink manager holds the next one meanwhile (and drops it
      // when a newer one comes), so a sink that cannot keep up never piles batches up in memory.
      for (let previous = stream.busy; previous; previous = stream.busy) {
        if (await settledBefore(previous, signal)) continue;
        countDropped(points, 'overflow');
        throw signal.reason instanceof Error ? signal.reason : new InfluxError('aborted', 'export: the previous batch was still being encoded');
      }
      // Room for the two newest batches: the one written and the one after it (docs/influxdb.md).
      if (spec.bufferPoints === 'auto') buffer.capacityPoints = Math.max(autoFloor, 2 * points);
      stream.start(batch, points).catch((error: unknown) => log.error({ err: error }, 'could not encode a batch for InfluxDB'));
      reportBuffered();
    },
    async stop(signal) {
      await drain(signal);
      await stream.stop();
      await buffer.drain(signal);
      await buffer.close();
      reportBuffered();
      http.close();
    },
    get bufferedPoints() {
      return buffer.bufferedPoints + stream.pendingPoints;
    },
    get bufferedBytes() {
      return buffer.bufferedBytes;
    },
    get capacityPoints() {
      return buffer.capacityPoints;
    },
    drain,
  };
}
