import { describe, expect, it } from 'vitest';
import { floatGauge, intGauge } from '../../src/core/types.js';
import { ProcessorError, type ProcessorSkip } from '../../src/processors/errors.js';
import { createNodeAggregator } from '../../src/processors/nodeAggregator.js';
import { createPodAggregator } from '../../src/processors/podAggregator.js';
import { batchOf, containerEntry, nodeEntry, podEntry, setAt } from './builders.js';

describe('node aggregator', () => {
  it('sums pod requests and limits, including ephemeral storage, into the existing node set', () => {
    const batch = batchOf(0, [
      nodeEntry('minikube', { 'memory/usage': intGauge(5_000), 'cpu/usage_rate': intGauge(900) }),
      podEntry('a', 'p', { 'cpu/request': intGauge(100), 'memory/limit': intGauge(64), 'ephemeral_storage/request': intGauge(10), 'memory/usage': intGauge(1) }),
      podEntry('b', 'q', { 'cpu/request': intGauge(250), 'cpu/limit': intGauge(500), 'ephemeral_storage/limit': intGauge(20), 'cpu/usage_rate': intGauge(3) }),
    ]);
    createNodeAggregator().process(batch);
    expect(Object.fromEntries(setAt(batch, 'node:minikube').metricValues)).toEqual({
      'memory/usage': intGauge(5_000),
      'cpu/usage_rate': intGauge(900),
      'cpu/request': intGauge(350),
      'cpu/limit': intGauge(500),
      'memory/limit': intGauge(64),
      'ephemeral_storage/request': intGauge(10),
      'ephemeral_storage/limit': intGauge(20),
    });
  });

  it('counts a pod set the pod aggregator created, because it keeps the container nodename', () => {
    const batch = batchOf(0, [nodeEntry('minikube'), containerEntry('a', 'p', 'c', { 'cpu/request': intGauge(100) })]);
    createPodAggregator().process(batch);
    createNodeAggregator().process(batch);
    expect(setAt(batch, 'namespace:a/pod:p').labels.nodename).toBe('minikube');
    expect(setAt(batch, 'node:minikube').metricValues.get('cpu/request')).toEqual(intGauge(100));
  });

  it('never creates a node set, and reports pods whose node has none', () => {
    const skips: ProcessorSkip[] = [];
    const [k, pod] = podEntry('a', 'p', { 'cpu/request': intGauge(100) });
    const batch = batchOf(0, [[k, pod]]);
    createNodeAggregator({ onSkip: (s) => skips.push(s) }).process(batch);
    expect([...batch.metricSets.keys()]).toEqual([k]);
    expect(skips).toEqual([{ processor: 'node_aggregator', reason: 'node_set_not_found', key: k }]);
  });

  it('ignores pods with an empty nodename', () => {
    const [k, pod] = podEntry('a', 'p', { 'cpu/request': intGauge(100) }, { nodename: '' });
    const batch = batchOf(0, [nodeEntry('minikube'), [k, pod]]);
    createNodeAggregator().process(batch);
    expect(setAt(batch, 'node:minikube').metricValues.size).toBe(0);
  });

  it('drops the batch on a value-type mismatch, as Heapster aggregate did', () => {
    const batch = batchOf(0, [nodeEntry('minikube', { 'cpu/request': floatGauge(1) }), podEntry('a', 'p', { 'cpu/request': intGauge(100) })]);
    expect(() => createNodeAggregator().process(batch)).toThrow(ProcessorError);
  });
});
