import { describe, expect, it } from 'vitest';
import { createMetricSet, type DataBatch } from '../../src/core/types.js';
import { createModelStore } from '../../src/store/modelStore.js';
import { propertyBytes, stringBytes } from '../../src/store/memory.js';
import type { LabeledSeries, Point } from '../../src/store/types.js';
import { at, batchOf, labeled, minute, seededRandom } from './batches.js';

/**
 * A reference store kept as plainly as possible: whole batches by timestamp, scanned on every
 * query. The columnar store must answer every question exactly as this does.
 */
function createReference(retentionMs: number) {
  const batches = new Map<number, DataBatch>();
  const lastSeen = new Map<string, number>();
  const ordered = () => [...batches.values()].sort((a, b) => a.timestamp - b.timestamp);
  const isValue = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
  return {
    write(batch: DataBatch) {
      const cutoff = Math.max(batch.timestamp, ...batches.keys()) - retentionMs;
      if (batch.timestamp <= cutoff) return;
      batches.set(batch.timestamp, batch);
      for (const key of batch.metricSets.keys()) lastSeen.set(key, Math.max(lastSeen.get(key) ?? -Infinity, batch.timestamp));
      for (const t of batches.keys()) if (t <= cutoff) batches.delete(t);
      for (const [key, t] of lastSeen) if (t <= cutoff) lastSeen.delete(key);
    },
    timestamps: () => ordered().map((b) => b.timestamp),
    latestBatch: () => ordered().at(-1),
    lastSeen: (key: string) => lastSeen.get(key),
    series(key: string, metric: string): Point[] {
      return ordered().flatMap((b) => {
        const value = b.metricSets.get(key)?.metricValues.get(metric);
        return isValue(value) ? [{ timestamp: b.timestamp, value }] : [];
      });
    },
    labeledSeries(key: string, metric: string): { labels: Record<string, string>; points: Point[] }[] {
      const byDevice = new Map<string, Point[]>();
      for (const b of ordered()) {
        const perBatch = new Map<string, number>();
        for (const lm of b.metricSets.get(key)?.labeledMetrics ?? []) {
          if (lm.name === metric && isValue(lm.value)) perBatch.set(lm.labels['resource_id']!, lm.value);
        }
        for (const [device, value] of perBatch) byDevice.set(device, [...(byDevice.get(device) ?? []), { timestamp: b.timestamp, value }]);
      }
      return [...byDevice.keys()].sort().map((device) => ({ labels: { resource_id: device }, points: byDevice.get(device)! }));
    },
  };
}

const metrics = ['cpu/usage_rate', 'memory/usage', 'memory/rss', 'network/rx_rate', 'uptime', 'custom/qps'];
const labeledNames = ['filesystem/usage', 'filesystem/limit'];

