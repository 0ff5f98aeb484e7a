import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { metricTypesOf } from '../../src/core/metrics.js';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createLabelCopier } from '../../src/processors/labelCopier.js';
import { createNodeAutoscalingEnricher } from '../../src/processors/nodeAutoscalingEnricher.js';
import { createListers, fixtureListers, fixtureNodes } from '../helpers/listers.js';
import { batchOf, nodeEntry, setAt } from './builders.js';

const minikube = fixtureNodes().find((n) => n.metadata?.name === 'minikube')!;

/** `8039936Ki` → bytes, read by hand from the fixture so the test does not reuse the parser under test. */
function kibibytes(raw: string): number {
  expect(raw).toMatch(/^\d+Ki$/);
  return Number(raw.slice(0, -2)) * 1024;
}

function values(batch: ReturnType<typeof batchOf>, key = 'node:minikube'): Record<string, number> {
  return Object.fromEntries(setAt(batch, key).metricValues);
}

describe('node autoscaling enricher', () => {
  it('computes capacity, allocatable, utilisation and reservation of the fixture node minikube', () => {
    const { capacity, allocatable } = minikube.status as { capacity: Record<string, string>; allocatable: Record<string, string> };
    const cpuMillicores = (raw: string) => Number(raw) * 1000;
    const inputs = {
      'cpu/usage_rate': 1_234,
      'cpu/request': 1_050,
      'memory/usage': 2_000_000_000,
      'memory/request': 545_259_520,
      'ephemeral_storage/usage': 10_000_000_000,
      'ephemeral_storage/request': 0,
    };
    const batch = batchOf(0, [nodeEntry('minikube', inputs)]);
    createNodeAutoscalingEnricher({ nodeLister: fixtureListers(), labelCopier: createLabelCopier() }).process(batch);

    const cpu = cpuMillicores(allocatable.cpu!);
    const memory = kibibytes(allocatable.memory!);
    const storage = kibibytes(allocatable['ephemeral-storage']!);
    expect(cpu).toBe(5_000);
    expect(values(batch)).toEqual({
      ...inputs,
      'cpu/node_capacity': cpuMillicores(capacity.cpu!),
      'cpu/node_allocatable': cpu,
      'cpu/node_utilization': inputs['cpu/usage_rate'] / cpu,
      'cpu/node_reservation': inputs['cpu/request'] / cpu,
      'memory/node_capacity': kibibytes(capacity.memory!),
      'memory/node_allocatable': memory,
      'memory/node_utilization': inputs['memory/usage'] / memory,
      'memory/node_reservation': inputs['memory/request'] / memory,
      'ephemeral_storage/node_capacity': kibibytes(capacity['ephemeral-storage']!),
      'ephemeral_storage/node_allocatable': storage,
      'ephemeral_storage/node_utilization': inputs['ephemeral_storage/usage'] / storage,
      'ephemeral_storage/node_reservation': 0,
    });
    for (const name of setAt(batch, 'node:minikube').metricValues.keys()) {
      if (name.includes('/node_')) expect(metricTypesOf(name)).toEqual({ metricType: 'gauge', valueType: 'float' });
    }
  });

  it('writes the node labels through the label copier, with stored labels', () => {
    const batch = batchOf(0, [nodeEntry('minikube')]);
    const labelCopier = createLabelCopier({ separator: '|', storeLabels: ['arch=kubernetes.io/arch'], ignoreLabels: ['minikube.k8s.io/commit'] });
    createNodeAutoscalingEnricher({ nodeLister: fixtureListers(), labelCopier }).process(batch);
    const labels = setAt(batch, 'node:minikube').labels;
    const expected = Object.entries(minikube.metadata!.labels!)
      .filter(([k]) => k !== 'minikube.k8s.io/commit')
      .map(([k, v]) => `${k}:${v}`)
      .sort()
      .join('|');
    expect(labels.labels).toBe(expected);
    expect(labels.labels!.startsWith('beta.kubernetes.io/arch:arm64|')).toBe(true);
    expect(labels.arch).toBe('arm64');
  });

  it('counts missing inputs as 0', () => {
    const batch = batchOf(0, [nodeEntry('minikube')]);
    createNodeAutoscalingEnricher({ nodeLister: fixtureListers(), labelCopier: createLabelCopier() }).process(batch);
    expect(values(batch)).toMatchObject({ 'cpu/node_utilization': 0, 'memory/node_reservation': 0, 'ephemeral_storage/node_utilization': 0 });
  });

  it('omits utilisation and reservation when allocatable is 0 but still writes capacity and allocatable', () => {
    const node: V1Node = {
      metadata: { name: 'empty' },
      status: { capacity: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '10Gi' }, allocatable: { cpu: '0', memory: '0', 'ephemeral-storage': '0' } },
    };
    const batch = batchOf(0, [nodeEntry('empty', { 'cpu/usage_rate': 5 })]);
    createNodeAutoscalingEnricher({ nodeLister: createListers({ nodes: [node] }), labelCopier: createLabelCopier() }).process(batch);
    expect(values(batch, 'node:empty')).toEqual({
      'cpu/usage_rate': 5,
      'cpu/node_capacity': 2_000,
      'cpu/node_allocatable': 0,
      'memory/node_capacity': 2 ** 30,
      'memory/node_allocatable': 0,
      'ephemeral_storage/node_capacity': 10 * 2 ** 30,
      'ephemeral_storage/node_allocatable': 0,
    });
  });

  it('writes no ephemeral-storage metrics unless both capacity and allocatable list ephemeral-storage', () => {
    const node: V1Node = {
      metadata: { name: 'n1', labels: {} },
      status: { capacity: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '10Gi' }, allocatable: { cpu: '1', memory: '1Gi' } },
    };
    const batch = batchOf(0, [nodeEntry('n1')]);
    createNodeAutoscalingEnricher({ nodeLister: createListers({ nodes: [node] }), labelCopier: createLabelCopier() }).process(batch);
    expect(Object.keys(values(batch, 'node:n1')).filter((k) => k.startsWith('ephemeral_storage/'))).toEqual([]);
    expect(setAt(batch, 'node:n1').labels.labels).toBe('');
  });

  it('leaves node sets of unknown nodes alone and ignores nodes without a set', () => {
    const [k, set] = nodeEntry('other');
    const batch = batchOf(0, [[k, set]]);
    createNodeAutoscalingEnricher({ nodeLister: fixtureListers(), labelCopier: createLabelCopier() }).process(batch);
    expect(set.metricValues.size).toBe(0);
    expect(set.labels.labels).toBeUndefined();
    expect(batch.metricSets.size).toBe(1);
  });

  it('reports an allocatable quantity that does not parse and counts it as 0', () => {
    const skips: ProcessorSkip[] = [];
    const node: V1Node = { metadata: { name: 'n1' }, status: { capacity: { cpu: '1' }, allocatable: { cpu: 'one' } } };
    const batch = batchOf(0, [nodeEntry('n1')]);
    createNodeAutoscalingEnricher({ nodeLister: createListers({ nodes: [node] }), labelCopier: createLabelCopier(), onSkip: (s) => skips.push(s) }).process(batch);
    expect(values(batch, 'node:n1')['cpu/node_allocatable']).toBe(0);
    expect(skips).toContainEqual({ processor: 'node_autoscaling_enricher', reason: 'invalid_quantity', key: 'node:n1', metric: 'allocatable.cpu' });
  });
});
