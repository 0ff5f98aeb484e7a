import { describe, expect, it } from 'vitest';
import { podContainerKey } from '../../src/core/keys.js';
import { parseIntQuantity, parseMilliQuantity } from '../../src/core/quantity.js';
import type { DataBatch, MetricSet } from '../../src/core/types.js';
import { ProcessorError, type ProcessorSkip } from '../../src/processors/errors.js';
import { createProcessors, runProcessors, type ProcessorOptions } from '../../src/processors/pipeline.js';
import type { Processor } from '../../src/processors/types.js';
import { createListers, fixtureListers, fixturePods } from '../helpers/listers.js';
import { batchOf, containerEntry, nodeEntry, setAt } from './builders.js';
import { defineProcessor } from '../../src/processors/define.js';
import { itemsPerStep } from '../../src/core/slices.js';

const scheduledPods = fixturePods().filter((p) => p.spec?.nodeName === 'minikube');
const cpuCoresPerContainer = 0.01;

/** What the summary source would give for the fixture cluster at `timeMs`: node and container sets only. */
function sourceBatch(timeMs: number): DataBatch {
  const entries: Array<[string, MetricSet]> = [nodeEntry('minikube', { 'memory/usage': 3_000_000_000, 'cpu/usage': timeMs * 1e6 })];
  for (const pod of scheduledPods) {
    for (const container of pod.spec!.containers) {
      const [key, set] = containerEntry(pod.metadata!.namespace!, pod.metadata!.name!, container.name, {
        'cpu/usage': Math.round(timeMs * 1e6 * cpuCoresPerContainer),
        'memory/usage': 1_000_000,
      });
      set.scrapeTime = timeMs;
      entries.push([key, set]);
    }
  }
  entries[0]![1].scrapeTime = timeMs;
  return batchOf(timeMs, entries);
}

function sumOver(pods: typeof scheduledPods, read: (q: Record<string, string>) => number): number {
  return pods.flatMap((p) => p.spec!.containers).reduce((total, c) => total + read(c.resources?.requests ?? {}), 0);
}
const cpuRequest = (r: Record<string, string>) => (r.cpu === undefined ? 0 : parseMilliQuantity(r.cpu)!);
const memoryRequest = (r: Record<string, string>) => (r.memory === undefined ? 0 : parseIntQuantity(r.memory)!);

