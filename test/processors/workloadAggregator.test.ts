import type { V1Job, V1OwnerReference, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { workloadKey } from '../../src/core/keys.js';
import { itemsPerStep } from '../../src/core/slices.js';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createWorkloadAggregator } from '../../src/processors/workloadAggregator.js';
import { resolveWorkload } from '../../src/processors/workloadResolver.js';
import { createListers, fixtureListers, fixturePod, fixturePods } from '../helpers/listers.js';
import { batchOf, podEntry, setAt } from './builders.js';

function owner(kind: string, name: string, controller = true): V1OwnerReference {
  return { apiVersion: kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, name, uid: `${kind}-${name}`, controller };
}

function replicaSet(namespace: string, name: string, owners: V1OwnerReference[] = []): V1ReplicaSet {
  return { metadata: { namespace, name, ownerReferences: owners } };
}

function job(namespace: string, name: string, owners: V1OwnerReference[] = []): V1Job {
  return { metadata: { namespace, name, ownerReferences: owners } };
}

function pod(namespace: string, name: string, owners: V1OwnerReference[], labels: Record<string, string> = {}): V1Pod {
  return { metadata: { namespace, name, uid: `uid-${name}`, labels, ownerReferences: owners }, spec: { containers: [] } };
}

/** The fixture's ReplicaSet owner and pod-template-hash of a pod, read in the test. */
function replicaSetOwnerOf(p: V1Pod): { replicaSet: string; hash: string } {
  return { replicaSet: p.metadata!.ownerReferences!.find((o) => o.kind === 'ReplicaSet')!.name, hash: p.metadata!.labels!['pod-template-hash']! };
}

const usage = (cpu: number, memory: number): Record<string, number> => ({ 'cpu/usage_rate': cpu, 'memory/usage': memory });

describe('workload resolution', () => {
  it('resolves a ReplicaSet found in the lister to the Deployment that controls it', () => {
    const p = fixturePod('scraper', 'e2e-hpa-6f58f7b87f-tx4qd');
    const owners = createListers({ replicaSets: [replicaSet('scraper', 'e2e-hpa-6f58f7b87f', [owner('Deployment', 'e2e-hpa')])] });
    expect(resolveWorkload(p, owners)).toEqual({ kind: 'Deployment', name: 'e2e-hpa' });
  });

  it('takes a ReplicaSet in the lister without a Deployment owner as the workload itself, whatever its name', () => {
    const p = fixturePod('scraper', 'e2e-hpa-6f58f7b87f-tx4qd');
    const owners = createListers({ replicaSets: [replicaSet('scraper', 'e2e-hpa-6f58f7b87f')] });
    expect(resolveWorkload(p, owners)).toEqual({ kind: 'ReplicaSet', name: 'e2e-hpa-6f58f7b87f' });
  });

  it('falls back to the pod-template-hash suffix for every fixture pod of a ReplicaSet missing from the lister', () => {
    const deploymentPods = fixturePods().filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet'));
    expect(deploymentPods.map((p) => p.metadata!.name)).toHaveLength(6);
    for (const p of deploymentPods) {
      const { replicaSet: rs, hash } = replicaSetOwnerOf(p);
      expect(rs.endsWith(`-${hash}`)).toBe(true);
      expect(resolveWorkload(p, createListers())).toEqual({ kind: 'Deployment', name: rs.slice(0, rs.length - hash.length - 1) });
    }
    expect(resolveWorkload(fixturePod('kube-system', 'coredns-787d4945fb-m5cbw'), createListers())).toEqual({ kind: 'Deployment', name: 'coredns' });
  });

  it('keeps a ReplicaSet missing from the lister whose name does not end with the pod-template-hash', () => {
    expect(resolveWorkload(pod('d', 'rs-x-abc', [owner('ReplicaSet', 'rs-x')], { 'pod-template-hash': 'zzz' }), createListers())).toEqual({ kind: 'ReplicaSet', name: 'rs-x' });
    expect(resolveWorkload(pod('d', 'rs-y-abc', [owner('ReplicaSet', 'rs-y')]), createListers())).toEqual({ kind: 'ReplicaSet', name: 'rs-y' });
  });

  it('resolves the fixture StatefulSet and DaemonSet pods to their controllers', () => {
    const listers = fixtureListers();
    expect(resolveWorkload(fixturePod('scraper', 'e2e-statefulset-1'), listers)).toEqual({ kind: 'StatefulSet', name: 'e2e-statefulset' });
    expect(resolveWorkload(fixturePod('kube-system', 'kindnet-5jgd8'), listers)).toEqual({ kind: 'DaemonSet', name: 'kindnet' });
  });

  it('resolves a Job owned by a CronJob to the CronJob, and a Job alone or missing from the lister to itself', () => {
    const owners = createListers({ jobs: [job('batch', 'nightly-28900000', [owner('CronJob', 'nightly')]), job('batch', 'once')] });
    expect(resolveWorkload(pod('batch', 'nightly-28900000-abcde', [owner('Job', 'nightly-28900000')]), owners)).toEqual({ kind: 'CronJob', name: 'nightly' });
    expect(resolveWorkload(pod('batch', 'once-fghij', [owner('Job', 'once')]), owners)).toEqual({ kind: 'Job', name: 'once' });
    expect(resolveWorkload(pod('batch', 'gone-klmno', [owner('Job', 'gone')]), owners)).toEqual({ kind: 'Job', name: 'gone' });
  });

  it('gives no workload to pods without a controller owner or owned by a Node', () => {
    const listers = fixtureListers();
    expect(resolveWorkload(fixturePod('kube-system', 'storage-provisioner'), listers)).toBeUndefined();
    expect(resolveWorkload(fixturePod('kube-system', 'etcd-minikube'), listers)).toBeUndefined();
    expect(resolveWorkload(pod('d', 'p', [owner('StatefulSet', 'db', false)]), listers)).toBeUndefined();
  });
});

