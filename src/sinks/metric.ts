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

/** Creates the metric sink over `store`. */
export function createMetricSink(store: BatchWriter): Sink {
  return {
    name: 'Metric Sink',
    async export(batch) {
      store.write(batch);
    },
    async stop() {},
  };
}
