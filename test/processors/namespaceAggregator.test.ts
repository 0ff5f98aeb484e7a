import { describe, expect, it } from 'vitest';
import { floatGauge, intGauge } from '../../src/core/types.js';
import { ProcessorError, type ProcessorSkip } from '../../src/processors/errors.js';
import { createNamespaceAggregator } from '../../src/processors/namespaceAggregator.js';
import { batchOf, podEntry, setAt } from './builders.js';

describe('namespace aggregator', () => {
  it('sums the six namespace metrics of every pod into a namespace set carrying the first pod namespace_id', () => {
    const batch = batchOf(0, [
      podEntry('shop', 'a', { 'cpu/usage_rate': intGauge(10), 'memory/usage': intGauge(100), 'cpu/request': intGauge(50), 'memory/limit': intGauge(1_000) }, { namespace_id: 'ns-uid' }),
      podEntry('shop', 'b', { 'cpu/usage_rate': intGauge(5), 'memory/usage': intGauge(20), 'cpu/limit': intGauge(500), 'memory/request': intGauge(64) }, { namespace_id: 'ns-uid' }),
      podEntry('other', 'c', { 'memory/usage': intGauge(7) }),
    ]);
    createNamespaceAggregator().process(batch);
    const shop = setAt(batch, 'namespace:shop');
    expect(shop.labels).toEqual({ type: 'ns', namespace_name: 'shop', namespace_id: 'ns-uid' });
    expect(Object.fromEntries(shop.metricValues)).toEqual({
      'cpu/usage_rate': intGauge(15),
      'memory/usage': intGauge(120),
      'cpu/request': intGauge(50),
      'cpu/limit': intGauge(500),
      'memory/request': intGauge(64),
      'memory/limit': intGauge(1_000),
    });
    expect(setAt(batch, 'namespace:other').labels.namespace_id).toBe('');
    expect(Object.fromEntries(setAt(batch, 'namespace:other').metricValues)).toEqual({ 'memory/usage': intGauge(7) });
  });

  it('aggregates only the six metrics, never network or filesystem ones', () => {
    const [k, pod] = podEntry('shop', 'a', { 'network/rx_rate': floatGauge(5), 'memory/working_set': intGauge(3), 'memory/usage': intGauge(4) });
    pod.labeledMetrics.push({ name: 'filesystem/usage', labels: { resource_id: 'Volume:data' }, ...intGauge(10) });
    const batch = batchOf(0, [[k, pod]]);
    createNamespaceAggregator().process(batch);
    const shop = setAt(batch, 'namespace:shop');
    expect([...shop.metricValues.keys()]).toEqual(['memory/usage']);
    expect(shop.labeledMetrics).toEqual([]);
  });

  it('drops the batch with a value_type_mismatch error when pods disagree on a value type', () => {
    const batch = batchOf(0, [podEntry('shop', 'a', { 'memory/usage': intGauge(4) }), podEntry('shop', 'b', { 'memory/usage': floatGauge(0.5) })]);
    let caught: unknown;
    try {
      createNamespaceAggregator().process(batch);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProcessorError);
    expect((caught as ProcessorError).code).toBe('value_type_mismatch');
    expect((caught as ProcessorError).context).toEqual({ processor: 'namespace_aggregator', key: 'namespace:shop/pod:b', metric: 'memory/usage' });
  });

  it('skips pods without a namespace_name and reports them', () => {
    const skips: ProcessorSkip[] = [];
    const [k, pod] = podEntry('shop', 'a', { 'memory/usage': intGauge(4) });
    delete pod.labels.namespace_name;
    const batch = batchOf(0, [[k, pod]]);
    createNamespaceAggregator({ onSkip: (s) => skips.push(s) }).process(batch);
    expect(batch.metricSets.size).toBe(1);
    expect(skips).toEqual([{ processor: 'namespace_aggregator', reason: 'missing_labels', key: k }]);
  });
});
