import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DataBatch } from '../../src/core/types.js';
import { createSinkManager } from '../../src/sinks/manager.js';
import type { ExportListener, Sink } from '../../src/sinks/types.js';

type ExportEvent = Parameters<ExportListener>[0];

const batch = (timestamp: number): DataBatch => ({ timestamp, metricSets: new Map() });

/** Lets pending promise callbacks and I/O callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A sink that records what it got; with `hold`, each export waits until released. */
function recordingSink(name: string, { hold = false } = {}) {
  const received: number[] = [];
  const signals: AbortSignal[] = [];
  const stopSignals: AbortSignal[] = [];
  const held: Array<() => void> = [];
  const sink: Sink = {
    name,
    async export(b, signal) {
      signals.push(signal);
      if (hold) await new Promise<void>((release) => held.push(release));
      received.push(b.timestamp);
    },
    async stop(signal) {
      stopSignals.push(signal);
    },
  };
  return { sink, received, signals, stopSignals, release: () => held.shift()?.(), heldCount: () => held.length };
}

/** A sink whose exports never settle and ignore their signal. */
function stuckSink(name: string) {
  const signals: AbortSignal[] = [];
  const stopSignals: AbortSignal[] = [];
  const sink: Sink = {
    name,
    export: (_b, signal) => {
      signals.push(signal);
      return new Promise<void>(() => {});
    },
    async stop(signal) {
      stopSignals.push(signal);
    },
  };
  return { sink, signals, stopSignals };
}

function eventsOf(events: ExportEvent[], sink: string) {
  return events.filter((e) => e.sink === sink).map((e) => [e.outcome, e.timestamp]);
}

