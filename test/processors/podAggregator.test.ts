import { describe, expect, it } from 'vitest';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createPodAggregator } from '../../src/processors/podAggregator.js';
import { batchOf, containerEntry, podEntry, setAt } from './builders.js';

const podSetKey = 'namespace:default/pod:web';

describe('pod aggregator', () => {
  it('sums container gauges, rates, requests, limits, restart counts and custom metrics into the pod', () => {
    const batch = batchOf(0, [
      podEntry('default', 'web'),
      containerEntry('default', 'web', 'a', {
        'memory/usage': 100,
        'cpu/usage_rate': 20,
        'network/rx_rate': 1.5,
        'cpu/request': 100,
        restart_count: 1,
        'custom/qps': 3,
      }),
      containerEntry('default', 'web', 'b', {
        'memory/usage': 50,
        'cpu/usage_rate': 5,
        'network/rx_rate': 0.25,
        'cpu/request': 200,
        restart_count: 2,
      }),
    ]);
    createPodAggregator().process(batch);
    const pod = setAt(batch, podSetKey);
    expect(Object.fromEntries(pod.metricValues)).toEqual({
      'memory/usage': 150,
      'cpu/usage_rate': 25,
      'network/rx_rate': 1.75,
      'cpu/request': 300,
      restart_count: 3,
      'custom/qps': 3,
    });
  });

  it('keeps a value the pod set already had instead of adding its containers (master rule)', () => {
    const batch = batchOf(0, [
      podEntry('default', 'web', { 'memory/usage': 1_000, 'cpu/usage_rate': 40 }),
      containerEntry('default', 'web', 'a', { 'memory/usage': 100, 'cpu/usage_rate': 10, 'memory/request': 64 }),
      containerEntry('default', 'web', 'b', { 'memory/usage': 200, 'cpu/usage_rate': 20, 'memory/request': 32 }),
    ]);
    createPodAggregator().process(batch);
    const pod = setAt(batch, podSetKey);
    expect(pod.metricValues.get('memory/usage')).toBe(1_000);
    expect(pod.metricValues.get('cpu/usage_rate')).toBe(40);
    expect(pod.metricValues.get('memory/request')).toBe(96);
  });

  it('never sums cumulative standard metrics or labeled metrics', () => {
    const [ck, container] = containerEntry('default', 'web', 'a', {
      uptime: 5_000,
      'cpu/usage': 9e9,
      'memory/page_faults': 10,
      'network/rx': 100,
      'memory/working_set': 7,
    });
    container.labeledMetrics.push({ name: 'filesystem/usage', labels: { resource_id: '/' }, value: 4096 });
    const batch = batchOf(0, [podEntry('default', 'web'), [ck, container]]);
    createPodAggregator().process(batch);
    const pod = setAt(batch, podSetKey);
    expect([...pod.metricValues.keys()]).toEqual(['memory/working_set']);
    expect(pod.labeledMetrics).toEqual([]);
  });

  it('sums containers of a pod that are not next to each other in the batch as if they were', () => {
    const batch = batchOf(0, [
      podEntry('default', 'web', { 'memory/usage': 1_000, 'custom/qps': 7 }),
      podEntry('default', 'db'),
      containerEntry('default', 'web', 'a', { 'memory/usage': 100, 'cpu/usage_rate': 10, 'custom/qps': 1, 'custom/errors': 2 }),
      containerEntry('default', 'db', 'a', { 'cpu/usage_rate': 1 }),
      containerEntry('default', 'web', 'b', { 'memory/usage': 200, 'cpu/usage_rate': 20, 'custom/qps': 1, 'custom/errors': 3 }),
      containerEntry('default', 'db', 'b', { 'cpu/usage_rate': 2 }),
    ]);
    createPodAggregator().process(batch);
    expect(Object.fromEntries(setAt(batch, podSetKey).metricValues)).toEqual({
      'memory/usage': 1_000,
      'cpu/usage_rate': 30,
      'custom/qps': 7,
      'custom/errors': 5,
    });
    expect(Object.fromEntries(setAt(batch, 'namespace:default/pod:db').metricValues)).toEqual({ 'cpu/usage_rate': 3 });
  });

  it('sums into the pod set just before the containers only when it is stored under their pod key', () => {
    const [, stale] = podEntry('default', 'web', { 'memory/usage': 1 });
    const batch = batchOf(0, [['namespace:default/pod:web-old', stale], containerEntry('default', 'web', 'a', { 'memory/usage': 10 })]);
    createPodAggregator().process(batch);
    expect(stale.metricValues.get('memory/usage')).toBe(1);
    expect(setAt(batch, podSetKey).metricValues.get('memory/usage')).toBe(10);
  });

  it('does not change the container values it summed', () => {
    const [ak, a] = containerEntry('default', 'web', 'a', { 'memory/usage': 100 });
    const [bk, b] = containerEntry('default', 'web', 'b', { 'memory/usage': 50 });
    createPodAggregator().process(batchOf(0, [podEntry('default', 'web'), [ak, a], [bk, b]]));
    expect(a.metricValues.get('memory/usage')).toBe(100);
    expect(b.metricValues.get('memory/usage')).toBe(50);
  });

  it('creates a missing pod set with the container pod labels, including nodename', () => {
    const batch = batchOf(0, [
      containerEntry('default', 'web', 'a', { 'memory/usage': 100 }, { pod_id: 'uid-1', namespace_id: 'ns-1', host_id: 'h', container_base_image: 'img' }),
    ]);
    createPodAggregator().process(batch);
    const pod = setAt(batch, podSetKey);
    expect(pod.labels).toEqual({
      type: 'pod',
      pod_id: 'uid-1',
      pod_name: 'web',
      namespace_name: 'default',
      namespace_id: 'ns-1',
      hostname: 'minikube',
      host_id: 'h',
      nodename: 'minikube',
    });
    expect(pod.metricValues.get('memory/usage')).toBe(100);
  });

  it('skips containers without pod labels and reports them', () => {
    const skips: ProcessorSkip[] = [];
    const [k, container] = containerEntry('default', 'web', 'a', { 'memory/usage': 1 });
    delete container.labels.pod_name;
    const batch = batchOf(0, [[k, container]]);
    createPodAggregator({ onSkip: (s) => skips.push(s) }).process(batch);
    expect(batch.metricSets.size).toBe(1);
    expect(skips).toEqual([{ processor: 'pod_aggregator', reason: 'missing_labels', key: k }]);
  });
});