describe('workload aggregator', () => {
  it('is named workload_aggregator', () => {
    expect(createWorkloadAggregator({ podLister: createListers(), ownerLister: createListers() }).name).toBe('workload_aggregator');
  });

  it('sums the fixture StatefulSet pods into one workload set with the workload labels', () => {
    const batch = batchOf(0, [
      podEntry('scraper', 'e2e-statefulset-0', { ...usage(3, 1_000), 'cpu/request': 10 }, { namespace_id: 'ns-scraper' }),
      podEntry('scraper', 'e2e-statefulset-1', usage(4, 2_000), { namespace_id: 'ns-scraper' }),
    ]);
    const listers = fixtureListers();
    createWorkloadAggregator({ podLister: listers, ownerLister: listers }).process(batch);
    const workload = setAt(batch, workloadKey('scraper', 'StatefulSet', 'e2e-statefulset'));
    expect(workload.labels).toEqual({
      type: 'workload',
      namespace_name: 'scraper',
      namespace_id: 'ns-scraper',
      workload_kind: 'StatefulSet',
      workload_name: 'e2e-statefulset',
    });
    expect(Object.fromEntries(workload.metricValues)).toEqual({ 'cpu/usage_rate': 7, 'memory/usage': 3_000, 'cpu/request': 10 });
    expect(batch.metricSets.has('namespace:scraper/statefulset:e2e-statefulset')).toBe(true);
  });

  it('creates Deployment, DaemonSet and CronJob workloads and none for pods without a controller', () => {
    const cronPod = pod('scraper', 'report-1-x', [owner('Job', 'report-1')]);
    const listers = fixtureListers({ pods: [cronPod], jobs: [job('scraper', 'report-1', [owner('CronJob', 'report')])] });
    const batch = batchOf(0, [
      podEntry('kube-system', 'coredns-787d4945fb-m5cbw', usage(2, 20)),
      podEntry('kube-system', 'kube-proxy-fcpmc', usage(1, 10)),
      podEntry('kube-system', 'etcd-minikube', usage(30, 300)),
      podEntry('kube-system', 'storage-provisioner', usage(1, 5)),
      podEntry('scraper', 'report-1-x', usage(9, 90)),
    ]);
    createWorkloadAggregator({ podLister: listers, ownerLister: listers }).process(batch);
    const workloads = [...batch.metricSets].filter(([, s]) => s.labels.type === 'workload');
    expect(workloads.map(([k]) => k).sort()).toEqual([
      'namespace:kube-system/daemonset:kube-proxy',
      'namespace:kube-system/deployment:coredns',
      'namespace:scraper/cronjob:report',
    ]);
    expect(setAt(batch, 'namespace:scraper/cronjob:report').metricValues.get('memory/usage')).toBe(90);
  });

  it('does not add a metric a pod lacks', () => {
    const skips: ProcessorSkip[] = [];
    const listers = fixtureListers();
    const batch = batchOf(0, [
      podEntry('kube-system', 'kindnet-5jgd8', { 'memory/usage': 10 }),
      podEntry('scraper', 'e2e-ds-s2h7r', { 'memory/usage': 1 }),
      podEntry('scraper', 'e2e-statefulset-0', { 'memory/usage': 1, 'cpu/usage_rate': 5 }),
      podEntry('scraper', 'e2e-statefulset-1'),
    ]);
    createWorkloadAggregator({ podLister: listers, ownerLister: listers, onSkip: (s) => skips.push(s) }).process(batch);
    expect(Object.fromEntries(setAt(batch, 'namespace:kube-system/daemonset:kindnet').metricValues)).toEqual({ 'memory/usage': 10 });
    expect(Object.fromEntries(setAt(batch, 'namespace:scraper/statefulset:e2e-statefulset').metricValues)).toEqual({
      'memory/usage': 1,
      'cpu/usage_rate': 5,
    });
    expect(skips).toEqual([]);
  });

  it('reports pod sets whose pod is not in the lister', () => {
    const skips: ProcessorSkip[] = [];
    const listers = fixtureListers();
    const [k, set] = podEntry('scraper', 'vanished', usage(1, 1));
    const batch = batchOf(0, [[k, set]]);
    createWorkloadAggregator({ podLister: listers, ownerLister: listers, onSkip: (s) => skips.push(s) }).process(batch);
    expect(batch.metricSets.size).toBe(1);
    expect(skips).toEqual([{ processor: 'workload_aggregator', reason: 'pod_not_found', key: k }]);
  });

  it('adds its workload sets after the pass over the pods, at most a step of them between two yields', () => {
    const count = itemsPerStep * 3 + 7;
    const pods = Array.from({ length: count }, (_, i) => pod('batch', `job-${i}-x`, [owner('Job', `job-${i}`)]));
    const listers = createListers({ pods });
    const batch = batchOf(0, pods.map((p, i) => podEntry('batch', p.metadata!.name!, usage(i, i))));
    const steps = createWorkloadAggregator({ podLister: listers, ownerLister: listers }).steps(batch);
    const added: number[] = [];
    let size = batch.metricSets.size;
    for (let next = steps.next(); next.done !== true; next = steps.next()) {
      added.push(batch.metricSets.size - size);
      size = batch.metricSets.size;
    }
    added.push(batch.metricSets.size - size);
    expect(batch.metricSets.size).toBe(count * 2);
    expect(Math.max(...added)).toBeLessThanOrEqual(itemsPerStep);
    // Nothing joins while the pods are still being read: the pass yields after each full step.
    const fullPassSteps = Math.floor(count / itemsPerStep);
    expect(added.slice(0, fullPassSteps)).toEqual(Array(fullPassSteps).fill(0));
    expect(setAt(batch, workloadKey('batch', 'Job', `job-${count - 1}`)).metricValues.get('memory/usage')).toBe(count - 1);
  });
});
