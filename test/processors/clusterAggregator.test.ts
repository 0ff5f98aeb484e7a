import { describe, expect, it } from 'vitest';
import { floatGauge, intGauge } from '../../src/core/types.js';
import { createClusterAggregator } from '../../src/processors/clusterAggregator.js';
import { ProcessorError } from '../../src/processors/errors.js';
import { batchOf, namespaceEntry, nodeEntry, podEntry, setAt } from './builders.js';

describe('cluster aggregator', () => {
  it('sums the six metrics over namespace sets only', () => {
    const batch = batchOf(0, [
      namespaceEntry('a', { 'cpu/usage_rate': intGauge(10), 'memory/usage': intGauge(100), 'memory/request': intGauge(5) }),
      namespaceEntry('b', { 'cpu/usage_rate': intGauge(1), 'memory/limit': intGauge(9), 'network/rx_rate': floatGauge(3) }),
      nodeEntry('minikube', { 'cpu/usage_rate': intGauge(500) }),
      podEntry('a', 'p', { 'memory/usage': intGauge(100) }),
    ]);
    createClusterAggregator().process(batch);
    const cluster = setAt(batch, 'cluster');
    expect(cluster.labels).toEqual({ type: 'cluster' });
    expect(Object.fromEntries(cluster.metricValues)).toEqual({
      'cpu/usage_rate': intGauge(11),
      'memory/usage': intGauge(100),
      'memory/request': intGauge(5),
      'memory/limit': intGauge(9),
    });
  });

  it('always creates the cluster set, replacing any earlier one', () => {
    const empty = batchOf(0, []);
    createClusterAggregator().process(empty);
    expect(setAt(empty, 'cluster').metricValues.size).toBe(0);

    const [, stale] = namespaceEntry('x', { 'memory/usage': intGauge(1) });
    stale.labels = { type: 'cluster' };
    const batch = batchOf(0, [['cluster', stale], namespaceEntry('a', { 'memory/usage': intGauge(2) })]);
    createClusterAggregator().process(batch);
    expect(setAt(batch, 'cluster').labels).toEqual({ type: 'cluster' });
    expect(setAt(batch, 'cluster').metricValues.get('memory/usage')!.value).toBe(2);
  });

  it('drops the batch on a value-type mismatch between namespaces', () => {
    const batch = batchOf(0, [namespaceEntry('a', { 'memory/usage': intGauge(2) }), namespaceEntry('b', { 'memory/usage': floatGauge(2) })]);
    expect(() => createClusterAggregator().process(batch)).toThrow(ProcessorError);
  });
});
