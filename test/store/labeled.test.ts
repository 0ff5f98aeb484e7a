import { describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/store/modelStore.js';
import { at, batchOf, labeled, node } from './batches.js';

const usage = 'filesystem/usage';
const limit = 'filesystem/limit';
const nodeKey = 'node:n1';

/** Node n1 at minute m: filesystem usage/limit per resource_id, one point each. */
function nodeWithFilesystems(m: number, devices: readonly string[]) {
  const entry = node('n1', { 'cpu/usage_rate': m });
  for (const [i, device] of devices.entries()) {
    entry[1].labeledMetrics.push(labeled(usage, { resource_id: device }, 1000 * m + i));
    entry[1].labeledMetrics.push(labeled(limit, { resource_id: device }, 5000 + i));
  }
  return entry;
}

describe('labeled metrics', () => {
  const devices = ['/', 'logs', 'Volume:data'];
  const store = createModelStore();
  for (let m = 0; m < 3; m++) store.write(batchOf(at(m), [nodeWithFilesystems(m, devices)]));

  it('returns one series per label set when no labels are given, sorted by labels', () => {
    const all = store.labeledSeries(nodeKey, usage, undefined);
    expect(all.map((s) => s.labels)).toEqual([{ resource_id: '/' }, { resource_id: 'Volume:data' }, { resource_id: 'logs' }]);
    const logs = all.find((s) => s.labels['resource_id'] === 'logs');
    expect(logs?.points).toEqual([0, 1, 2].map((m) => ({ timestamp: at(m), value: 1000 * m + 1 })));
    expect(logs?.valueType).toBe('int64');
    expect(logs?.metricType).toBe('gauge');
  });

  it('matches only label sets of the same size with every pair equal', () => {
    expect(store.labeledSeries(nodeKey, usage, { resource_id: 'logs' }).map((s) => s.labels)).toEqual([{ resource_id: 'logs' }]);
    expect(store.labeledSeries(nodeKey, usage, { resource_id: 'logs', extra: 'x' })).toEqual([]);
    expect(store.labeledSeries(nodeKey, usage, {})).toEqual([]);
    expect(store.labeledSeries(nodeKey, usage, { resource_id: 'sda' })).toEqual([]);
  });

  it('applies the time range to labeled series', () => {
    const [root] = store.labeledSeries(nodeKey, usage, { resource_id: '/' }, { startMs: at(1), endMs: at(1) });
    expect(root?.points).toEqual([{ timestamp: at(1), value: 1000 }]);
  });

  it('lists labeled metric names apart from unlabeled ones', () => {
    expect(store.labeledMetricNames(nodeKey)).toEqual([limit, usage]);
    expect(store.metricNames(nodeKey)).toEqual(['cpu/usage_rate']);
  });

  it('keeps no unlabeled series for a labeled metric name', () => {
    expect(store.series(nodeKey, usage).points).toEqual([]);
  });

  it('returns nothing for an unknown key or metric', () => {
    expect(store.labeledSeries('node:nope', usage, undefined)).toEqual([]);
    expect(store.labeledSeries(nodeKey, 'disk/io_read_bytes', undefined)).toEqual([]);
    expect(store.labeledMetricNames('node:nope')).toEqual([]);
  });

  it('interns label sets independently of key order and matches several labels', () => {
    const accel = createModelStore();
    const gpu = { make: 'nvidia', model: 'tesla', accelerator_id: 'gpu-0' };
    for (let m = 0; m < 2; m++) {
      const entry = node('n1', {});
      // The second batch lists the same pairs in another order.
      const labels = m === 0 ? gpu : { accelerator_id: 'gpu-0', model: 'tesla', make: 'nvidia' };
      entry[1].labeledMetrics.push(labeled('accelerator/duty_cycle', labels, 50 + m));
      entry[1].labeledMetrics.push(labeled('accelerator/duty_cycle', { ...gpu, accelerator_id: 'gpu-1' }, 25));
      accel.write(batchOf(at(m), [entry]));
    }
    const series = accel.labeledSeries(nodeKey, 'accelerator/duty_cycle', { model: 'tesla', accelerator_id: 'gpu-0', make: 'nvidia' });
    expect(series).toHaveLength(1);
    expect(series[0]?.points.map((p) => p.value)).toEqual([50, 51]);
    // The duty cycle is an integer percentage in the catalogue: the column takes the name's type.
    expect(series[0]?.valueType).toBe('int64');
    expect(accel.labeledSeries(nodeKey, 'accelerator/duty_cycle', { make: 'nvidia', model: 'tesla' })).toEqual([]);
    expect(accel.labeledSeries(nodeKey, 'accelerator/duty_cycle', undefined)).toHaveLength(2);
  });

  it('drops a label set whose device disappeared once its points age out', () => {
    const churn = createModelStore({ retentionMs: 3 * 60_000 });
    churn.write(batchOf(at(0), [nodeWithFilesystems(0, ['/', 'Volume:old'])]));
    for (let m = 1; m <= 4; m++) churn.write(batchOf(at(m), [nodeWithFilesystems(m, ['/', `Volume:new-${m}`])]));
    const devicesNow = churn.labeledSeries(nodeKey, usage, undefined).map((s) => s.labels['resource_id']);
    // Retention 3 min at minute 4: minutes 2..4 remain.
    expect(devicesNow).toEqual(['/', 'Volume:new-2', 'Volume:new-3', 'Volume:new-4']);
    expect(churn.labeledSeries(nodeKey, usage, { resource_id: 'Volume:old' })).toEqual([]);
  });

  it('aggregates the pooled points of every matching label set', () => {
    const result = store.aggregate(nodeKey, usage, ['count', 'max', 'min'], { labels: { resource_id: 'logs' } });
    expect(result.buckets).toEqual([{ timestamp: at(0), count: 3, maximum: 2001, minimum: 1 }]);
  });
});
