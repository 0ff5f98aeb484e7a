/**
 * Micro-benchmark of the model store's write path and memory (not a test; timings are printed,
 * never asserted). Writes 15 batches, one per minute, of a synthetic cluster shaped like the
 * pipeline's output: per node one node set, 30 pods and one container per pod, ~25 metrics per
 * set plus filesystem labeled metrics, and the namespace and cluster aggregates.
 *
 * Run: `node --expose-gc --import tsx bench/store-write.ts [nodes=1000] [podsPerNode=30] [batches=15]`
 * (beyond 15 batches the window is full: each write also evicts a minute and reuses its arrays)
 * (without --expose-gc the heap figure is skipped and generator garbage collection may land in the timings).
 *
 * @module
 */
import { nodeKey, podContainerKey, podKey, namespaceKey, clusterKey } from '../src/core/keys.js';
import { nodeAutoscalingMetrics, rateMetrics, requestLimitMetrics, standardMetrics } from '../src/core/metrics.js';
import { createMetricSet, type DataBatch, type MetricSet } from '../src/core/types.js';
import { createModelStore } from '../src/store/modelStore.js';

const nodes = Number(process.argv[2] ?? 1000);
const podsPerNode = Number(process.argv[3] ?? 30);
const batches = Number(process.argv[4] ?? 15);
const minuteMs = 60_000;
const startMs = Date.UTC(2024, 0, 1);
const namespaces = 20;

const podMetrics = [...standardMetrics, ...requestLimitMetrics, ...rateMetrics];
const nodeMetrics = [...standardMetrics, ...rateMetrics, ...nodeAutoscalingMetrics];

function fill(set: MetricSet, descriptors: typeof podMetrics, seed: number, minute: number): void {
  for (let i = 0; i < descriptors.length; i++) {
    const d = descriptors[i]!;
    const raw = (seed * 7919 + i * 104729) % 1_000_000_007;
    const value = d.type === 'cumulative' ? raw + minute * 1000 : d.valueType === 'float' ? raw / 1000 : raw;
    set.metricValues.set(d.name, value);
  }
}

function filesystems(set: MetricSet, devices: readonly string[], seed: number): void {
  for (const device of devices) {
    for (const name of ['filesystem/usage', 'filesystem/limit', 'filesystem/available']) {
      set.labeledMetrics.push({ name, labels: { resource_id: device }, value: seed % 100_000_000 });
    }
  }
}

function syntheticBatch(minute: number): DataBatch {
  const sets = new Map<string, MetricSet>();
  for (let n = 0; n < nodes; n++) {
    const nodeName = `node-${n}`;
    const common = { nodename: nodeName, hostname: nodeName, host_id: `host-${n}` };
    const nodeSet = createMetricSet({ type: 'node', ...common, labels: 'kubernetes.io/os:linux' });
    fill(nodeSet, nodeMetrics, n, minute);
    filesystems(nodeSet, ['/', '/var/lib/kubelet'], n);
    sets.set(nodeKey(nodeName), nodeSet);
    for (let p = 0; p < podsPerNode; p++) {
      const id = n * podsPerNode + p;
      const namespace = `ns-${id % namespaces}`;
      const podName = `pod-${id}`;
      const podLabels = { ...common, namespace_name: namespace, pod_name: podName, pod_id: `uid-${id}`, namespace_id: `ns-uid-${id % namespaces}`, labels: `app:app-${id % 50}` };
      const podSet = createMetricSet({ type: 'pod', ...podLabels });
      fill(podSet, podMetrics, id, minute);
      filesystems(podSet, [`Volume:kube-api-access-${id}`], id);
      sets.set(podKey(namespace, podName), podSet);
      const containerSet = createMetricSet({ type: 'pod_container', ...podLabels, container_name: 'main', container_base_image: 'registry/app:1.0' });
      fill(containerSet, podMetrics, id + 1, minute);
      filesystems(containerSet, ['/', 'logs'], id);
      sets.set(podContainerKey(namespace, podName, 'main'), containerSet);
    }
  }
  for (let s = 0; s < namespaces; s++) {
    const set = createMetricSet({ type: 'ns', namespace_name: `ns-${s}` });
    fill(set, podMetrics, s, minute);
    sets.set(namespaceKey(`ns-${s}`), set);
  }
  const cluster = createMetricSet({ type: 'cluster' });
  fill(cluster, podMetrics, 0, minute);
  sets.set(clusterKey(), cluster);
  return { timestamp: startMs + minute * minuteMs, metricSets: sets };
}

function countValues(batch: DataBatch): number {
  let values = 0;
  for (const set of batch.metricSets.values()) values += set.metricValues.size + set.labeledMetrics.length;
  return values;
}

let checksum = 0;
function readAll(batch: DataBatch): void {
  batch.metricSets.forEach((set) => {
    set.metricValues.forEach((value) => {
      checksum += value;
    });
    for (const metric of set.labeledMetrics) checksum += metric.value;
  });
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const store = createModelStore();
const writeMs: number[] = [];
const cpuMs: number[] = [];
let values = 0;
let sets = 0;
const readMs: number[] = [];
for (let minute = 0; minute < batches; minute++) {
  // The floor: one read of every value of a fresh batch, as any consumer of the batch pays.
  let probe: DataBatch | undefined = syntheticBatch(minute);
  gc?.();
  const readStarted = performance.now();
  readAll(probe);
  readMs.push(performance.now() - readStarted);
  probe = undefined;
  const batch = syntheticBatch(minute);
  values = countValues(batch);
  sets = batch.metricSets.size;
  // Collect the generator's garbage first so the timing is the write's own work.
  gc?.();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  store.write(batch);
  const cpu = process.cpuUsage(cpuStarted);
  writeMs.push(performance.now() - started);
  cpuMs.push((cpu.user + cpu.system) / 1000);
}
gc?.();
const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const reported = store.memoryBytes();

const sorted = [...writeMs].sort((a, b) => a - b);
const sortedCpu = [...cpuMs].sort((a, b) => a - b);
const fmt = (n: number) => n.toFixed(1);
console.log(`store-write: ${nodes} nodes × ${podsPerNode} pods, ${sets} sets, ${values} values per batch, ${batches} batches`);
console.log(`write ms: ${writeMs.map(fmt).join(' ')}`);
console.log(`write CPU ms: ${cpuMs.map(fmt).join(' ')} (median ${fmt(sortedCpu[sortedCpu.length >> 1]!)})`);
console.log(`write ms: median ${fmt(sorted[sorted.length >> 1]!)}, max ${fmt(sorted[sorted.length - 1]!)}, ` + `ns per value (median) ${fmt((sorted[sorted.length >> 1]! * 1e6) / values)}`);
const sortedRead = [...readMs].sort((a, b) => a - b);
console.log(`floor (read every value of a fresh batch once): median ${fmt(sortedRead[sortedRead.length >> 1]!)} ms (checksum ${checksum > 0 ? 'ok' : '0'})`);
console.log(`memoryBytes(): ${fmt(reported / 2 ** 20)} MiB, ${fmt(reported / nodes / 1024)} KiB per node`);
if (gc) {
  const measured = heapAfter - heapBefore;
  console.log(`heap growth (gc'd, incl. array buffers): ${fmt(measured / 2 ** 20)} MiB, ${fmt(measured / nodes / 1024)} KiB per node`);
} else {
  console.log('heap growth: run with node --expose-gc --import tsx to measure');
}
