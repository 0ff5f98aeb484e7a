/**
 * The `metric` sink: writes every batch into the in-memory model store (the primary sink).
 *
 * @module
 */
import type { DataBatch } from '../core/types.js';
import type { Sink } from './types.js';

/** The store as this sink needs it. */
export interface BatchWriter {
  write(batch: DataBatch): void;
}

/** Creates the metric sink over `store`; `onStored` runs after each batch is in the store (the LiveFeed). */
export function createMetricSink(store: BatchWriter, onStored?: (batch: DataBatch) => void): Sink {
  return {
    name: 'Metric Sink',
    async export(batch) {
      store.write(batch);
      onStored?.(batch);
    },
    async stop() {},
  };
}
