import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchMemo, createOperationContext } from '../../../src/api/graphql/context.js';
import { createExecutor } from '../../../src/api/graphql/execute.js';
import { parse } from '../../../src/api/graphql/graphqlJs.js';
import { createSchema } from '../../../src/api/graphql/schema.js';
import { namespaceKey, nodeKey, podContainerKey, podKey, workloadKey } from '../../../src/core/keys.js';
import { parseIntQuantity, parseMilliQuantity } from '../../../src/core/quantity.js';
import { ms, startGraphqlApp, type GraphqlApp } from './harness.js';

let t: GraphqlApp;

beforeAll(async () => {
  t = await startGraphqlApp();
  // Freeze the model so every answer below can be compared with the query service and REST.
  await t.app.manager.stop();
  await t.app.sinks.idle();
});
afterAll(async () => t?.stop());

function simPods(): V1Pod[] {
  return t.app.sim!.store.list('pods') as V1Pod[];
}

function simNodes(): V1Node[] {
  return t.app.sim!.store.list('nodes') as V1Node[];
}

interface RestMetric {
  metrics: Array<{ timestamp: string; value: number }>;
  latestTimestamp: string;
}

describe('the graph walked from the cluster to containers', () => {
  it('lists the namespaces, pods and containers the query service lists, with equal series and REST values', async () => {
    const { data, errors } = await t.gql(`{
      cluster {
        namespaces(first: 10) { totalCount nodes { name key
          pods(first: 20) { totalCount nodes { name key metricNames
            cpu: latest(name: "cpu/usage_rate") { timestamp value }
            containers { name key metricNames memory: metric(name: "memory/usage") { points { timestamp value } } }
          } }
        } }
      }
    }`);
    expect(errors).toBeUndefined();
    const q = t.app.query;
    const namespaces = data!.cluster.namespaces.nodes;
    expect(namespaces.map((n: any) => n.name)).toEqual(q.namespaces().map((n) => n.labels.namespace_name));
    expect(data!.cluster.namespaces.totalCount).toBe(q.namespaces().length);
    let containersSeen = 0;
    for (const ns of namespaces) {
      expect(ns.key).toBe(namespaceKey(ns.name));
      expect(ns.pods.nodes.map((p: any) => p.name)).toEqual(q.pods(ns.name).map((p) => p.labels.pod_name));
      for (const pod of ns.pods.nodes) {
        const key = podKey(ns.name, pod.name);
        expect(pod.key).toBe(key);
        expect(pod.metricNames).toEqual(q.metricNames(key));
        const latest = q.latest(key, 'cpu/usage_rate')!;
        expect({ timestamp: ms(pod.cpu.timestamp), value: pod.cpu.value }).toEqual(latest);
        const rest = await t.rest<RestMetric>(`/api/v1/model/namespaces/${ns.name}/pods/${pod.name}/metrics/cpu/usage_rate`);
        expect(rest.metrics.at(-1)).toEqual({ timestamp: expect.any(String), value: latest.value });
        expect(ms(rest.latestTimestamp)).toBe(latest.timestamp);
        const spec = simPods().find((p) => p.metadata!.namespace === ns.name && p.metadata!.name === pod.name)!;
        expect(pod.containers.map((c: any) => c.name)).toEqual(spec.spec!.containers.map((c) => c.name));
        for (const container of pod.containers) {
          const containerKey = podContainerKey(ns.name, pod.name, container.name);
          expect(container.key).toBe(containerKey);
          expect(container.metricNames).toEqual(q.metricNames(containerKey));
          const points = container.memory.points.map((p: any) => ({ timestamp: ms(p.timestamp), value: p.value }));
          expect(points).toEqual(q.series(containerKey, 'memory/usage').points);
          expect(points.length).toBe(q.timestamps().length);
          const restSeries = await t.rest<RestMetric>(`/api/v1/model/namespaces/${ns.name}/pods/${pod.name}/containers/${container.name}/metrics/memory/usage`);
          expect(restSeries.metrics.map((p) => ({ timestamp: ms(p.timestamp), value: p.value }))).toEqual(points);
          containersSeen++;
        }
      }
    }
    expect(containersSeen).toBeGreaterThan(10);
  });

  it('gives the cluster the aggregated values REST gives', async () => {
    const { data } = await t.gql(`{ cluster { key kind lastSeen metricNames memory: metric(name: "memory/usage") { name units metricType valueType points { timestamp value } } } }`);
    const q = t.app.query;
    expect(data!.cluster).toMatchObject({ key: 'cluster', kind: 'CLUSTER', metricNames: q.metricNames('cluster') });
    expect(ms(data!.cluster.lastSeen)).toBe(q.timestamps().at(-1));
    expect(data!.cluster.memory).toMatchObject({ name: 'memory/usage', units: 'BYTES', metricType: 'GAUGE', valueType: 'INT64' });
    const rest = await t.rest<RestMetric>('/api/v1/model/metrics/memory/usage');
    expect(data!.cluster.memory.points.map((p: any) => [ms(p.timestamp), p.value])).toEqual(rest.metrics.map((p) => [ms(p.timestamp), p.value]));
  });

  it('shows each pod with the metadata of its Kubernetes object', async () => {
    for (const spec of simPods().filter((p) => p.status?.phase === 'Running').slice(0, 6)) {
      const { namespace, name } = spec.metadata as { namespace: string; name: string };
      const { data, errors } = await t.gql(
        `query($ns: String!, $name: String!) { pod(namespace: $ns, name: $name) {
          name uid phase qosClass podIp hostIp startTime creationTimestamp restartCount
          labels { key value } namespace { name } node { name }
          ownerReferences { kind name uid controller }
          containers { name image restartCount ready state startTime requests { cpuMillicores memoryBytes quantities { name quantity value } } limits { cpuMillicores memoryBytes } }
        } }`,
        { ns: namespace, name },
      );
      expect(errors).toBeUndefined();
      const pod = data!.pod;
      expect(pod).toMatchObject({
        name,
        uid: spec.metadata!.uid,
        phase: 'Running',
        qosClass: spec.status!.qosClass,
        podIp: spec.status!.podIP,
        hostIp: spec.status!.hostIP,
        namespace: { name: namespace },
        node: { name: spec.spec!.nodeName },
        restartCount: spec.status!.containerStatuses!.reduce((s, c) => s + c.restartCount, 0),
      });
      expect(ms(pod.startTime)).toBe(Date.parse(String(spec.status!.startTime)));
      expect(ms(pod.creationTimestamp)).toBe(Date.parse(String(spec.metadata!.creationTimestamp)));
      expect(pod.labels).toEqual(Object.entries(spec.metadata!.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value })));
      expect(pod.ownerReferences).toEqual((spec.metadata!.ownerReferences ?? []).map((o) => ({ kind: o.kind, name: o.name, uid: o.uid, controller: o.controller === true })));
      for (const container of pod.containers) {
        const cs = spec.spec!.containers.find((c) => c.name === container.name)!;
        const status = spec.status!.containerStatuses!.find((s) => s.name === container.name)!;
        expect(container).toMatchObject({ image: cs.image, restartCount: status.restartCount, ready: status.ready, state: 'running' });
        expect(ms(container.startTime)).toBe(Date.parse(String(status.state!.running!.startedAt)));
        const requests = cs.resources?.requests;
        if (requests === undefined) expect(container.requests).toBeNull();
        else {
          expect(container.requests.cpuMillicores).toBe(requests.cpu === undefined ? null : parseMilliQuantity(requests.cpu));
          expect(container.requests.memoryBytes).toBe(requests.memory === undefined ? null : parseIntQuantity(requests.memory));
          expect(container.requests.quantities.map((q: any) => q.name)).toEqual(Object.keys(requests).sort());
        }
        const limits = cs.resources?.limits;
        expect(container.limits?.memoryBytes ?? null).toBe(limits?.memory === undefined ? null : parseIntQuantity(limits.memory));
      }
    }
  });

  it('links every node to its pods, system containers, scrape status and Kubernetes object', async () => {
    const { data, errors } = await t.gql(`{ nodes(first: 10) { totalCount nodes {
      name key uid hostname schedulable ready kubeletVersion creationTimestamp
      labels { key value } addresses { type address } capacity { cpuMillicores memoryBytes } allocatable { cpuMillicores }
      scrapeStatus { node url outcome latency lastSuccess error }
      systemContainers { name key node { name } mem: latest(name: "memory/usage") { value } }
      pods(first: 50) { totalCount nodes { name namespace { name } node { name } } }
    } } }`);
    expect(errors).toBeUndefined();
    const q = t.app.query;
    const nodes = data!.nodes.nodes;
    expect(nodes.map((n: any) => n.name)).toEqual(simNodes().map((n) => n.metadata!.name).sort());
    for (const node of nodes) {
      const kube = simNodes().find((n) => n.metadata!.name === node.name)!;
      expect(node).toMatchObject({ key: nodeKey(node.name), uid: kube.metadata!.uid, hostname: node.name, schedulable: true, ready: true, kubeletVersion: kube.status!.nodeInfo!.kubeletVersion });
      expect(node.capacity.cpuMillicores).toBe(parseMilliQuantity(kube.status!.capacity!.cpu));
      expect(node.capacity.memoryBytes).toBe(parseIntQuantity(kube.status!.capacity!.memory));
      expect(node.addresses).toEqual(kube.status!.addresses);
      const status = q.scrapeStatus(node.name)!;
      expect(node.scrapeStatus).toMatchObject({ node: node.name, url: status.url, outcome: 'OK', error: null });
      expect(ms(node.scrapeStatus.lastSuccess)).toBe(status.lastSuccessMs);
      expect(node.systemContainers.map((c: any) => c.name)).toEqual(q.systemContainers(node.name).map((c) => c.labels.container_name));
      for (const c of node.systemContainers) {
        expect(c.node.name).toBe(node.name);
        expect(c.mem?.value).toBe(q.latest(c.key, 'memory/usage')?.value);
      }
      const expected = q.pods().filter((p) => p.labels.nodename === node.name).map((p) => p.labels.pod_name);
      expect(node.pods.nodes.map((p: any) => p.name)).toEqual(expected);
      expect(node.pods.nodes.every((p: any) => p.node.name === node.name)).toBe(true);
    }
    expect(nodes.reduce((sum: number, n: any) => sum + n.pods.totalCount, 0)).toBe(q.pods().length);
  });

  it('resolves each pod to the workload its metrics are summed into, and back', async () => {
    const deploymentPod = simPods().find((p) => p.status?.phase === 'Running' && p.metadata!.ownerReferences?.[0]?.kind === 'ReplicaSet')!;
    const { namespace, name } = deploymentPod.metadata as { namespace: string; name: string };
    const { data, errors } = await t.gql(
      `query($ns: String!, $name: String!) { pod(namespace: $ns, name: $name) {
        owner { key kind workloadKind name namespace { name } cpu: latest(name: "cpu/usage_rate") { value } pods(first: 100) { nodes { name } } }
      } }`,
      { ns: namespace, name },
    );
    expect(errors).toBeUndefined();
    const owner = data!.pod.owner;
    const replicaSet = deploymentPod.metadata!.ownerReferences![0]!.name;
    const deployment = replicaSet.slice(0, replicaSet.lastIndexOf('-'));
    expect(owner).toMatchObject({ key: workloadKey(namespace, 'Deployment', deployment), kind: 'WORKLOAD', workloadKind: 'DEPLOYMENT', name: deployment, namespace: { name: namespace } });
    expect(owner.cpu.value).toBe(t.app.query.latest(owner.key, 'cpu/usage_rate')!.value);
    const members = simPods()
      .filter((p) => p.metadata!.namespace === namespace && p.metadata!.ownerReferences?.[0]?.name === replicaSet && t.app.query.entity(podKey(namespace, p.metadata!.name!)))
      .map((p) => p.metadata!.name)
      .sort();
    expect(owner.pods.nodes.map((p: any) => p.name)).toEqual(members);
  });

  it('lists workloads by namespace and kind, and finds one by name', async () => {
    const q = t.app.query;
    const { data } = await t.gql(`{ workloads(first: 1000) { totalCount nodes { key workloadKind name namespace { name } } }
      deployments: workloads(kind: DEPLOYMENT, first: 1000) { nodes { key } }
      kubeSystem: workloads(namespace: "kube-system", first: 1000) { nodes { key } } }`);
    expect(data!.workloads.nodes.map((w: any) => w.key)).toEqual(q.workloads().map((w) => w.key));
    expect(data!.deployments.nodes.map((w: any) => w.key)).toEqual(q.workloads(undefined, 'Deployment').map((w) => w.key));
    expect(data!.kubeSystem.nodes.map((w: any) => w.key)).toEqual(q.workloads('kube-system').map((w) => w.key));
    const daemonSet = q.workloads(undefined, 'DaemonSet')[0]!;
    const one = await t.gql(`query($ns: String!, $name: String!) { workload(namespace: $ns, kind: DAEMON_SET, name: $name) { key metricNames } missing: workload(namespace: $ns, kind: JOB, name: "nope") { key } }`, {
      ns: daemonSet.labels.namespace_name,
      name: daemonSet.labels.workload_name,
    });
    expect(one.data).toEqual({ workload: { key: daemonSet.key, metricNames: q.metricNames(daemonSet.key) }, missing: null });
  });

  it('shows pod volumes with their filesystem series by resource_id', async () => {
    const spec = simPods().find((p) => p.status?.phase === 'Running' && (p.spec!.volumes?.length ?? 0) > 0)!;
    const { namespace, name } = spec.metadata as { namespace: string; name: string };
    const { data, errors } = await t.gql(
      `query($ns: String!, $name: String!) { pod(namespace: $ns, name: $name) {
        labeledMetricNames
        volumes { name source resourceId usage: metric(name: "filesystem/usage") { name resourceId labels { key value } units points { timestamp value } } latest(name: "filesystem/usage") { value } }
        filesystems: labeledMetric(name: "filesystem/usage") { resourceId labels { key value } points { timestamp value } }
      } }`,
      { ns: namespace, name },
    );
    expect(errors).toBeUndefined();
    const key = podKey(namespace, name);
    const q = t.app.query;
    expect(data!.pod.labeledMetricNames).toEqual(q.labeledMetricNames(key));
    expect(data!.pod.volumes.map((v: any) => v.name)).toEqual(spec.spec!.volumes!.map((v) => v.name));
    for (const volume of data!.pod.volumes) {
      const expected = q.labeledSeries(key, 'filesystem/usage', { resource_id: `Volume:${volume.name}` });
      expect(volume.resourceId).toBe(`Volume:${volume.name}`);
      expect(volume.source).toBe(Object.keys(spec.spec!.volumes!.find((v) => v.name === volume.name)!).find((k) => k !== 'name'));
      if (expected.length === 0) {
        expect(volume.usage).toBeNull();
        continue;
      }
      expect(volume.usage).toMatchObject({ name: 'filesystem/usage', resourceId: `Volume:${volume.name}`, units: 'BYTES', labels: [{ key: 'resource_id', value: `Volume:${volume.name}` }] });
      expect(volume.usage.points.map((p: any) => ({ timestamp: ms(p.timestamp), value: p.value }))).toEqual(expected[0]!.points);
      expect(volume.latest.value).toBe(expected[0]!.points.at(-1)!.value);
    }
    const all = q.labeledSeries(key, 'filesystem/usage', undefined);
    expect(data!.pod.filesystems.map((s: any) => s.resourceId)).toEqual(all.map((s) => s.labels.resource_id));
    expect(data!.pod.filesystems.map((s: any) => s.points.map((p: any) => p.value))).toEqual(all.map((s) => s.points.map((p) => p.value)));
  });

  it('describes the metric catalogue and the model', async () => {
    const { data } = await t.gql(`{ metricCatalogue { name units type valueType labeled labels { key description } description }
      usage: metricDescriptor(name: "filesystem/usage") { name labeled labels { key } }
      unknown: metricDescriptor(name: "no/such") { name }
      model { newestBatch oldestBatch batches retention resolution } }`);
    const q = t.app.query;
    expect(data!.metricCatalogue.map((m: any) => m.name)).toEqual(q.metricCatalogue().map((m) => m.name));
    const rate = data!.metricCatalogue.find((m: any) => m.name === 'cpu/usage_rate');
    expect(rate).toMatchObject({ units: 'COUNT', type: 'GAUGE', valueType: 'INT64', labeled: false, labels: [] });
    expect(data!.usage).toEqual({ name: 'filesystem/usage', labeled: true, labels: [{ key: 'resource_id' }] });
    expect(data!.unknown).toBeNull();
    const timestamps = q.timestamps();
    expect(data!.model).toEqual({
      newestBatch: new Date(timestamps.at(-1)!).toISOString(),
      oldestBatch: new Date(timestamps[0]!).toISOString(),
      batches: timestamps.length,
      retention: '15m0s',
      resolution: '1s',
    });
  });

  it('answers null for entities nobody knows', async () => {
    const { data, errors } = await t.gql(`{ node(name: "nope") { name } namespace(name: "nope") { name } pod(namespace: "nope", name: "nope") { name } }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ node: null, namespace: null, pod: null });
  });
});

describe('the query executor', () => {
  it('answers with graphql-jit exactly as graphql-js does', async () => {
    const schema = createSchema();
    const jit = createExecutor(schema, 'jit');
    const js = createExecutor(schema, 'graphql-js');
    const settings = { query: t.app.query, batchMemo: createBatchMemo(t.app.query), pages: { defaultPageSize: 100, maxPageSize: 1_000 }, resolutionMs: 1_000, maxPointsPerOperation: 100_000 };
    const namespace = t.app.query.namespaces()[0]!.labels.namespace_name!;
    const documents = [
      `query($ns: String!) { namespace(name: $ns) { name uid labels { key value } cpu: latest(name: "cpu/usage_rate") { timestamp value }
        pods(first: 5, orderBy: { metric: "cpu/usage_rate" }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor orderValue node { name phase startTime owner { key workloadKind }
          containers { name image requests { cpuMillicores memoryBytes quantities { name value } } memory: metric(name: "memory/usage", range: { lastMinutes: 15 }) { units valueType points { timestamp value } } }
          volumes { name source metric(name: "filesystem/usage") { resourceId points { value } } }
          aggregate(name: "memory/usage", bucket: "2s") { bucketSize buckets { start count average median p95 } } } } } } }`,
      `{ cluster { kind metricNames nodes { nodes { name capacity { cpuMillicores } scrapeStatus { outcome lastSuccess } systemContainers { name } } } } model { batches retention } metricCatalogue { name units } }`,
      `query($r: TimeRange) { pods(first: 3) { nodes { metric(name: "memory/usage", range: $r) { points { value } } bad: latest(name: "filesystem/usage") { value } } } }`,
    ];
    for (const source of documents) {
      const document = parse(source);
      const run = (executor: typeof jit) => executor.run({ document, variableValues: { ns: namespace, r: { last: '3s' } }, contextValue: createOperationContext(settings) });
      const [a, b] = await Promise.all([run(jit), run(js)]);
      expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
    }
  });
});
