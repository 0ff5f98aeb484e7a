/**
 * The decode → processors → store path on real simulator batches, in one process, without HTTP
 * and without the simulator competing for the CPU: the quiet way to compare two commits'
 * processors or store write (run each from its own git worktree, one after the other). Not a
 * test and not part of `npm run bench`; timings are printed, never asserted.
 *
 * Per batch (one simulated minute): decode of every node's `/stats/summary` body (JSON.parse
 * included; rendering the bodies is left out of the times and the CPU), each processor, and the store write,
 * each as wall time of that step run to the end, and the batch's CPU time and GC pauses. The listers are Maps of the simulator's objects slimmed as the
 * informers slim them (the informers' cache is client-node's, a Map per namespace; the cost of
 * a lookup is alike, not the same).
 *
 * Run: `node --max-semi-space-size=64 --import tsx bench/pipeline.ts [nodes=1000] [batches=8] [retention=4m]`
 *
 * @module
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseDuration } from '../src/core/duration.js';
import { runToEnd } from '../src/core/slices.js';
import type { DataBatch, MetricSet } from '../src/core/types.js';
import { createSlimmers } from '../src/kube/slim.js';
import { createProcessors } from '../src/processors/pipeline.js';
import type { KubeListers } from '../src/processors/types.js';
import { createSimCluster } from '../src/sim/cluster/model.js';
import { renderSummary } from '../src/sim/kubelet/summary.js';
import type { KubeObject, SimObjectStore, SimResource } from '../src/sim/types.js';
import { decodeSummary } from '../src/sources/summary/decode.js';
import { createModelStore } from '../src/store/modelStore.js';

const nodes = Number(process.argv[2] ?? 1000);
const batches = Number(process.argv[3] ?? 8);
const retentionMs = parseDuration(process.argv[4] ?? '4m');
const minuteMs = 60_000;

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** Just enough of an object store for the cluster model to write its objects into. */
function mapStore(): SimObjectStore & { all(resource: SimResource): KubeObject[]; clear(): void } {
  const objects = new Map<SimResource, Map<string, KubeObject>>();
  const of = (resource: SimResource) => objects.get(resource) ?? objects.set(resource, new Map()).get(resource)!;
  const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
  return {
    upsert(resource, object) {
      of(resource).set(keyOf(object.metadata.namespace, object.metadata.name), object);
      return object;
    },
    remove: (resource, namespace, name) => of(resource).delete(keyOf(namespace, name)),
    list: (resource) => [...of(resource).values()],
    get: (resource, namespace, name) => of(resource).get(keyOf(namespace, name)),
    resourceVersion: 0,
    onChange: () => () => {},
    all: (resource) => [...of(resource).values()],
    clear: () => objects.clear(),
  };
}

function listersOf(store: ReturnType<typeof mapStore>): KubeListers {
  const slim = createSlimmers();
  const index = <T extends { metadata?: { namespace?: string; name?: string } }>(items: T[]) => {
    const byNamespace = new Map<string, Map<string, T>>();
    for (const item of items) {
      const namespace = item.metadata?.namespace ?? '';
      const names = byNamespace.get(namespace) ?? byNamespace.set(namespace, new Map()).get(namespace)!;
      names.set(item.metadata?.name ?? '', item);
    }
    return (namespace: string, name: string) => byNamespace.get(namespace)?.get(name);
  };
  const nodeList = store.all('nodes').map(slim.nodes);
  const node = index(nodeList);
  const pod = index(store.all('pods').map(slim.pods));
  const namespace = index(store.all('namespaces').map(slim.namespaces));
  const replicaSet = index(store.all('replicasets').map(slim.replicasets));
  const job = index(store.all('jobs').map(slim.jobs));
  return {
    getPod: pod,
    getNamespace: (name) => namespace('', name),
    getNode: (name) => node('', name),
    listNodes: () => nodeList,
    getReplicaSet: replicaSet,
    getJob: job,
  };
}

const startMs = Math.floor(Date.now() / minuteMs) * minuteMs - batches * minuteMs;
let nowMs = startMs;
const store = mapStore();
const cluster = createSimCluster({ nodes, podsPerNode: 30, seed: 1, kubeletPort: 10250, clock: () => nowMs, store });
const processors = createProcessors({ listers: listersOf(store) });
// The full API objects (~750 MB at 5,000 nodes) would make every full collection dearer than in
// Heapgraph, whose caches hold the slim copies only. Without churn the model writes no more.
store.clear();
const model = createModelStore({ retentionMs });

/** Runs `work`, returning its wall time, ms. */
function timed(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

for (let minute = 0; minute < batches; minute++) {
  nowMs = startMs + (minute + 1) * minuteMs;
  let batch: DataBatch = { timestamp: nowMs, metricSets: new Map<string, MetricSet>() };
  let decodeMs = 0;
  let renderCpu = 0;
  const cpuBefore = process.cpuUsage();
  const gcBefore = gcMs;
  for (const node of cluster.nodes) {
    // Rendered one at a time: 5,000 bodies held at once are ~500 MB of external memory, whose
    // growth alone starts full collections that the real path does not have.
    const renderBefore = process.cpuUsage();
    const body = Buffer.from(renderSummary(cluster.sample(node, nowMs)));
    const rendered = process.cpuUsage(renderBefore);
    renderCpu += rendered.user + rendered.system;
    decodeMs += timed(() => {
      const decoded = decodeSummary(body, { nodeName: node.name, hostname: node.name, hostId: node.uid }, { nowMs });
      for (const [key, set] of decoded.metricSets) batch.metricSets.set(key, set);
    });
  }
  const steps = processors.map((processor) => ({ name: processor.name, ms: timed(() => (batch = runToEnd(processor.steps(batch)))) }));
  const write = timed(() => model.write(batch));
  const cpu = process.cpuUsage(cpuBefore);
  cpu.user -= renderCpu;
  const processorMs = steps.reduce((sum, step) => sum + step.ms, 0);
  // GC entries reach the observer in a later task.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const gc = gcMs - gcBefore;
  console.log(
    `batch ${minute}: CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, GC pauses ${Math.round(gc)} ms; ` +
      `decode ${Math.round(decodeMs)}, processors ${Math.round(processorMs)}, store ${Math.round(write)} ms (${Math.round(model.memoryBytes() / 2 ** 20)} MiB); ` +
      steps.map((step) => `${step.name} ${Math.round(step.ms)}`).join(', '),
  );
}
process.exit(0);
