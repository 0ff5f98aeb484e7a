import { describe, expect, it } from 'vitest';
import { createClusterAggregator } from '../../src/processors/clusterAggregator.js';
import { batchOf, namespaceEntry, nodeEntry, podEntry, setAt } from './builders.js';

describe('cluster aggregator', () => {
  it('sums the six metrics over namespace sets only', () => {
    const batch = batchOf(0, [
      namespaceEntry('a', { 'cpu/usage_rate': 10, 'memory/usage': 100, 'memory/request': 5 }),
      namespaceEntry('b', { 'cpu/usage_rate': 1, 'memory/limit': 9, 'network/rx_rate': 3 }),
      nodeEntry('minikube', { 'cpu/usage_rate': 500 }),
      podEntry('a', 'p', { 'memory/usage': 100 }),
    ]);
    createClusterAggregator().process(batch);
    const cluster = setAt(batch, 'cluster');
    expect(cluster.labels).toEqual({ type: 'cluster' });
    expect(Object.fromEntries(cluster.metricValues)).toEqual({
      'cpu/usage_rate': 11,
      'memory/usage': 100,
      'memory/request': 5,
      'memory/limit': 9,
    });
  });

  it('always creates the cluster set, replacing any earlier one', () => {
    const empty = batchOf(0, []);
    createClusterAggregator().process(empty);
    expect(setAt(empty, 'cluster').metricValues.size).toBe(0);

    const [, stale] = namespaceEntry('x', { 'memory/usage': 1 });
    stale.labels = { type: 'cluster' };
    const batch = batchOf(0, [['cluster', stale], namespaceEntry('a', { 'memory/usage': 2 })]);
    createClusterAggregator().process(batch);
    expect(setAt(batch, 'cluster').labels).toEqual({ type: 'cluster' });
    expect(setAt(batch, 'cluster').metricValues.get('memory/usage')).toBe(2);
  });
});
