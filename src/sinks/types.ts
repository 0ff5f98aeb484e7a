/**
 * The sink seam: a processed batch goes to every sink. The model store is the primary sink;
 * every other sink is secondary — its failures are counted warnings, never the pipeline's.
 *
 * @module
 */
import type { DataBatch } from '../core/types.js';

/** One destination of processed batches. */
export interface Sink {
  /** Name used in logs and metrics (Heapster's: `Metric Sink`, `InfluxDB Sink`, `Log Sink`). */
  readonly name: string;
  /**
   * Exports one batch. Must honour `signal`: when it aborts (export timeout or stop), give up
   * and settle soon. Rejections are counted by the sink manager.
   */
  export(batch: DataBatch, signal: AbortSignal): Promise<void>;
  /** Flushes what can be flushed before `signal` aborts, then releases resources. */
  stop(signal: AbortSignal): Promise<void>;
}

/** What happened to one batch at one sink. */
export type ExportOutcome = 'ok' | 'error' | 'timeout' | 'dropped';

/** Called by the sink manager after every export attempt (for metrics and logs). */
export type ExportListener = (event: { sink: string; outcome: ExportOutcome; durationMs: number; timestamp: number; error?: unknown }) => void;
