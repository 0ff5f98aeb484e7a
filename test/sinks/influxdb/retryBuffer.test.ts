import { describe, expect, it } from 'vitest';
import { createRetryBuffer, type DropReason, type RetryBufferOptions, type Timers } from '../../../src/sinks/influxdb/retryBuffer.js';

/** Timers that only fire when the test says so; records every requested delay. */
function fakeTimers() {
  const pending = new Map<number, () => void>();
  const delays: number[] = [];
  let next = 0;
  const timers: Timers = {
    setTimeout(callback, ms) {
      delays.push(ms);
      pending.set(++next, callback);
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    delays,
    pendingCount: () => pending.size,
    /** Fires every pending timer. */
    fire() {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
  };
}

interface Call {
  lines: string[];
  signal: AbortSignal;
  resolve(refused?: number): void;
  reject(error: unknown): void;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m v=${from + i}i`);
/** A chunk as the sink adds it (here uncompressed: the buffer never looks inside a body). */
const chunk = (from: number, to: number): [Uint8Array, number] => [Buffer.from(lines(from, to).join('\n')), to - from];

function harness(options: Partial<RetryBufferOptions> = {}) {
  const calls: Call[] = [];
  const written: string[] = [];
  const dropped: Array<[number, DropReason]> = [];
  const failures: Array<number | undefined> = [];
  const buffered: number[] = [];
  const clock = fakeTimers();
  const buffer = createRetryBuffer({
    send: (body, n, skip, signal) =>
      new Promise<number | void>((resolve, reject) => {
        const all = Buffer.from(body).toString('utf8').split('\n');
        expect(all).toHaveLength(n);
        const chunk = all.slice(skip);
        calls.push({
          lines: chunk,
          signal,
          resolve: (refused) => {
            written.push(...chunk.slice(0, chunk.length - (refused ?? 0)));
            resolve(refused);
          },
          reject,
        });
      }),
    isRetryable: (error) => (error as Error).message !== 'refused',
    capacityPoints: 100,
    concurrency: 1,
    retryInitialMs: 100,
    retryMaxMs: 1_000,
    retryJitter: 0,
    timers: clock.timers,
    events: {
      dropped: (n, reason) => void dropped.push([n, reason]),
      failed: (_error, _n, retryInMs) => void failures.push(retryInMs),
      buffered: (n) => void buffered.push(n),
    },
    ...options,
  });
  /** Settles the oldest open call. */
  const answer = async (outcome: 'ok' | Error, refused?: number) => {
    const call = calls.shift();
    if (!call) throw new Error('no request in flight');
    if (outcome === 'ok') call.resolve(refused);
    else call.reject(outcome);
    await settle();
  };
  return { buffer, calls, written, dropped, failures, buffered, clock, answer };
}

describe('createRetryBuffer', () => {
  it('sends chunks oldest first, with at most `concurrency` requests in flight', async () => {
    const h = harness({ concurrency: 2 });
    h.buffer.add(...chunk(0, 10));
    h.buffer.add(...chunk(10, 20));
    h.buffer.add(...chunk(20, 25));
    expect(h.calls.map((c) => c.lines)).toEqual([lines(0, 10), lines(10, 20)]);
    await h.answer('ok');
    expect(h.calls.map((c) => c.lines)).toEqual([lines(10, 20), lines(20, 25)]);
    await h.answer('ok');
    await h.answer('ok');
    expect(h.written).toEqual(lines(0, 25));
    expect(h.buffer.bufferedPoints).toBe(0);
  });

  it('drops the oldest whole chunks when the waiting bytes pass capacityBytes, and counts their points', async () => {
    const bytes = (from: number, to: number) => chunk(from, to)[0].byteLength;
    const h = harness({ capacityBytes: bytes(10, 20) + bytes(20, 30) }); // the two newer chunks fit, all three do not
    h.buffer.add(...chunk(0, 10));
    await h.answer(new Error('connection refused')); // lines 0-9 wait for the retry
    h.buffer.add(...chunk(10, 20));
    expect(h.dropped).toEqual([]);
    h.buffer.add(...chunk(20, 30)); // three chunks' bytes: the oldest goes whole, though 30 points fit
    expect(h.dropped).toEqual([[10, 'overflow']]);
    expect(h.buffer.bufferedPoints).toBe(20);
    expect(h.buffer.bufferedBytes).toBe(bytes(10, 20) + bytes(20, 30));
    h.clock.fire();
    while (h.calls.length > 0) await h.answer('ok');
    expect(h.written).toEqual(lines(10, 30));
    expect(h.buffer.bufferedBytes).toBe(0);
  });

  it('drops the oldest waiting points at once when capacityPoints is lowered', async () => {
    const h = harness({ capacityPoints: 100 });
    h.buffer.add(...chunk(0, 10)); // in flight
    h.buffer.add(...chunk(10, 20));
    h.buffer.add(...chunk(20, 30));
    h.buffer.capacityPoints = 15;
    expect(h.dropped).toEqual([[5, 'overflow']]);
    expect(h.buffer.bufferedPoints).toBe(10 + 15);
    while (h.calls.length > 0) await h.answer('ok');
    expect(h.written).toEqual([...lines(0, 10), ...lines(15, 30)]);
  });

  it('retries a failed chunk after a backoff that doubles up to retryMaxMs and resets after a success', async () => {
    const h = harness();
    h.buffer.add(...chunk(0, 5));
    for (let attempt = 0; attempt < 6; attempt++) {
      await h.answer(new Error('connection refused'));
      expect(h.calls).toHaveLength(0); // nothing is sent while the backoff runs
      h.clock.fire();
      expect(h.calls[0]!.lines).toEqual(lines(0, 5));
    }
    expect(h.clock.delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    await h.answer('ok');
    h.buffer.add(...chunk(5, 6));
    await h.answer(new Error('connection refused'));
    expect(h.clock.delays.at(-1)).toBe(100);
  });

  it('shortens each delay by up to retryJitter at random', async () => {
    const h = harness({ retryJitter: 0.2, random: () => 1 });
    h.buffer.add(...chunk(0, 1));
    await h.answer(new Error('503'));
    expect(h.clock.delays).toEqual([80]);
  });

  it('loses nothing and repeats nothing across an outage while the buffer holds', async () => {
    const h = harness({ capacityPoints: 1_000 });
    h.buffer.add(...chunk(0, 8));
    await h.answer(new Error('connection refused'));
    for (let batch = 1; batch <= 20; batch++) {
      h.buffer.add(...chunk(batch * 8, batch * 8 + 8));
      if (h.calls.length > 0) await h.answer(new Error('connection refused'));
      h.clock.fire();
    }
    expect(h.buffer.bufferedPoints).toBe(168);
    while (h.calls.length > 0) await h.answer('ok');
    expect(h.written).toEqual(lines(0, 168));
    expect(h.dropped).toEqual([]);
  });

  it('drops the oldest points when more than capacityPoints are held, and counts them', async () => {
    const h = harness({ capacityPoints: 20 });
    h.buffer.add(...chunk(0, 10));
    await h.answer(new Error('connection refused')); // lines 0-9 wait for the retry
    h.buffer.add(...chunk(10, 25)); // 25 held: the 5 oldest go
    expect(h.dropped).toEqual([[5, 'overflow']]);
    expect(h.buffer.bufferedPoints).toBe(20);
    h.clock.fire();
    while (h.calls.length > 0) await h.answer('ok');
    expect(h.written).toEqual(lines(5, 25));
  });

  it('keeps the newest capacityPoints points when a failed chunk comes back from flight', async () => {
    const h = harness({ capacityPoints: 12 });
    h.buffer.add(...chunk(0, 10)); // in flight: not counted
    h.buffer.add(...chunk(10, 22)); // 12 waiting: nothing dropped
    expect(h.dropped).toEqual([]);
    h.buffer.add(...chunk(22, 24)); // 14 waiting: the 2 oldest waiting go
    expect(h.dropped).toEqual([[2, 'overflow']]);
    await h.answer(new Error('connection refused')); // lines 0-9 wait again, oldest of all: they go
    expect(h.dropped).toEqual([[2, 'overflow'], [10, 'overflow']]);
    expect(h.buffer.bufferedPoints).toBe(12);
    h.clock.fire();
    while (h.calls.length > 0) await h.answer('ok');
    expect(h.written).toEqual(lines(12, 24));
  });

  it('drops a chunk InfluxDB refuses for good and goes on at once', async () => {
    const h = harness();
    h.buffer.add(...chunk(0, 10));
    h.buffer.add(...chunk(10, 15));
    await h.answer(new Error('refused'));
    expect(h.dropped).toEqual([[10, 'rejected']]);
    expect(h.failures).toEqual([undefined]);
    expect(h.clock.pendingCount()).toBe(0);
    expect(h.calls[0]!.lines).toEqual(lines(10, 15));
  });

  it('counts the lines a partial write refused as rejected and the rest as written', async () => {
    const written: number[] = [];
    const h = harness({ events: { written: (n) => void written.push(n), dropped: (n, reason) => void h.dropped.push([n, reason]) } });
    h.buffer.add(...chunk(0, 10));
    await h.answer('ok', 3);
    expect(written).toEqual([7]);
    expect(h.dropped).toEqual([[3, 'rejected']]);
  });

  it('reports the buffered points after every change', async () => {
    const h = harness();
    h.buffer.add(...chunk(0, 10));
    h.buffer.add(...chunk(10, 12));
    await h.answer('ok');
    await h.answer('ok');
    expect(h.buffered).toEqual([10, 12, 2, 0]);
  });

  it('drain resolves true once everything is written and false when its signal aborts first', async () => {
    const h = harness();
    await expect(h.buffer.drain(new AbortController().signal)).resolves.toBe(true);
    h.buffer.add(...chunk(0, 10));
    h.buffer.add(...chunk(10, 15));
    const drained = h.buffer.drain(new AbortController().signal);
    await h.answer('ok');
    await h.answer('ok');
    await expect(drained).resolves.toBe(true);

    h.buffer.add(...chunk(15, 16));
    const controller = new AbortController();
    const stopped = h.buffer.drain(controller.signal);
    controller.abort();
    await expect(stopped).resolves.toBe(false);
  });

  it('close cancels the retry, aborts the request in flight and reports what is left as shutdown', async () => {
    const h = harness({ concurrency: 1 });
    h.buffer.add(...chunk(0, 10));
    h.buffer.add(...chunk(10, 15));
    const inFlight = h.calls[0]!;
    let closed = false;
    const closing = h.buffer.close().then(() => (closed = true));
    expect(inFlight.signal.aborted).toBe(true);
    expect(h.dropped).toEqual([[5, 'shutdown']]);
    await settle();
    expect(closed).toBe(false); // waits for the aborted request
    await h.answer(new Error('aborted'));
    await closing;
    expect(h.dropped).toEqual([[5, 'shutdown'], [10, 'shutdown']]);
    h.buffer.add(...chunk(15, 17));
    expect(h.dropped.at(-1)).toEqual([2, 'shutdown']);
    expect(h.calls).toHaveLength(0);

    const retrying = harness();
    retrying.buffer.add(...chunk(0, 1));
    await retrying.answer(new Error('connection refused'));
    expect(retrying.clock.pendingCount()).toBe(1);
    await retrying.buffer.close();
    expect(retrying.clock.pendingCount()).toBe(0);
    expect(retrying.dropped).toEqual([[1, 'shutdown']]);
  });
});
