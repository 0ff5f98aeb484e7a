import { describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/store/modelStore.js';
import type { DataBatch, MetricSet } from '../../src/core/types.js';
import { at, batchOf, labeled, minute, pod } from './batches.js';

const cpu = 'cpu/usage_rate';
const memory = 'memory/usage';
const keyOf = (name: string) => `namespace:default/pod:${name}`;

/** `count` pods named `<prefix>-<i>`, each with cpu, memory and one filesystem per pod-specific volume. */
function pods(prefix: string, count: number, m: number): [string, MetricSet][] {
  return Array.from({ length: count }, (_, i) => {
    const entry = pod('default', `${prefix}-${i}`, { [cpu]: m * 1000 + i, [memory]: i });
    entry[1].labeledMetrics.push(labeled('filesystem/usage', { resource_id: `Volume:${prefix}-${i}` }, i));
    return entry;
  });
}

describe('entity churn', () => {
  it('keeps a vanished pod\'s series until they age out, then forgets the pod', () => {
    const store = createModelStore({ retentionMs: 5 * minute });
    store.write(batchOf(at(0), [pod('default', 'gone', { [cpu]: 1, [memory]: 2 }), pod('default', 'stays', { [cpu]: 1 })]));
    for (let m = 1; m <= 5; m++) {
      store.write(batchOf(at(m), [pod('default', 'stays', { [cpu]: m })]));
      expect(store.series(keyOf('gone'), cpu).points).toEqual(m < 5 ? [{ timestamp: at(0), value: 1 }] : []);
    }
    expect(store.metricNames(keyOf('gone'))).toEqual([]);
    expect(store.entity(keyOf('gone'))).toBeUndefined();
    expect(store.keys()).toEqual([keyOf('stays')]);
  });

  it('lists a vanished pod\'s metrics and entity while it has points in retention', () => {
    const store = createModelStore({ retentionMs: 5 * minute });
    store.write(batchOf(at(0), [pod('default', 'gone', { [cpu]: 1, [memory]: 2 })]));
    store.write(batchOf(at(1), [pod('default', 'stays', { [cpu]: 1 })]));
    expect(store.metricNames(keyOf('gone'))).toEqual([cpu, memory]);
    expect(store.entity(keyOf('gone'))).toMatchObject({ key: keyOf('gone'), type: 'pod', lastSeenMs: at(0) });
    expect(store.entities('pod').map((e) => e.key)).toEqual([keyOf('stays')]);
  });

  it('gives a new pod the freed id and rows without any of the old pod\'s values', () => {
    const store = createModelStore({ retentionMs: 3 * minute });
    store.write(batchOf(at(0), [pod('default', 'old', { [cpu]: 111, [memory]: 222 })]));
    const oldId = store.entity(keyOf('old'))!.id;
    store.write(batchOf(at(1), [pod('default', 'keeper', { [cpu]: 5 })]));
    store.write(batchOf(at(2), [pod('default', 'keeper', { [cpu]: 5 })]));
    // At minute 3 the cut-off is minute 0: "old" is freed before this batch is written.
    store.write(batchOf(at(3), [pod('default', 'keeper', { [cpu]: 5 }), pod('default', 'new', { [cpu]: 7 })]));
    const fresh = store.entity(keyOf('new'));
    expect(fresh?.id).toBe(oldId);
    expect(store.series(keyOf('new'), cpu).points).toEqual([{ timestamp: at(3), value: 7 }]);
    expect(store.series(keyOf('new'), memory).points).toEqual([]);
    expect(store.metricNames(keyOf('new'))).toEqual([cpu]);
    expect(store.entity(keyOf('old'))).toBeUndefined();
    expect(store.series(keyOf('old'), cpu).points).toEqual([]);
  });

  it('ages out a metric that stops while its pod lives on, and never shows it again', () => {
    const store = createModelStore({ retentionMs: 3 * minute });
    store.write(batchOf(at(0), [pod('default', 'lives', { [cpu]: 1, [memory]: 2 })]));
    for (let m = 1; m <= 8; m++) {
      store.write(batchOf(at(m), [pod('default', 'lives', { [cpu]: m })]));
      expect(store.series(keyOf('lives'), memory).points).toEqual(m < 3 ? [{ timestamp: at(0), value: 2 }] : []);
      expect(store.metricNames(keyOf('lives'))).toEqual(m < 3 ? [cpu, memory] : [cpu]);
    }
    // The metric coming back starts a fresh series: nothing of minute 0 resurfaces.
    store.write(batchOf(at(9), [pod('default', 'lives', { [cpu]: 9, [memory]: 90 })]));
    expect(store.series(keyOf('lives'), memory).points).toEqual([{ timestamp: at(9), value: 90 }]);
  });

  it('frees the rows of label sets that churn on a pod that lives on', () => {
    const store = createModelStore({ retentionMs: 2 * minute });
    const volumeOf = (m: number) => {
      const entry = pod('default', 'lives', { [cpu]: m });
      for (let v = 0; v < 50; v++) entry[1].labeledMetrics.push(labeled('filesystem/usage', { resource_id: `Volume:m${m}-${v}` }, v));
      return entry;
    };
    let m = 0;
    for (; m < 4; m++) store.write(batchOf(at(m), [volumeOf(m)]));
    const settled = store.memoryBytes();
    for (; m < 40; m++) store.write(batchOf(at(m), [volumeOf(m)]));
    expect(store.memoryBytes()).toBeLessThan(settled * 1.25);
    const series = store.labeledSeries(keyOf('lives'), 'filesystem/usage', undefined);
    expect(series.map((s) => s.labels.resource_id).sort()).toEqual(
      [38, 39].flatMap((t) => Array.from({ length: 50 }, (_, v) => `Volume:m${t}-${v}`)).sort(),
    );
  });

  it('never mixes values across pods through many rounds of churn', () => {
    const store = createModelStore({ retentionMs: 2 * minute });
    for (let m = 0; m < 30; m++) {
      // Each round replaces a third of the pods with new names, so rows are constantly recycled.
      const generation = Math.floor(m / 3);
      store.write(batchOf(at(m), [...pods(`g${generation}`, 20 + (m % 7) * 10, m), ...pods('steady', 5, m)]));
      for (const i of [0, 7, 19]) {
        const key = keyOf(`g${generation}-${i}`);
        const expected = [m - 1, m].filter((t) => t >= generation * 3 && t >= 0).map((t) => ({ timestamp: at(t), value: t * 1000 + i }));
        expect(store.series(key, cpu).points).toEqual(expected);
        expect(store.labeledSeries(key, 'filesystem/usage', undefined).map((s) => s.labels)).toEqual([{ resource_id: `Volume:g${generation}-${i}` }]);
      }
    }
  });

  it('grows memory with entities and returns near the baseline after the churn ages out', () => {
    const store = createModelStore({ retentionMs: 5 * minute });
    let m = 0;
    const steady = (): DataBatch => batchOf(at(m), pods('steady', 10, m));
    for (; m < 6; m++) store.write(steady());
    const baseline = store.memoryBytes();
    for (let end = m + 3; m < end; m++) store.write(batchOf(at(m), [...pods('steady', 10, m), ...pods(`burst${m}`, 2000, m)]));
    const peak = store.memoryBytes();
    expect(peak).toBeGreaterThan(baseline + 6000 * 100);
    for (let end = m + 6; m < end; m++) store.write(steady());
    const after = store.memoryBytes();
    expect(after).toBeLessThan(baseline * 1.25);
    expect(store.entity(keyOf('burst6-0'))).toBeUndefined();
  });
});
