import { describe, expect, it } from 'vitest';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createNamespaceAggregator } from '../../src/processors/namespaceAggregator.js';
import { batchOf, podEntry, setAt } from './builders.js';

describe('namespace aggregator', () => {
  it('sums the six namespace metrics of every pod into a namespace set carrying the first pod namespace_id', () => {
    const batch = batchOf(0, [
      podEntry('shop', 'a', { 'cpu/usage_rate': 10, 'memory/usage': 100, 'cpu/request': 50, 'memory/limit': 1_000 }, { namespace_id: 'ns-uid' }),
      podEntry('shop', 'b', { 'cpu/usage_rate': 5, 'memory/usage': 20, 'cpu/limit': 500, 'memory/request': 64 }, { namespace_id: 'ns-uid' }),
      podEntry('other', 'c', { 'memory/usage': 7 }),
    ]);
    createNamespaceAggregator().process(batch);
    const shop = setAt(batch, 'namespace:shop');
    expect(shop.labels).toEqual({ type: 'ns', namespace_name: 'shop', namespace_id: 'ns-uid' });
    expect(Object.fromEntries(shop.metricValues)).toEqual({
      'cpu/usage_rate': 15,
      'memory/usage': 120,
      'cpu/request': 50,
      'cpu/limit': 500,
      'memory/request': 64,
      'memory/limit': 1_000,
    });
    expect(setAt(batch, 'namespace:other').labels.namespace_id).toBe('');
    expect(Object.fromEntries(setAt(batch, 'namespace:other').metricValues)).toEqual({ 'memory/usage': 7 });
  });

  it('sums pods of namespaces in any order into their own namespace sets', () => {
    const batch = batchOf(0, [podEntry('shop', 'a', { 'memory/usage': 1 }), podEntry('other', 'b', { 'memory/usage': 2 }), podEntry('shop', 'c', { 'memory/usage': 4 })]);
    createNamespaceAggregator().process(batch);
    expect(setAt(batch, 'namespace:shop').metricValues.get('memory/usage')).toBe(5);
    expect(setAt(batch, 'namespace:other').metricValues.get('memory/usage')).toBe(2);
  });

  it('aggregates only the six metrics, never network or filesystem ones', () => {
    const [k, pod] = podEntry('shop', 'a', { 'network/rx_rate': 5, 'memory/working_set': 3, 'memory/usage': 4 });
    pod.labeledMetrics.push({ name: 'filesystem/usage', labels: { resource_id: 'Volume:data' }, value: 10 });
    const batch = batchOf(0, [[k, pod]]);
    createNamespaceAggregator().process(batch);
    const shop = setAt(batch, 'namespace:shop');
    expect([...shop.metricValues.keys()]).toEqual(['memory/usage']);
    expect(shop.labeledMetrics).toEqual([]);
  });

  it('skips pods without a namespace_name and reports them', () => {
    const skips: ProcessorSkip[] = [];
    const [k, pod] = podEntry('shop', 'a', { 'memory/usage': 4 });
    delete pod.labels.namespace_name;
    const batch = batchOf(0, [[k, pod]]);
    createNamespaceAggregator({ onSkip: (s) => skips.push(s) }).process(batch);
    expect(batch.metricSets.size).toBe(1);
    expect(skips).toEqual([{ processor: 'namespace_aggregator', reason: 'missing_labels', key: k }]);
  });
});
