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
   * Batches published from this call on (queued until read), as an async iterator. Ends and
   * releases its listener when `signal` aborts or the consumer returns — no listener is left
   * behind waiting for the next batch.
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
    batches(signal) {
      // Listen now, not at the first next(): a batch published in between is queued, not missed.
      const events = signal.aborted ? undefined : on(emitter, 'batch', { signal });
      const read = (async function* () {
        if (!events) return;
        try {
          for await (const [batch] of events) yield batch as DataBatch;
        } catch (error) {
          if (!signal.aborted) throw error;
        }
      })();
      return {
        next: () => read.next(),
        // Closes the listener too when the consumer returns before its first next().
        async return() {
          await events?.return?.();
          return read.return();
        },
        throw: (error?: unknown) => read.throw(error),
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
    latest: () => last,
    listenerCount: () => emitter.listenerCount('batch'),
  };
}