describe('processor pipeline', () => {
  it('runs Heapster processors in Heapster order with the workload aggregator after the namespace aggregator', () => {
    expect(createProcessors({ listers: createListers() }).map((p) => p.name)).toEqual([
      'rate calculator',
      'pod_based_enricher',
      'namespace_based_enricher',
      'pod_aggregator',
      'namespace_aggregator',
      'workload_aggregator',
      'node_aggregator',
      'cluster_aggregator',
      'node_autoscaling_enricher',
    ]);
  });

  it('turns two scrapes of the fixture cluster into rates, pods, namespaces, workloads, node and cluster totals', () => {
    const skips: ProcessorSkip[] = [];
    const processors = createProcessors({ listers: fixtureListers(), onSkip: (s) => skips.push(s) });
    const start = Date.parse('2022-12-27T23:32:00Z');
    runProcessors(processors, sourceBatch(start));
    const batch = runProcessors(processors, sourceBatch(start + 60_000));

    const coredns = setAt(batch, podContainerKey('kube-system', 'coredns-787d4945fb-m5cbw', 'coredns'));
    expect(coredns.metricValues.get('cpu/usage_rate')).toBe(1000 * cpuCoresPerContainer);
    expect(coredns.labels.namespace_id).toBe('a5f414d5-3583-46bd-a944-eedb5b617a20');

    const podSet = setAt(batch, 'namespace:kube-system/pod:coredns-787d4945fb-m5cbw');
    expect(podSet.labels).toMatchObject({ nodename: 'minikube', labels: 'k8s-app:kube-dns,pod-template-hash:787d4945fb' });
    expect(podSet.metricValues.get('cpu/request')).toBe(100);

    for (const namespace of ['kube-system', 'scraper']) {
      const pods = scheduledPods.filter((p) => p.metadata!.namespace === namespace);
      const set = setAt(batch, `namespace:${namespace}`);
      expect(set.metricValues.get('cpu/request')).toBe(sumOver(pods, cpuRequest));
      expect(set.metricValues.get('memory/request')).toBe(sumOver(pods, memoryRequest));
      expect(set.metricValues.get('cpu/usage_rate')).toBe(pods.length * 10);
    }

    const node = setAt(batch, 'node:minikube');
    const totalCpuRequest = sumOver(scheduledPods, cpuRequest);
    expect(node.metricValues.get('cpu/request')).toBe(totalCpuRequest);
    expect(node.metricValues.get('cpu/node_reservation')).toBe(totalCpuRequest / 5_000);
    expect(node.metricValues.get('cpu/node_utilization')).toBe(1_000 / 5_000);

    const cluster = setAt(batch, 'cluster');
    expect(cluster.metricValues.get('cpu/request')).toBe(totalCpuRequest);
    expect(cluster.metricValues.get('memory/usage')).toBe(scheduledPods.length * 1_000_000);

    expect(setAt(batch, 'namespace:kube-system/deployment:coredns').metricValues.get('cpu/request')).toBe(100);
    expect(setAt(batch, 'namespace:scraper/statefulset:e2e-statefulset').metricValues.get('memory/usage')).toBe(2_000_000);
    expect(skips).toEqual([]);
  });

  it('passes a ProcessorError through and wraps anything else a processor throws as processor_failed', () => {
    const failing: Processor = defineProcessor('broken', function* () {
      throw new TypeError('boom');
    });
    let caught: unknown;
    try {
      runProcessors([failing], batchOf(0, []));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProcessorError);
    expect((caught as ProcessorError).code).toBe('processor_failed');
    expect((caught as ProcessorError).context).toEqual({ processor: 'broken' });
    expect((caught as ProcessorError).cause).toBeInstanceOf(TypeError);

    const own = new ProcessorError('invalid_option', 'x');
    const rejecting: Processor = defineProcessor('strict', function* () {
      throw own;
    });
    expect(() => runProcessors([rejecting], batchOf(0, []))).toThrow(own);
  });

  it.each([
    ['listers', { listers: undefined }, 'listers: expected an object, received undefined'],
    ['a lister method', { listers: { ...createListers(), getJob: 1 } }, 'listers.getJob: expected a function, received number'],
    ['labelSeparator', { labelSeparator: 5 }, 'labelSeparator: expected a string, received number'],
    ['ignoreLabels', { ignoreLabels: 'app' }, 'ignoreLabels: expected an array of label names, received "app"'],
    ['an empty storeLabels item', { storeLabels: ['app', ''] }, 'storeLabels[1]: expected a non-empty string, received ""'],
    ['a malformed storeLabels item', { storeLabels: ['new='] }, 'storeLabels: expected "name" or "newName=name", received "new="'],
    ['onSkip', { onSkip: true }, 'onSkip: expected a function, received boolean'],
  ])('rejects invalid %s, naming the option and what it received', (_, override, message) => {
    const options = { listers: createListers(), ...override } as unknown as ProcessorOptions;
    let caught: unknown;
    try {
      createProcessors(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProcessorError);
    expect((caught as ProcessorError).code).toBe('invalid_option');
    expect((caught as ProcessorError).message).toBe(message);
  });
});

describe('processors in slices', () => {
  /** Many containers per fixture pod, so a batch spans several steps of every processor. */
  function wideBatch(timeMs: number): DataBatch {
    const batch = sourceBatch(timeMs);
    for (const pod of scheduledPods) {
      for (let i = 0; i < 60; i++) {
        const [key, set] = containerEntry(pod.metadata!.namespace!, pod.metadata!.name!, `extra-${i}`, {
          'cpu/usage': Math.round(timeMs * 1e6 * (i + 1) * 1e-3),
          'memory/usage': 1_000 * (i + 1),
        });
        set.scrapeTime = timeMs;
        batch.metricSets.set(key, set);
      }
    }
    return batch;
  }

  it('give the same batch when run in slices with pauses as when run at once', async () => {
    const start = Date.parse('2022-12-27T23:32:00Z');
    const atOnce = createProcessors({ listers: fixtureListers() });
    const sliced = createProcessors({ listers: fixtureListers() });
    expect(wideBatch(start).metricSets.size).toBeGreaterThan(itemsPerStep * 2);

    runProcessors(atOnce, wideBatch(start));
    const expected = runProcessors(atOnce, wideBatch(start + 60_000));
    let pauses = 0;
    for (const minute of [0, 1]) {
      let batch = wideBatch(start + minute * 60_000);
      for (const processor of sliced) {
        const steps = processor.steps(batch);
        let next = steps.next();
        for (; !next.done; next = steps.next()) pauses++;
        batch = next.value;
      }
      if (minute === 1) expect(batch).toEqual(expected);
    }
    expect(pauses).toBeGreaterThan(sliced.length);
  });
});
