import { describe, expect, it } from 'vitest';
import { metricColumnCount, metricColumnName } from '../../src/core/metricValues.js';
import { createMetricSet } from '../../src/core/types.js';

// Milliseconds of 2026: beyond 2^31, where a number field would have needed a HeapNumber.
const started = Date.UTC(2026, 10, 28, 6, 0, 0, 123);

describe('metric sets', () => {
  it('start with the times given, 0 for those not given', () => {
    const set = createMetricSet({ type: 'pod' }, { collectionStartTime: started, scrapeTime: started + 60_001 });
    expect(set.collectionStartTime).toBe(started);
    expect(set.scrapeTime).toBe(started + 60_001);
    expect(set.entityCreateTime).toBe(0);
    const bare = createMetricSet({ type: 'node' });
    expect([bare.collectionStartTime, bare.scrapeTime, bare.entityCreateTime]).toEqual([0, 0, 0]);
  });

  it('keep each time apart from the others, from the values and from other sets', () => {
    const sets = Array.from({ length: 3000 }, (_, i) => createMetricSet({ type: 'pod_container' }, { collectionStartTime: started + i }));
    for (const [i, set] of sets.entries()) {
      for (let column = 0; column < metricColumnCount; column++) set.metricValues.set(metricColumnName(column), i);
      set.entityCreateTime = started - i;
      set.scrapeTime = started + 2 * i;
    }
    for (const [i, set] of sets.entries()) {
      expect([set.collectionStartTime, set.scrapeTime, set.entityCreateTime]).toEqual([started + i, started + 2 * i, started - i]);
      expect(set.metricValues.size).toBe(metricColumnCount);
      expect([...set.metricValues.values()].every((value) => value === i)).toBe(true);
    }
  });

  it('compare with toEqual by labels, values and times', () => {
    const set = createMetricSet({ type: 'node', nodename: 'n1' }, { scrapeTime: started });
    set.metricValues.set('cpu/usage', 5);
    set.labeledMetrics.add('filesystem/usage', { resource_id: '/' }, 7);
    const same = createMetricSet({ type: 'node', nodename: 'n1' }, { scrapeTime: started });
    same.metricValues.set('cpu/usage', 5);
    same.labeledMetrics.add('filesystem/usage', { resource_id: '/' }, 7);
    expect(set).toEqual(same);
    expect(set).toEqual({
      labels: { type: 'node', nodename: 'n1' },
      metricValues: new Map([['cpu/usage', 5]]),
      labeledMetrics: [{ name: 'filesystem/usage', labels: { resource_id: '/' }, value: 7 }],
      collectionStartTime: 0,
      scrapeTime: started,
      entityCreateTime: 0,
    });
    same.metricValues.set('cpu/usage', 6);
    expect(set).not.toEqual(same);
    same.metricValues.set('cpu/usage', 5);
    same.labeledMetrics.add('filesystem/usage', { resource_id: 'logs' }, 1);
    expect(set).not.toEqual(same);
    const timed = createMetricSet({ type: 'node', nodename: 'n1' }, { scrapeTime: started });
    timed.metricValues.set('cpu/usage', 5);
    timed.labeledMetrics.add('filesystem/usage', { resource_id: '/' }, 7);
    timed.entityCreateTime = started;
    expect(set).not.toEqual(timed);
  });
});
