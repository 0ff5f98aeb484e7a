/**
 * The `metric` sink: writes every batch into the in-memory model store (the primary sink).
 *
 * @module
 */
import { runInSlices, type Steps } from '../core/slices.js';
import type { DataBatch } from '../core/types.js';
import type { Sink } from './types.js';

/** The store as this sink needs it. */
export interface BatchWriter {
  writeSteps(batch: DataBatch): Steps<void>;
}

/** Creates the metric sink over `store`; `onStored` runs after each batch is in the store (the LiveFeed). */
export function createMetricSink(store: BatchWriter, onStored?: (batch: DataBatch) => void): Sink {
  // The sink manager runs one export at a time, but one that timed out may still be writing:
  // chaining keeps the store's sliced writes from overlapping.
  let writing: Promise<void> = Promise.resolve();
  return {
    name: 'Metric Sink',
    export(batch) {
      const done = writing.then(async () => {
        // In slices: a 5,000-node batch is ~150k sets; requests must not wait for all of them.
        await runInSlices(store.writeSteps(batch));
        onStored?.(batch);
      });
      writing = done.catch(() => undefined);
      return done;
    },
    async stop() {
      await writing;
    },
  };
}
