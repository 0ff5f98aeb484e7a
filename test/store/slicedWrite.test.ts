import { describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/store/modelStore.js';
import { itemsPerStep } from '../../src/core/slices.js';
import { at, batchOf, pod } from './batches.js';

/** A batch of `count` pods whose cpu/usage_rate is `value + i`. */
function podsBatch(minute: number, count: number, value: number) {
  return batchOf(at(minute), Array.from({ length: count }, (_, i) => pod('default', `p${i}`, { 'cpu/usage_rate': value + i })));
}

/** Runs `steps` to the end, calling `check` at every pause; returns the number of pauses. */
function pausesChecking(steps: Generator<void, void, undefined>, check: () => void): number {
  let pauses = 0;
  for (let next = steps.next(); !next.done; next = steps.next()) {
    pauses++;
    check();
  }
  return pauses;
}

describe('a sliced store write', () => {
  it('is invisible to readers until its last step, then answers like a whole write', () => {
    const store = createModelStore();
    store.write(podsBatch(0, 10, 100));
    const big = podsBatch(1, itemsPerStep * 3 + 5, 500);
    const steps = store.writeSteps(big);

    const pauses = pausesChecking(steps, () => {
      // Mid-write: the old batch is still the newest, and no series shows the new timestamp.
      expect(store.timestamps()).toEqual([at(0)]);
      expect(store.latestBatch()?.timestamp).toBe(at(0));
      expect(store.series('namespace:default/pod:p0', 'cpu/usage_rate')?.points).toEqual([{ timestamp: at(0), value: 100 }]);
      expect(store.entities('pod').length).toBe(10);
    });
    expect(pauses).toBe(3);

    const whole = createModelStore();
    whole.write(podsBatch(0, 10, 100));
    whole.write(podsBatch(1, itemsPerStep * 3 + 5, 500));
    expect(store.timestamps()).toEqual([at(0), at(1)]);
    for (const name of ['p0', 'p9', `p${itemsPerStep * 3 + 4}`]) {
      const key = `namespace:default/pod:${name}`;
      expect(store.series(key, 'cpu/usage_rate')).toEqual(whole.series(key, 'cpu/usage_rate'));
    }
    expect(store.latest(`namespace:default/pod:p${itemsPerStep * 3 + 4}`, 'cpu/usage_rate')?.value).toBe(500 + itemsPerStep * 3 + 4);
  });

  it('clears the new slot of a large store in steps of its own, unseen by readers', () => {
    const metrics = ['cpu/usage_rate', 'memory/usage', 'memory/working_set', 'memory/rss'];
    const count = 70_000;
    const batch = (minute: number) =>
      batchOf(at(minute), Array.from({ length: count }, (_, i) => pod('default', `p${i}`, Object.fromEntries(metrics.map((m) => [m, minute * 1000 + i])))));
    const store = createModelStore();
    store.write(batch(0));
    const steps = store.writeSteps(batch(1));

    const pauses = pausesChecking(steps, () => {
      expect(store.timestamps()).toEqual([at(0)]);
      expect(store.latest('namespace:default/pod:p7', 'memory/rss')).toEqual({ timestamp: at(0), value: 7 });
    });
    // The sets alone pause once per itemsPerStep; clearing four columns of ~70k rows adds one.
    expect(pauses).toBeGreaterThan(Math.floor(count / itemsPerStep));
    expect(store.series('namespace:default/pod:p7', 'memory/rss')?.points).toEqual([
      { timestamp: at(0), value: 7 },
      { timestamp: at(1), value: 1007 },
    ]);
  });

  it('refuses a second write while one is in progress and accepts writes again after it', () => {
    const store = createModelStore();
    const steps = store.writeSteps(podsBatch(0, itemsPerStep * 2, 1));
    steps.next();
    expect(() => store.write(podsBatch(1, 3, 7))).toThrow(expect.objectContaining({ code: 'write_in_progress' }));
    while (!steps.next().done);
    store.write(podsBatch(1, 3, 7));
    expect(store.timestamps()).toEqual([at(0), at(1)]);
  });

  it('gives the reserved slot back when a sliced write is abandoned', () => {
    const store = createModelStore();
    const abandoned = store.writeSteps(podsBatch(0, itemsPerStep * 2, 1));
    abandoned.next();
    abandoned.return(undefined);
    store.write(podsBatch(1, 2, 9));
    expect(store.timestamps()).toEqual([at(1)]);
    expect(store.series('namespace:default/pod:p1', 'cpu/usage_rate')?.points).toEqual([{ timestamp: at(1), value: 10 }]);
  });

  it('evicts in steps too, and readers between them see the window without the evicted minute', () => {
    const minuteMs = 60_000;
    const metrics = ['cpu/usage_rate', 'memory/usage', 'memory/working_set', 'network/rx_rate'];
    const batch = (minute: number) =>
      batchOf(at(minute), [pod('default', 'old', Object.fromEntries(metrics.map((m, i) => [m, minute * 10 + i]))), pod('default', `p${minute}`, { 'memory/usage': minute })]);
    const store = createModelStore({ retentionMs: 2 * minuteMs });
    store.write(batch(0));
    store.write(batch(1));
    const steps = store.writeSteps(batch(2));

    const pauses = pausesChecking(steps, () => {
      expect(store.timestamps()).toEqual([at(1)]);
      expect(store.series('namespace:default/pod:old', 'memory/usage')?.points).toEqual([{ timestamp: at(1), value: 11 }]);
      expect(store.series('namespace:default/pod:p0', 'memory/usage')?.points ?? []).toEqual([]);
    });
    // One pause per column swept (four metrics), where the write alone would not pause at all.
    expect(pauses).toBeGreaterThanOrEqual(metrics.length);
    expect(store.timestamps()).toEqual([at(1), at(2)]);
    expect(store.series('namespace:default/pod:old', 'memory/usage')?.points).toEqual([
      { timestamp: at(1), value: 11 },
      { timestamp: at(2), value: 21 },
    ]);
    expect(store.entity('namespace:default/pod:p0')).toBeUndefined();
  });
});