describe('the columnar store against a reference', () => {
  it('answers every query like the reference through churn, late and duplicate batches', () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const retentionMs = 5 * minute;
    const store = createModelStore({ retentionMs });
    const reference = createReference(retentionMs);
    const podNames = Array.from({ length: 60 }, (_, i) => `p${i}`);
    const keyOf = (name: string) => `namespace:ns/pod:${name}`;
    let now = 0;
    let volumeSerial = 0;

    for (let step = 0; step < 160; step++) {
      const roll = random();
      // Mostly the next minute; sometimes a late batch, a repeated timestamp or one already too old.
      const m = roll < 0.7 ? ++now : roll < 0.8 ? now - 1 - Math.floor(random() * 4) : roll < 0.9 ? now : now - 6;
      // A sliding population: pods appear and vanish over time, so ids and rows are recycled.
      const window = podNames.slice(Math.floor(step / 8) % 30, (Math.floor(step / 8) % 30) + 10 + Math.floor(random() * 20));
      const sets = window.filter(() => random() < 0.8).map((name) => {
        const set = createMetricSet({ type: 'pod', namespace_name: 'ns', pod_name: name });
        for (const metric of metrics) {
          if (random() < 0.6) set.metricValues.set(metric, metric === 'custom/qps' ? random() * 10 : Math.floor(random() * 1e6));
        }
        for (const name of labeledNames) {
          if (random() < 0.5) set.labeledMetrics.push(labeled(name, { resource_id: '/' }, Math.floor(random() * 1e9)));
          if (random() < 0.3) set.labeledMetrics.push(labeled(name, { resource_id: `Volume:v${volumeSerial++ % 97}` }, Math.floor(random() * 1e9)));
        }
        return [keyOf(name), set] as const;
      });
      const batch = batchOf(at(m), sets);
      store.write(batch);
      reference.write(batch);

      expect(store.timestamps()).toEqual(reference.timestamps());
      expect(store.latestBatch()).toBe(reference.latestBatch());
      for (const name of podNames) {
        const key = keyOf(name);
        const lastSeen = reference.lastSeen(key);
        expect(store.entity(key)?.lastSeenMs).toBe(lastSeen);
        const names: string[] = [];
        for (const metric of metrics) {
          const expected = reference.series(key, metric);
          expect(store.series(key, metric).points, `${key} ${metric} at step ${step}`).toEqual(expected);
          expect(store.latest(key, metric)).toEqual(expected.at(-1));
          if (expected.length > 0) names.push(metric);
        }
        expect(store.metricNames(key)).toEqual(names.sort());
        const labeledNamesSeen: string[] = [];
        for (const metric of labeledNames) {
          const expected = reference.labeledSeries(key, metric);
          const actual = store.labeledSeries(key, metric, undefined).map((s: LabeledSeries) => ({ labels: s.labels, points: s.points }));
          expect(actual, `${key} ${metric} at step ${step}`).toEqual(expected);
          if (expected.length > 0) labeledNamesSeen.push(metric);
        }
        expect(store.labeledMetricNames(key)).toEqual(labeledNamesSeen.sort());
      }
    }
  });

  it('keeps memory bounded through long churn of pods and volume names', () => {
    const store = createModelStore({ retentionMs: 3 * minute });
    const sizes: number[] = [];
    for (let m = 0; m < 400; m++) {
      const sets = Array.from({ length: 50 }, (_, i) => {
        const name = `pod-${m}-${i}`;
        const set = createMetricSet({ type: 'pod', namespace_name: 'ns', pod_name: name });
        set.metricValues.set('cpu/usage_rate', i);
        set.labeledMetrics.push(labeled('filesystem/usage', { resource_id: `Volume:${name}` }, i));
        return [`namespace:ns/pod:${name}`, set] as const;
      });
      store.write(batchOf(at(m), sets));
      sizes.push(store.memoryBytes());
    }
    // After the window fills, every minute frees as much as it adds.
    expect(Math.max(...sizes.slice(300))).toBeLessThan(Math.min(...sizes.slice(10, 50)) * 1.5);
    expect(store.entity('namespace:ns/pod:pod-0-0')).toBeUndefined();
  });

  /**
   * memoryBytes() of two stores given the same first batch, then a second batch of `count` pod
   * sets that in the second store carry one more label, `note(i)`: the difference is what the
   * latest batch's estimate counted for those labels.
   */
  function latestBatchExtraBytes(count: number, note: (i: number) => string): number {
    const batch = (minute: number, withNote: boolean) =>
      batchOf(
        at(minute),
        Array.from({ length: count }, (_, i) => {
          const set = createMetricSet({ type: 'pod', namespace_name: 'ns', pod_name: `p${i}`, ...(withNote ? { note: note(i) } : {}) });
          set.metricValues.set('memory/usage', i);
          return [`namespace:ns/pod:p${i}`, set] as const;
        }),
      );
    const plain = createModelStore();
    const noted = createModelStore();
    plain.write(batch(0, false));
    noted.write(batch(0, false));
    plain.write(batch(1, false));
    noted.write(batch(1, true));
    return noted.memoryBytes() - plain.memoryBytes();
  }

  it('counts the latest batch it keeps in memoryBytes, as the batch was written', () => {
    const extra = 'x'.repeat(1000);
    // The same columns and entities; only the latest batch's sets carry one more label each.
    expect(latestBatchExtraBytes(20, () => extra)).toBe(20 * (propertyBytes + stringBytes(extra.length)));
  });

  it('estimates a large batch from a sample of its sets within 1 % of counting every set', () => {
    const count = 20_000;
    const note = (i: number) => 'x'.repeat(100 + ((i * 7) % 61));
    let exact = 0;
    for (let i = 0; i < count; i++) exact += propertyBytes + stringBytes(note(i).length);
    expect(Math.abs(latestBatchExtraBytes(count, note) - exact) / exact).toBeLessThan(0.01);
  });
});
