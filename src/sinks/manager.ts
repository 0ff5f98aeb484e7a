/**
 * Fans batches out to sinks, each isolated: one export in flight per sink plus at most one
 * batch waiting. A sink still busy when a newer batch is waiting loses the older waiting batch
 * (counted as `dropped`), so a slow sink costs only its own batches — never the pipeline's
 * time, never another sink's data (heapster-reference §5.3, with a one-batch queue instead of
 * Heapster's blocking hand-off).
 *
 * @module
 */
import type { DataBatch } from '../core/types.js';
import type { ExportListener, Sink } from './types.js';

/** Options for {@link createSinkManager}. */
export interface SinkManagerOptions {
  sinks: readonly Sink[];
  /** Longest one export may run before it is aborted (`--sink_export_data_timeout`). @default 20_000 */
  exportTimeoutMs?: number;
  /** Called after every export attempt. */
  onExport?: ExportListener;
  clock?: () => number;
}

/** The fan-out point of the pipeline. */
export interface SinkManager {
  /** Queues `batch` for every sink and returns at once. */
  exportData(batch: DataBatch): void;
  /** Resolves when every sink is idle with nothing waiting (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Stops accepting batches, lets in-flight exports finish, flushes waiting batches and stops every
   * sink; resolves within `timeoutMs` (@default 60_000) even when a sink does not.
   */
  stop(timeoutMs?: number): Promise<void>;
  readonly sinks: readonly Sink[];
}

interface Lane {
  sink: Sink;
  running: Promise<void> | undefined;
  waiting: DataBatch | undefined;
}

/** Creates a sink manager. */
export function createSinkManager({ sinks, exportTimeoutMs = 20_000, onExport, clock = Date.now }: SinkManagerOptions): SinkManager {
  const lanes: Lane[] = sinks.map((sink) => ({ sink, running: undefined, waiting: undefined }));
  let stopped = false;

  const report: ExportListener = (event) => onExport?.(event);

  async function runOne(lane: Lane, batch: DataBatch): Promise<void> {
    const started = clock();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`export timed out after ${exportTimeoutMs} ms`)), exportTimeoutMs);
    try {
      await Promise.race([
        lane.sink.export(batch, controller.signal),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
      ]);
      report({ sink: lane.sink.name, outcome: 'ok', durationMs: clock() - started, timestamp: batch.timestamp });
    } catch (error) {
      const outcome = controller.signal.aborted ? 'timeout' : 'error';
      report({ sink: lane.sink.name, outcome, durationMs: clock() - started, timestamp: batch.timestamp, error });
    } finally {
      clearTimeout(timer);
    }
  }

  function pump(lane: Lane): void {
    if (lane.running || !lane.waiting) return;
    const batch = lane.waiting;
    lane.waiting = undefined;
    lane.running = runOne(lane, batch).finally(() => {
      lane.running = undefined;
      pump(lane);
    });
  }

  async function idle(): Promise<void> {
    while (lanes.some((l) => l.running || l.waiting)) {
      await Promise.all(lanes.map((l) => l.running));
    }
  }

  return {
    sinks,
    exportData(batch) {
      if (stopped) return;
      for (const lane of lanes) {
        if (lane.waiting) {
          report({ sink: lane.sink.name, outcome: 'dropped', durationMs: 0, timestamp: lane.waiting.timestamp });
        }
        lane.waiting = batch;
        pump(lane);
      }
    },
    idle,
    async stop(timeoutMs = 60_000) {
      stopped = true;
      const controller = new AbortController();
      const deadline = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
      const timer = setTimeout(() => controller.abort(new Error('sink stop timed out')), timeoutMs);
      try {
        await Promise.race([idle(), deadline]);
        // A sink whose stop ignores the signal (or throws at once) must not hold shutdown past the deadline.
        const stops = lanes.map((l) => Promise.resolve().then(() => l.sink.stop(controller.signal)));
        await Promise.race([Promise.allSettled(stops), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
