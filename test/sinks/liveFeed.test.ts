import { describe, expect, it } from 'vitest';
import type { DataBatch } from '../../src/core/types.js';
import { createLiveFeed } from '../../src/sinks/liveFeed.js';

const batch = (timestamp: number): DataBatch => ({ timestamp, metricSets: new Map() });

describe('createLiveFeed', () => {
  it('delivers a published batch to every listener synchronously until it unsubscribes', () => {
    const feed = createLiveFeed();
    const first: number[] = [];
    const second: number[] = [];
    const offFirst = feed.onBatch((b) => first.push(b.timestamp));
    feed.onBatch((b) => second.push(b.timestamp));
    expect(feed.listenerCount()).toBe(2);
    feed.publish(batch(1));
    expect(first).toEqual([1]);
    offFirst();
    expect(feed.listenerCount()).toBe(1);
    feed.publish(batch(2));
    expect(first).toEqual([1]);
    expect(second).toEqual([1, 2]);
  });

  it('remembers the latest published batch', () => {
    const feed = createLiveFeed();
    expect(feed.latest()).toBeUndefined();
    const one = batch(1);
    const two = batch(2);
    feed.publish(one);
    feed.publish(two);
    expect(feed.latest()).toBe(two);
  });

  it('iterates the batches published after batches() was called, including those before the first next()', async () => {
    const feed = createLiveFeed();
    feed.publish(batch(0));
    const controller = new AbortController();
    const iterator = feed.batches(controller.signal);
    expect(feed.listenerCount()).toBe(1);
    feed.publish(batch(1));
    feed.publish(batch(2));
    expect((await iterator.next()).value?.timestamp).toBe(1);
    expect((await iterator.next()).value?.timestamp).toBe(2);
    const pending = iterator.next();
    feed.publish(batch(3));
    expect((await pending).value?.timestamp).toBe(3);
    controller.abort();
  });

  it('ends a waiting iterator when the signal aborts and releases its listener without another publish', async () => {
    const feed = createLiveFeed();
    const controller = new AbortController();
    const iterator = feed.batches(controller.signal);
    const pending = iterator.next();
    expect(feed.listenerCount()).toBe(1);
    controller.abort();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(feed.listenerCount()).toBe(0);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });

  it('releases the listener of an iterator nobody is reading as soon as the signal aborts', async () => {
    const feed = createLiveFeed();
    const controller = new AbortController();
    const iterator = feed.batches(controller.signal);
    expect(feed.listenerCount()).toBe(1);
    controller.abort();
    expect(feed.listenerCount()).toBe(0);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });

  it('ends at once, attaching nothing, for a signal that is already aborted', async () => {
    const feed = createLiveFeed();
    const iterator = feed.batches(AbortSignal.abort());
    expect(feed.listenerCount()).toBe(0);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('releases the listener when the consumer leaves a for-await loop', async () => {
    const feed = createLiveFeed();
    const controller = new AbortController();
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const b of feed.batches(controller.signal)) {
        seen.push(b.timestamp);
        if (seen.length === 2) break;
      }
    })();
    feed.publish(batch(1));
    feed.publish(batch(2));
    feed.publish(batch(3));
    await consuming;
    expect(seen).toEqual([1, 2]);
    expect(feed.listenerCount()).toBe(0);
    expect(controller.signal.aborted).toBe(false);
  });

  it('releases the listener when the consumer returns before reading anything', async () => {
    const feed = createLiveFeed();
    const iterator = feed.batches(new AbortController().signal);
    expect(feed.listenerCount()).toBe(1);
    await iterator.return?.();
    expect(feed.listenerCount()).toBe(0);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });

  it('gives every subscription every batch', async () => {
    const feed = createLiveFeed();
    const controller = new AbortController();
    const iterators = [feed.batches(controller.signal), feed.batches(controller.signal), feed.batches(controller.signal)];
    feed.publish(batch(1));
    feed.publish(batch(2));
    for (const iterator of iterators) {
      expect([(await iterator.next()).value?.timestamp, (await iterator.next()).value?.timestamp]).toEqual([1, 2]);
    }
    controller.abort();
    expect(feed.listenerCount()).toBe(0);
  });
});
