/**
 * The shared execution of subscriptions. Subscribers of the same document, operation and
 * variables with equal scopes form one group; the group listens to the live feed once and, for
 * each published batch, executes the operation once over the part of the batch its scope may see
 * and hands the one result (with its errors formatted once) to every subscriber.
 *
 * Each subscriber holds at most one undelivered result. A subscriber whose previous message is
 * still being written keeps only the newest result; one whose socket has more than
 * `slowConsumerBytes` queued gets nothing for that batch; one that falls behind
 * `maxSkippedBatches` batches in a row is closed with 1013. Nothing is buffered without bound.
 *
 * @module
 */
import type { DocumentNode, ExecutionResult, FormattedExecutionResult } from '../graphqlJs.js';
import type { Logger } from '../../../core/log.js';
import type { DataBatch } from '../../../core/types.js';
import type { LiveFeed } from '../../../sinks/liveFeed.js';
import { UNRESTRICTED, type AccessScope } from '../../auth/types.js';
import { scopeBatch } from '../../query/scope.js';
import type { OperationContext } from '../context.js';
import type { OperationExecutor } from '../execute.js';
import type { SubscriptionExecutionEvent } from '../options.js';

/** The part of a WebSocket the fan-out needs. */
export interface SubscriberSocket {
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

/** What a subscriber joins with. */
export interface JoinRequest {
  /**
   * Identity of the subscription (digest of the caller's scope key, document, operation name and
   * variables): only subscribers who would get the same data share an execution.
   */
  readonly key: string;
  /** What the group's subscribers may see (every subscriber of a key has an equal scope). @default UNRESTRICTED */
  readonly scope?: AccessScope | undefined;
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variableValues?: Readonly<Record<string, unknown>> | null | undefined;
  readonly socket: SubscriberSocket;
}

/** Options of {@link createFanout}. */
export interface FanoutOptions {
  feed: LiveFeed;
  executor: OperationExecutor;
  /** A fresh context per execution, for the group's scope. */
  createContext: (scope: AccessScope) => OperationContext;
  /** Formats a result's errors for the wire (masking internal ones). */
  format: (result: ExecutionResult) => FormattedExecutionResult;
  slowConsumerBytes: number;
  maxSkippedBatches: number;
  onExecution?: ((event: SubscriptionExecutionEvent) => void) | undefined;
  logger: Logger;
}

/** The fan-out of every subscription of a surface. */
export interface Fanout {
  /** True when a group for `key` exists (its arguments were already validated). */
  has(key: string): boolean;
  /** Joins the group of `request`; the stream ends when `return()` is called or the fan-out stops. */
  join(request: JoinRequest): AsyncGenerator<ExecutionResult, undefined>;
  /** The wire form of a result this fan-out produced, formatted once for every subscriber. */
  formatted(result: ExecutionResult): FormattedExecutionResult | undefined;
  /** Distinct subscriptions with at least one subscriber. */
  groupCount(): number;
  /** Subscribers over every group. */
  subscriberCount(): number;
  /** Ends every stream and releases every feed listener. */
  stop(): void;
}

/** Close code for a consumer too slow to keep up (RFC 6455 "Try Again Later"). */
export const slowConsumerCloseCode = 1013;

type Offer = 'delivered' | 'queued' | 'skipped';

interface Subscriber {
  offer(result: ExecutionResult): Offer;
  finish(): void;
}

interface Group {
  readonly request: JoinRequest;
  readonly subscribers: Set<Subscriber>;
  unlisten: () => void;
  running: boolean;
  /** The newest batch published while an execution ran (older ones are skipped). */
  queued: DataBatch | undefined;
}

/** Creates the fan-out. */
export function createFanout(options: FanoutOptions): Fanout {
  const { feed, executor, createContext, format, slowConsumerBytes, maxSkippedBatches, onExecution, logger } = options;
  const groups = new Map<string, Group>();
  const formattedResults = new WeakMap<ExecutionResult, FormattedExecutionResult>();

  async function execute(group: Group, batch: DataBatch): Promise<void> {
    group.running = true;
    try {
      const started = performance.now();
      const { document, operationName, variableValues, scope = UNRESTRICTED } = group.request;
      // The root batch too holds only what the group may see (live values are read from it).
      const rootValue = { batch: scopeBatch(batch, scope) };
      const result = await executor.run({ document, operationName, variableValues, contextValue: createContext(scope), rootValue });
      formattedResults.set(result, format(result));
      const durationMs = performance.now() - started;
      let skipped = 0;
      const subscribers = [...group.subscribers];
      for (const subscriber of subscribers) if (subscriber.offer(result) === 'skipped') skipped++;
      onExecution?.({ subscriptionKey: group.request.key, batchTimestamp: batch.timestamp, subscribers: subscribers.length, skipped, durationMs });
    } catch (error) {
      logger.error({ err: error, subscription: group.request.key }, 'subscription execution failed');
    } finally {
      group.running = false;
      const next = group.queued;
      group.queued = undefined;
      if (next && group.subscribers.size > 0) void execute(group, next);
    }
  }

  function leave(group: Group, subscriber: Subscriber): void {
    group.subscribers.delete(subscriber);
    if (group.subscribers.size === 0 && groups.get(group.request.key) === group) {
      group.unlisten();
      groups.delete(group.request.key);
    }
  }

  function subscriberOf(group: Group, socket: SubscriberSocket): AsyncGenerator<ExecutionResult, undefined> & Subscriber {
    let pending: ExecutionResult | undefined;
    let waiting: ((step: IteratorResult<ExecutionResult, undefined>) => void) | undefined;
    let finished = false;
    let behind = 0;
    const end = async (): Promise<IteratorResult<ExecutionResult, undefined>> => {
      self.finish();
      return { done: true, value: undefined };
    };
    const self: AsyncGenerator<ExecutionResult, undefined> & Subscriber = {
      offer(result) {
        if (finished) return 'delivered';
        if (socket.bufferedAmount <= slowConsumerBytes) {
          if (waiting) {
            const deliver = waiting;
            waiting = undefined;
            behind = 0;
            deliver({ done: false, value: result });
            return 'delivered';
          }
          // The previous message is still being written: keep only the newest result for it.
          const replaced = pending !== undefined;
          pending = result;
          if (!replaced) return 'queued';
        } else {
          pending = undefined;
        }
        behind++;
        if (behind >= maxSkippedBatches) {
          socket.close(slowConsumerCloseCode, 'Slow consumer: skipped too many batches');
          self.finish();
        }
        return 'skipped';
      },
      finish() {
        if (finished) return;
        finished = true;
        pending = undefined;
        leave(group, self);
        const resolve = waiting;
        waiting = undefined;
        resolve?.({ done: true, value: undefined });
      },
      next() {
        if (pending !== undefined) {
          const value = pending;
          pending = undefined;
          behind = 0;
          return Promise.resolve({ done: false, value });
        }
        if (finished) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: end,
      throw: end,
      [Symbol.asyncIterator]() {
        return self;
      },
    };
    return self;
  }

  return {
    has: (key) => groups.has(key),
    join(request) {
      let group = groups.get(request.key);
      if (!group) {
        const created: Group = { request, subscribers: new Set(), unlisten: () => {}, running: false, queued: undefined };
        created.unlisten = feed.onBatch((batch) => {
          if (created.running) created.queued = batch;
          else void execute(created, batch);
        });
        groups.set(request.key, created);
        group = created;
      }
      const subscriber = subscriberOf(group, request.socket);
      group.subscribers.add(subscriber);
      return subscriber;
    },
    formatted: (result) => formattedResults.get(result),
    groupCount: () => groups.size,
    subscriberCount: () => [...groups.values()].reduce((sum, g) => sum + g.subscribers.size, 0),
    stop() {
      for (const group of [...groups.values()]) for (const subscriber of [...group.subscribers]) subscriber.finish();
    },
  };
}
