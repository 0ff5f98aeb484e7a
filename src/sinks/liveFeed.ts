/**
 * LiveFeed: publishes each batch once the model store holds it, for GraphQL subscriptions (and,
 * later, for publishing to Redis Streams or NATS so several gateways share one collector).
 *
 * @module
 */
import { EventEmitter, on } from 'node:events';
import type { DataBatch } from '../core/types.js';

/** The live stream of stored batches. */
export interface LiveFeed {
  /** Delivers `batch` to every listener, synchronously. */
  publish(batch: DataBatch): void;
  /** Calls `listener` for every batch published from now on; returns the unsubscribe function. */
  onBatch(listener: (batch: DataBatch) => void): () => void;
  /**
   * Batches published from now on, as an async iterator. Ends (and releases its listener) when
   * `signal` aborts — no listener is left behind waiting for the next batch.
   */
  batches(signal: AbortSignal): AsyncIterableIterator<DataBatch>;
  /** The last published batch. */
  latest(): DataBatch | undefined;
  /** Listeners currently attached (tests check that unsubscribing releases everything). */
  listenerCount(): number;
}

/** Creates a LiveFeed. */
export function createLiveFeed(): LiveFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one per distinct subscription; bounded by the subscription limits
  let last: DataBatch | undefined;
  return {
    publish(batch) {
      last = batch;
      emitter.emit('batch', batch);
    },
    onBatch(listener) {
      emitter.on('batch', listener);
      return () => emitter.off('batch', listener);
    },
    async *batches(signal) {
      try {
        for await (const [batch] of on(emitter, 'batch', { signal })) yield batch as DataBatch;
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    },
    latest: () => last,
    listenerCount: () => emitter.listenerCount('batch'),
  };
}
