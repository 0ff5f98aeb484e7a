/**
 * Renders a node's `/metrics/resource`: the families and [ALPHA] help texts of the kubelet
 * capture (`kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt`) plus
 * `container_start_time_seconds` (kubelet ≥ 1.22), families in name order, rows sorted by
 * label values, millisecond timestamps. Same model as the summary.
 *
 * @module
 */
import type { NodeSample } from '../cluster/usage.js';
import { escapeLabelValue, formatGoFloat } from './prometheus.js';

function family(name: string, type: 'counter' | 'gauge', help: string): string {
  return `# HELP ${name} [ALPHA] ${help}\n# TYPE ${name} ${type}\n`;
}

/** Core-seconds as the kubelet reports them: whole nanoseconds divided out. */
function coreSeconds(value: number): number {
  return Math.floor(value * 1e9) / 1e9;
}

interface ContainerRow {
  readonly labels: string;
  readonly container: string;
  readonly namespace: string;
  readonly pod: string;
  readonly cpuSeconds: number;
  readonly workingSetBytes: number;
  readonly startMs: number;
}

interface PodRow {
  readonly labels: string;
  readonly namespace: string;
  readonly pod: string;
  readonly cpuSeconds: number;
  readonly workingSetBytes: number;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `/metrics/resource` body for one node sample (taken at `sample.atMs`). */
export function renderResourceMetrics(sample: NodeSample): string {
  const timestamp = String(sample.atMs);
  const containers: ContainerRow[] = [];
  const pods: PodRow[] = [];
  for (const podSample of sample.pods) {
    const namespace = podSample.pod.workload.namespace;
    const pod = podSample.pod.name;
    const podLabels = `namespace="${escapeLabelValue(namespace)}",pod="${escapeLabelValue(pod)}"`;
    pods.push({ labels: podLabels, namespace, pod, cpuSeconds: coreSeconds(podSample.cpuCoreSeconds), workingSetBytes: podSample.workingSetBytes });
    for (const containerSample of podSample.containers) {
      const container = containerSample.container.template.name;
      containers.push({
        labels: `container="${escapeLabelValue(container)}",${podLabels}`,
        container,
        namespace,
        pod,
        cpuSeconds: coreSeconds(containerSample.cpuCoreSeconds),
        workingSetBytes: containerSample.workingSetBytes,
        startMs: containerSample.container.startMs,
      });
    }
  }
  // The Go registry sorts each family's rows by label values in label-name order.
  containers.sort((a, b) => compare(a.container, b.container) || compare(a.namespace, b.namespace) || compare(a.pod, b.pod));
  pods.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.pod, b.pod));

  let text = family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds');
  for (const row of containers) text += `container_cpu_usage_seconds_total{${row.labels}} ${formatGoFloat(row.cpuSeconds)} ${timestamp}\n`;
  text += family('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes');
  for (const row of containers) text += `container_memory_working_set_bytes{${row.labels}} ${formatGoFloat(row.workingSetBytes)} ${timestamp}\n`;
  text += family('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds');
  for (const row of containers) text += `container_start_time_seconds{${row.labels}} ${formatGoFloat(row.startMs / 1000)} ${row.startMs}\n`;
  text += family('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds');
  text += `node_cpu_usage_seconds_total ${formatGoFloat(coreSeconds(sample.cpuCoreSeconds))} ${timestamp}\n`;
  text += family('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes');
  text += `node_memory_working_set_bytes ${formatGoFloat(sample.workingSetBytes)} ${timestamp}\n`;
  text += family('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds');
  for (const row of pods) text += `pod_cpu_usage_seconds_total{${row.labels}} ${formatGoFloat(row.cpuSeconds)} ${timestamp}\n`;
  text += family('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes');
  for (const row of pods) text += `pod_memory_working_set_bytes{${row.labels}} ${formatGoFloat(row.workingSetBytes)} ${timestamp}\n`;
  text += family('scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  text += 'scrape_error 0\n';
  return text;
}
