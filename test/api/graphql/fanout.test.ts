import { describe, expect, it } from 'vitest';
import type { ExecutionResult } from '../../../src/api/graphql/graphqlJs.js';
import { createBatchMemo, createOperationContext } from '../../../src/api/graphql/context.js';
import type { ExecuteArgs, OperationExecutor } from '../../../src/api/graphql/execute.js';
import type { SubscriptionExecutionEvent } from '../../../src/api/graphql/options.js';
import { createFanout, slowConsumerCloseCode, type SubscriberSocket } from '../../../src/api/graphql/subscriptions/fanout.js';
import { parse } from '../../../src/api/graphql/graphqlJs.js';
import { createQueryService } from '../../../src/api/query/service.js';
import { silentLogger } from '../../../src/core/log.js';
import type { DataBatch } from '../../../src/core/types.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { createModelStore } from '../../../src/store/modelStore.js';

const document = parse('subscription { batch { timestamp } }');
const query = createQueryService({ model: createModelStore() });
const settings = { query, batchMemo: createBatchMemo(query), pages: { defaultPageSize: 10, maxPageSize: 10 }, resolutionMs: 1_000, maxPointsPerOperation: 10 };
const batch = (timestamp: number): DataBatch => ({ timestamp, metricSets: new Map() });
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A socket whose queue the test sets, recording closes. */
function fakeSocket(): SubscriberSocket & { bufferedAmount: number; closes: Array<[number, string]> } {
  const socket = { bufferedAmount: 0, closes: [] as Array<[number, string]>, close: (code: number, reason: string) => void socket.closes.push([code, reason]) };
  return socket;
}

/** A fan-out over a fresh feed whose executor answers with the batch timestamp and counts its runs. */
function setup(executor?: OperationExecutor) {
  const feed = createLiveFeed();
  const events: SubscriptionExecutionEvent[] = [];
  const runs: number[] = [];
  const fanout = createFanout({
    feed,
    executor: executor ?? {
      run: async ({ rootValue }: ExecuteArgs) => {
        const { timestamp } = (rootValue as { batch: DataBatch }).batch;
        runs.push(timestamp);
        return { data: { batch: { timestamp } } };
      },
    },
    createContext: () => createOperationContext(settings),
    format: (result: ExecutionResult) => ({ data: result.data ?? null }),
    slowConsumerBytes: 1_000,
    maxSkippedBatches: 3,
    onExecution: (e) => events.push(e),
    logger: silentLogger(),
  });
  return { feed, fanout, events, runs };
}

const stampOf = (step: IteratorResult<ExecutionResult, undefined>) => (step.value as { data: { batch: { timestamp: number } } } | undefined)?.data.batch.timestamp;

describe('the subscription fan-out', () => {
  it('executes once per batch for every subscriber of one key and formats the result once', async () => {
    const { feed, fanout, events, runs } = setup();
    const a = fanout.join({ key: 'k', document, socket: fakeSocket() });
    const b = fanout.join({ key: 'k', document, socket: fakeSocket() });
    expect(feed.listenerCount()).toBe(1);
    const [nextA, nextB] = [a.next(), b.next()];
    feed.publish(batch(1_000));
    const [stepA, stepB] = await Promise.all([nextA, nextB]);
    expect(runs).toEqual([1_000]);
    expect(stepA.value).toBe(stepB.value);
    expect(fanout.formatted(stepA.value!)).toEqual({ data: { batch: { timestamp: 1_000 } } });
    expect(events).toEqual([{ subscriptionKey: 'k', batchTimestamp: 1_000, subscribers: 2, skipped: 0, durationMs: expect.any(Number) }]);
  });

  it('keeps only the newest result for a subscriber still sending the previous one', async () => {
    const { feed, fanout, events } = setup();
    const sub = fanout.join({ key: 'k', document, socket: fakeSocket() });
    for (const t of [1_000, 2_000, 3_000]) {
      feed.publish(batch(t));
      await settle();
    }
    expect(events.map((e) => e.skipped)).toEqual([0, 1, 1]);
    expect(stampOf(await sub.next())).toBe(3_000);
  });

  it('skips batches while the socket is backed up and resumes when it drains', async () => {
    const { feed, fanout, events } = setup();
    const socket = fakeSocket();
    const sub = fanout.join({ key: 'k', document, socket });
    const pending = sub.next();
    socket.bufferedAmount = 5_000;
    for (const t of [1_000, 2_000]) {
      feed.publish(batch(t));
      await settle();
    }
    socket.bufferedAmount = 0;
    feed.publish(batch(3_000));
    expect(stampOf(await pending)).toBe(3_000);
    expect(events.map((e) => e.skipped)).toEqual([1, 1, 0]);
    expect(socket.closes).toEqual([]);
  });

  it('closes a consumer that stays behind for maxSkippedBatches batches with 1013 and releases the feed', async () => {
    const { feed, fanout } = setup();
    const socket = fakeSocket();
    const sub = fanout.join({ key: 'k', document, socket });
    const pending = sub.next();
    socket.bufferedAmount = 5_000;
    for (const t of [1_000, 2_000, 3_000]) {
      feed.publish(batch(t));
      await settle();
    }
    expect(socket.closes).toEqual([[slowConsumerCloseCode, 'Slow consumer: skipped too many batches']]);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(feed.listenerCount()).toBe(0);
    expect(fanout.groupCount()).toBe(0);
  });

  it('runs only the newest batch published while an execution is in progress', async () => {
    let release: (() => void) | undefined;
    const runs: number[] = [];
    const { feed, fanout } = setup({
      run: async ({ rootValue }) => {
        const { timestamp } = (rootValue as { batch: DataBatch }).batch;
        runs.push(timestamp);
        if (timestamp === 1_000) await new Promise<void>((resolve) => (release = resolve));
        return { data: { batch: { timestamp } } };
      },
    });
    const sub = fanout.join({ key: 'k', document, socket: fakeSocket() });
    for (const t of [1_000, 2_000, 3_000]) feed.publish(batch(t));
    await settle();
    release!();
    await settle();
    await settle();
    expect(runs).toEqual([1_000, 3_000]);
    expect(stampOf(await sub.next())).toBe(3_000);
  });

  it('releases the feed listener when the last subscriber returns, and ends every stream on stop', async () => {
    const { feed, fanout } = setup();
    const a = fanout.join({ key: 'a', document, socket: fakeSocket() });
    const b = fanout.join({ key: 'a', document, socket: fakeSocket() });
    const c = fanout.join({ key: 'c', document, socket: fakeSocket() });
    expect([feed.listenerCount(), fanout.groupCount(), fanout.subscriberCount()]).toEqual([2, 2, 3]);
    await a.return(undefined);
    expect([feed.listenerCount(), fanout.subscriberCount()]).toEqual([2, 2]);
    await b.return(undefined);
    expect(feed.listenerCount()).toBe(1);
    const waiting = c.next();
    fanout.stop();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect([feed.listenerCount(), fanout.groupCount()]).toEqual([0, 0]);
  });
});
