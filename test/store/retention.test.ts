import { describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/store/modelStore.js';
import { StoreError } from '../../src/store/errors.js';
import { at, batchOf, minute, node, pod } from './batches.js';

const cpu = 'cpu/usage_rate';
const podKeyA = 'namespace:default/pod:a';

describe('retention', () => {
  it('uses 15 minutes when no retention is given', () => {
    expect(createModelStore().retentionMs).toBe(15 * minute);
  });

  it('evicts points at exactly T − retention and keeps T − retention + 1', () => {
    const retentionMs = 10 * minute;
    const store = createModelStore({ retentionMs });
    const t = at(20);
    store.write(batchOf(t - retentionMs, [pod('default', 'a', { [cpu]: 1 })]));
    store.write(batchOf(t - retentionMs + 1, [pod('default', 'a', { [cpu]: 2 })]));
    expect(store.series(podKeyA, cpu).points).toHaveLength(2);
    store.write(batchOf(t, [pod('default', 'a', { [cpu]: 3 })]));
    expect(store.series(podKeyA, cpu).points).toEqual([
      { timestamp: t - retentionMs + 1, value: 2 },
      { timestamp: t, value: 3 },
    ]);
    expect(store.timestamps()).toEqual([t - retentionMs + 1, t]);
  });

  it('keeps every metric, not only cpu and memory, for the whole window', () => {
    const store = createModelStore();
    for (let m = 0; m < 16; m++) {
      store.write(batchOf(at(m), [pod('default', 'a', { [cpu]: m, 'memory/usage': m * 10, 'network/rx_rate': m * 100 })]));
    }
    // At minute 15 the cut-off is minute 0: minutes 1..15 stay.
    for (const metric of [cpu, 'memory/usage', 'network/rx_rate']) {
      expect(store.series(podKeyA, metric).points.map((p) => p.timestamp)).toEqual(Array.from({ length: 15 }, (_, i) => at(i + 1)));
    }
  });

  it('ignores a batch that is already outside the window', () => {
    const store = createModelStore({ retentionMs: 5 * minute });
    store.write(batchOf(at(10), [pod('default', 'a', { [cpu]: 1 })]));
    store.write(batchOf(at(5), [pod('default', 'a', { [cpu]: 99 })]));
    expect(store.timestamps()).toEqual([at(10)]);
    expect(store.series(podKeyA, cpu).points).toEqual([{ timestamp: at(10), value: 1 }]);
  });

  it('rejects a retention that is not a positive number, naming the field', () => {
    for (const retentionMs of [0, -1, Number.NaN, Infinity]) {
      expect(() => createModelStore({ retentionMs })).toThrowError(/retentionMs/);
    }
    expect(() => createModelStore({ retentionMs: -5 })).toThrow(expect.objectContaining({ name: 'StoreError', code: 'invalid_option' }));
  });
});

describe('ranges', () => {
  const store = createModelStore();
  for (let m = 0; m < 5; m++) store.write(batchOf(at(m), [node('n1', { [cpu]: m })]));

  it('includes points exactly on both bounds', () => {
    const points = store.series('node:n1', cpu, { startMs: at(1), endMs: at(3) }).points;
    expect(points.map((p) => p.value)).toEqual([1, 2, 3]);
  });

  it('treats an absent bound as unbounded', () => {
    expect(store.series('node:n1', cpu, { startMs: at(3) }).points.map((p) => p.value)).toEqual([3, 4]);
    expect(store.series('node:n1', cpu, { endMs: at(1) }).points.map((p) => p.value)).toEqual([0, 1]);
    expect(store.series('node:n1', cpu, {}).points).toHaveLength(5);
  });

  it('returns no points for bounds between batches or reversed', () => {
    expect(store.series('node:n1', cpu, { startMs: at(1) + 1, endMs: at(2) - 1 }).points).toEqual([]);
    expect(store.series('node:n1', cpu, { startMs: at(3), endMs: at(1) }).points).toEqual([]);
  });

  it('rejects a bound that is not a number', () => {
    expect(() => store.series('node:n1', cpu, { startMs: Number.NaN })).toThrowError(StoreError);
    expect(() => store.series('node:n1', cpu, { endMs: '5' as unknown as number })).toThrowError(/endMs/);
  });
});

describe('batch order', () => {
  it('inserts an out-of-order batch in time order', () => {
    const store = createModelStore();
    store.write(batchOf(at(0), [pod('default', 'a', { [cpu]: 0 })]));
    store.write(batchOf(at(2), [pod('default', 'a', { [cpu]: 2 })]));
    store.write(batchOf(at(1), [pod('default', 'a', { [cpu]: 1 })]));
    expect(store.timestamps()).toEqual([at(0), at(1), at(2)]);
    expect(store.series(podKeyA, cpu).points.map((p) => p.value)).toEqual([0, 1, 2]);
    expect(store.latest(podKeyA, cpu)).toEqual({ timestamp: at(2), value: 2 });
    expect(store.latestBatch()?.timestamp).toBe(at(2));
  });

  it('replaces the slot of a batch with an existing timestamp, dropping values the new batch lacks', () => {
    const store = createModelStore();
    store.write(batchOf(at(0), [pod('default', 'a', { [cpu]: 0 })]));
    store.write(batchOf(at(1), [pod('default', 'a', { [cpu]: 1, 'memory/usage': 7 }), pod('default', 'b', { [cpu]: 5 })]));
    const replacement = batchOf(at(1), [pod('default', 'a', { [cpu]: 10 })]);
    store.write(replacement);
    expect(store.timestamps()).toEqual([at(0), at(1)]);
    expect(store.series(podKeyA, cpu).points.map((p) => p.value)).toEqual([0, 10]);
    expect(store.series(podKeyA, 'memory/usage').points).toEqual([]);
    expect(store.metricNames(podKeyA)).toEqual([cpu]);
    expect(store.series('namespace:default/pod:b', cpu).points).toEqual([]);
    expect(store.latestBatch()).toBe(replacement);
    expect(store.keys()).toEqual([podKeyA]);
  });

  it('keeps the newer entity labels when an older batch arrives late', () => {
    const store = createModelStore();
    store.write(batchOf(at(2), [pod('default', 'a', { [cpu]: 2 }, { labels: 'new' })]));
    store.write(batchOf(at(1), [pod('default', 'a', { [cpu]: 1 }, { labels: 'old' })]));
    expect(store.entity(podKeyA)?.labels['labels']).toBe('new');
    expect(store.entity(podKeyA)?.lastSeenMs).toBe(at(2));
  });
});