describe('createSinkManager', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives a fast sink every batch while a slow sink loses only its own waiting batch', async () => {
    const slow = recordingSink('Slow Sink', { hold: true });
    const fast = recordingSink('Fast Sink');
    const events: ExportEvent[] = [];
    const manager = createSinkManager({ sinks: [slow.sink, fast.sink], onExport: (e) => events.push(e) });
    for (const t of [1, 2, 3]) {
      manager.exportData(batch(t));
      await settle();
    }
    expect(fast.received).toEqual([1, 2, 3]);
    expect(slow.heldCount()).toBe(1);
    expect(eventsOf(events, 'Slow Sink')).toEqual([['dropped', 2]]);

    slow.release();
    await settle();
    slow.release();
    await manager.idle();
    expect(slow.received).toEqual([1, 3]);
    expect(eventsOf(events, 'Slow Sink')).toEqual([['dropped', 2], ['ok', 1], ['ok', 3]]);
    expect(eventsOf(events, 'Fast Sink')).toEqual([['ok', 1], ['ok', 2], ['ok', 3]]);
  });

  it('measures export durations with the injected clock', async () => {
    const fast = recordingSink('Fast Sink');
    const readings = [1_000, 1_250];
    const events: ExportEvent[] = [];
    const manager = createSinkManager({ sinks: [fast.sink], onExport: (e) => events.push(e), clock: () => readings.shift()! });
    manager.exportData(batch(7));
    await manager.idle();
    expect(events).toEqual([{ sink: 'Fast Sink', outcome: 'ok', durationMs: 250, timestamp: 7 }]);
  });

  it('aborts an export at the export timeout through its signal and reports a timeout', async () => {
    vi.useFakeTimers();
    const aborted: unknown[] = [];
    const patient: Sink = {
      name: 'Patient Sink',
      export: (_b, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted.push(signal.reason);
            reject(signal.reason);
          });
        }),
      stop: async () => {},
    };
    const events: ExportEvent[] = [];
    const manager = createSinkManager({ sinks: [patient], exportTimeoutMs: 500, onExport: (e) => events.push(e), clock: () => Date.now() });
    manager.exportData(batch(1));
    await vi.advanceTimersByTimeAsync(499);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(aborted).toEqual([new Error('export timed out after 500 ms')]);
    expect(events).toEqual([{ sink: 'Patient Sink', outcome: 'timeout', durationMs: 500, timestamp: 1, error: new Error('export timed out after 500 ms') }]);
  });

  it('moves on to the next batch when a sink ignores the abort of a timed-out export', async () => {
    vi.useFakeTimers();
    const stuck = stuckSink('Stuck Sink');
    const events: ExportEvent[] = [];
    const manager = createSinkManager({ sinks: [stuck.sink], exportTimeoutMs: 500, onExport: (e) => events.push(e) });
    manager.exportData(batch(1));
    manager.exportData(batch(2));
    await vi.advanceTimersByTimeAsync(500);
    expect(stuck.signals).toHaveLength(2);
    expect(stuck.signals[0]!.aborted).toBe(true);
    expect(stuck.signals[1]!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(events.map((e) => [e.outcome, e.timestamp])).toEqual([['timeout', 1], ['timeout', 2]]);
  });

  it('reports a throwing sink as an error and leaves the other sinks alone', async () => {
    const failure = new Error('connection refused');
    const rejecting: Sink = { name: 'Rejecting Sink', export: async () => Promise.reject(failure), stop: async () => {} };
    const throwing: Sink = {
      name: 'Throwing Sink',
      export: () => {
        throw failure;
      },
      stop: async () => {},
    };
    const healthy = recordingSink('Healthy Sink');
    const events: ExportEvent[] = [];
    const manager = createSinkManager({ sinks: [rejecting, throwing, healthy.sink], onExport: (e) => events.push(e) });
    manager.exportData(batch(1));
    await manager.idle();
    manager.exportData(batch(2));
    await manager.idle();
    expect(healthy.received).toEqual([1, 2]);
    expect(eventsOf(events, 'Healthy Sink')).toEqual([['ok', 1], ['ok', 2]]);
    for (const name of ['Rejecting Sink', 'Throwing Sink']) {
      expect(events.filter((e) => e.sink === name).map((e) => [e.outcome, e.timestamp, e.error])).toEqual([
        ['error', 1, failure],
        ['error', 2, failure],
      ]);
    }
  });

  it('resolves idle only once every running and waiting export is done', async () => {
    const slow = recordingSink('Slow Sink', { hold: true });
    const manager = createSinkManager({ sinks: [slow.sink] });
    await manager.idle();
    manager.exportData(batch(1));
    manager.exportData(batch(2));
    let idle = false;
    const idling = manager.idle().then(() => (idle = true));
    slow.release();
    await settle();
    expect(idle).toBe(false);
    expect(slow.received).toEqual([1]);
    slow.release();
    await idling;
    expect(slow.received).toEqual([1, 2]);
  });

  it('flushes the waiting batch on stop, stops every sink and then ignores new batches', async () => {
    const slow = recordingSink('Slow Sink', { hold: true });
    const fast = recordingSink('Fast Sink');
    const manager = createSinkManager({ sinks: [slow.sink, fast.sink] });
    manager.exportData(batch(1));
    manager.exportData(batch(2));
    let stopped = false;
    const stopping = manager.stop(1_000).then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    expect(slow.stopSignals).toEqual([]);
    slow.release();
    await settle();
    slow.release();
    await stopping;
    expect(slow.received).toEqual([1, 2]);
    expect(fast.received).toEqual([1, 2]);
    expect(slow.stopSignals).toHaveLength(1);
    expect(fast.stopSignals).toHaveLength(1);
    expect(slow.stopSignals[0]!.aborted).toBe(false);

    manager.exportData(batch(3));
    await manager.idle();
    expect(slow.received).toEqual([1, 2]);
    expect(fast.received).toEqual([1, 2]);
  });

  it('gives up on a stuck export at the stop timeout and still stops every sink, with an aborted signal', async () => {
    vi.useFakeTimers();
    const stuck = stuckSink('Stuck Sink');
    const fast = recordingSink('Fast Sink');
    const manager = createSinkManager({ sinks: [stuck.sink, fast.sink], exportTimeoutMs: 60_000 });
    manager.exportData(batch(1));
    let stopped = false;
    const stopping = manager.stop(2_000).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(stuck.stopSignals).toHaveLength(1);
    expect(fast.stopSignals).toHaveLength(1);
    expect(stuck.stopSignals[0]!.aborted).toBe(true);
  });

  it('resolves stop at its timeout even when a sink never finishes stopping', async () => {
    vi.useFakeTimers();
    const stubborn: Sink = { name: 'Stubborn Sink', export: async () => {}, stop: () => new Promise<void>(() => {}) };
    const throwing: Sink = {
      name: 'Throwing Sink',
      export: async () => {},
      stop: () => {
        throw new Error('already closed');
      },
    };
    const manager = createSinkManager({ sinks: [stubborn, throwing] });
    let stopped = false;
    const stopping = manager.stop(3_000).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits 60 s by default before giving up on stop', async () => {
    vi.useFakeTimers();
    const stubborn: Sink = { name: 'Stubborn Sink', export: async () => {}, stop: () => new Promise<void>(() => {}) };
    const manager = createSinkManager({ sinks: [stubborn] });
    let stopped = false;
    void manager.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stopped).toBe(true);
  });

  it('exposes its sinks', () => {
    const fast = recordingSink('Fast Sink');
    expect(createSinkManager({ sinks: [fast.sink] }).sinks).toEqual([fast.sink]);
  });
});
