import { describe, expect, it } from 'vitest';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createNodeAggregator } from '../../src/processors/nodeAggregator.js';
import { createPodAggregator } from '../../src/processors/podAggregator.js';
import { batchOf, containerEntry, nodeEntry, podEntry, setAt } from './builders.js';

describe('node aggregator', () => {
  it('sums pod requests and limits, including ephemeral storage, into the existing node set', () => {
    const batch = batchOf(0, [
      nodeEntry('minikube', { 'memory/usage': 5_000, 'cpu/usage_rate': 900 }),
      podEntry('a', 'p', { 'cpu/request': 100, 'memory/limit': 64, 'ephemeral_storage/request': 10, 'memory/usage': 1 }),
      podEntry('b', 'q', { 'cpu/request': 250, 'cpu/limit': 500, 'ephemeral_storage/limit': 20, 'cpu/usage_rate': 3 }),
    ]);
    createNodeAggregator().process(batch);
    expect(Object.fromEntries(setAt(batch, 'node:minikube').metricValues)).toEqual({
      'memory/usage': 5_000,
      'cpu/usage_rate': 900,
      'cpu/request': 350,
      'cpu/limit': 500,
      'memory/limit': 64,
      'ephemeral_storage/request': 10,
      'ephemeral_storage/limit': 20,
    });
  });

  it('counts a pod set the pod aggregator created, because it keeps the container nodename', () => {
    const batch = batchOf(0, [nodeEntry('minikube'), containerEntry('a', 'p', 'c', { 'cpu/request': 100 })]);
    createPodAggregator().process(batch);
    createNodeAggregator().process(batch);
    expect(setAt(batch, 'namespace:a/pod:p').labels.nodename).toBe('minikube');
    expect(setAt(batch, 'node:minikube').metricValues.get('cpu/request')).toBe(100);
  });

  it('sums pods of several nodes in any order into their own node sets, and reports each pod of a node without one', () => {
    const skips: ProcessorSkip[] = [];
    const pod = (name: string, node: string, cpu: number) => podEntry('a', name, { 'cpu/request': cpu }, { nodename: node });
    const entries = [nodeEntry('n1'), nodeEntry('n2'), pod('p1', 'n1', 1), pod('p2', 'n1', 2), pod('p3', 'n2', 4), pod('p4', 'gone', 8), pod('p5', 'gone', 16), pod('p6', 'n1', 32)];
    const batch = batchOf(0, entries);
    createNodeAggregator({ onSkip: (s) => skips.push(s) }).process(batch);
    expect(setAt(batch, 'node:n1').metricValues.get('cpu/request')).toBe(1 + 2 + 32);
    expect(setAt(batch, 'node:n2').metricValues.get('cpu/request')).toBe(4);
    expect(skips.map((s) => s.key)).toEqual([entries[5]![0], entries[6]![0]]);
  });

  it('never creates a node set, and reports pods whose node has none', () => {
    const skips: ProcessorSkip[] = [];
    const [k, pod] = podEntry('a', 'p', { 'cpu/request': 100 });
    const batch = batchOf(0, [[k, pod]]);
    createNodeAggregator({ onSkip: (s) => skips.push(s) }).process(batch);
    expect([...batch.metricSets.keys()]).toEqual([k]);
    expect(skips).toEqual([{ processor: 'node_aggregator', reason: 'node_set_not_found', key: k }]);
  });

  it('ignores pods with an empty nodename', () => {
    const [k, pod] = podEntry('a', 'p', { 'cpu/request': 100 }, { nodename: '' });
    const batch = batchOf(0, [nodeEntry('minikube'), [k, pod]]);
    createNodeAggregator().process(batch);
    expect(setAt(batch, 'node:minikube').metricValues.size).toBe(0);
  });
});
