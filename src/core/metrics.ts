/**
 * The metric catalogue (heapster-reference §2.4): every metric Heapgraph produces, with name,
 * units, type, value type and description, grouped as Heapster grouped them.
 *
 * @module
 */
import { acceleratorLabels, metricLabels, type LabelDescriptor } from './labels.js';
import type { MetricType, ValueType } from './types.js';

/** Units as Heapster serialised them; `count` is dimensionless and omitted on export. */
export type Units = 'bytes' | 'ms' | 'ns' | 'millicores' | 'count';

/** Everything a client needs to interpret a metric. */
export interface MetricDescriptor {
  readonly name: string;
  readonly description: string;
  readonly type: MetricType;
  readonly valueType: ValueType;
  readonly units: Units;
  /** Labels of a labeled metric (empty for unlabeled ones). */
  readonly labels: readonly LabelDescriptor[];
}

function m(
  name: string,
  type: MetricType,
  valueType: ValueType,
  units: Units,
  description: string,
  labels: readonly LabelDescriptor[] = [],
): MetricDescriptor {
  return { name, type, valueType, units, description, labels };
}

const C = 'cumulative';
const G = 'gauge';
const I = 'int64';
const F = 'float';

/** Metrics read from the kubelet (Heapster `StandardMetrics`), in Heapster's order. */
export const standardMetrics: readonly MetricDescriptor[] = [
  m('uptime', C, I, 'ms', 'Number of milliseconds since the container was started'),
  m('cpu/usage', C, I, 'ns', 'Cumulative CPU usage on all cores'),
  m('cpu/load', G, I, 'count', 'CPU load average (milliloads)'),
  m('ephemeral_storage/usage', G, I, 'bytes', 'Local ephemeral storage usage'),
  m('memory/usage', G, I, 'bytes', 'Total memory usage'),
  m('memory/cache', G, I, 'bytes', 'Cache memory usage'),
  m('memory/rss', G, I, 'bytes', 'RSS memory usage'),
  m('memory/working_set', G, I, 'bytes', 'Total working set usage. Working set is the memory being used and not easily dropped by the kernel'),
  m('memory/page_faults', C, I, 'count', 'Number of page faults'),
  m('memory/major_page_faults', C, I, 'count', 'Number of major page faults'),
  m('network/rx', C, I, 'bytes', 'Cumulative number of bytes received over the network'),
  m('network/rx_errors', C, I, 'count', 'Cumulative number of errors while receiving over the network'),
  m('network/tx', C, I, 'bytes', 'Cumulative number of bytes sent over the network'),
  m('network/tx_errors', C, I, 'count', 'Cumulative number of errors while sending over the network'),
];

/** Metrics from pod specs (PodBasedEnricher). */
export const requestLimitMetrics: readonly MetricDescriptor[] = [
  m('cpu/request', G, I, 'count', 'CPU request (the guaranteed amount of resources) in millicores'),
  m('cpu/limit', G, I, 'count', 'CPU hard limit in millicores'),
  m('memory/request', G, I, 'bytes', 'Memory request (the guaranteed amount of resources) in bytes'),
  m('memory/limit', G, I, 'bytes', 'Memory hard limit in bytes'),
  m('ephemeral_storage/request', G, I, 'bytes', 'Ephemeral storage request (the guaranteed amount of resources) in bytes'),
  m('ephemeral_storage/limit', G, I, 'bytes', 'Ephemeral storage hard limit in bytes'),
];

/** Container restart count from the pod status (declared cumulative, stored as the status value). */
export const restartCountMetric: MetricDescriptor = m('restart_count', C, I, 'count', 'Number of container restarts');

/** Rates computed by the rate calculator. */
export const rateMetrics: readonly MetricDescriptor[] = [
  m('cpu/usage_rate', G, I, 'count', 'CPU usage on all cores in millicores'),
  m('memory/page_faults_rate', G, F, 'count', 'Rate of page faults in counts per second'),
  m('memory/major_page_faults_rate', G, F, 'count', 'Rate of major page faults in counts per second'),
  m('network/rx_rate', G, F, 'count', 'Rate of bytes received over the network in bytes per second'),
  m('network/rx_errors_rate', G, F, 'count', 'Rate of errors sending over the network in errors per second'),
  m('network/tx_rate', G, F, 'count', 'Rate of bytes transmitted over the network in bytes per second'),
  m('network/tx_errors_rate', G, F, 'count', 'Rate of errors transmitting over the network in errors per second'),
];

/** Labeled metrics, in Heapster's `LabeledMetrics` order. */
export const labeledMetrics: readonly MetricDescriptor[] = [
  m('filesystem/usage', G, I, 'bytes', 'Total number of bytes consumed on a filesystem', metricLabels),
  m('filesystem/limit', G, I, 'bytes', 'The total size of filesystem in bytes', metricLabels),
  m('filesystem/available', G, I, 'bytes', 'The number of available bytes remaining in a the filesystem', metricLabels),
  // Heapster declared the inode metrics in bytes (quirk 15); kept for schema compatibility.
  m('filesystem/inodes', G, I, 'bytes', 'The number of available inodes in a the filesystem', metricLabels),
  m('filesystem/inodes_free', G, I, 'bytes', 'The number of free inodes remaining in a the filesystem', metricLabels),
  m('disk/io_read_bytes', C, I, 'bytes', 'Cumulative number of bytes read over disk', metricLabels),
  m('disk/io_write_bytes', C, I, 'bytes', 'Cumulative number of bytes write over disk', metricLabels),
  m('disk/io_read_bytes_rate', G, F, 'count', 'Rate of bytes read over disk in bytes per second', metricLabels),
  m('disk/io_write_bytes_rate', G, F, 'count', 'Rate of bytes written over disk in bytes per second', metricLabels),
  m('accelerator/memory_total', G, I, 'bytes', 'Memory capacity of an accelerator', acceleratorLabels),
  m('accelerator/memory_used', G, I, 'bytes', 'Memory used of an accelerator', acceleratorLabels),
  m('accelerator/duty_cycle', G, I, 'count', 'Percent of time over the past sample period during which the accelerator was actively processing', acceleratorLabels),
];

/** Node autoscaling metrics (NodeAutoscalingEnricher, node sets only); all float gauges. */
export const nodeAutoscalingMetrics: readonly MetricDescriptor[] = [
  m('cpu/node_capacity', G, F, 'count', 'Cpu capacity of a node'),
  m('memory/node_capacity', G, F, 'count', 'Memory capacity of a node'),
  m('cpu/node_allocatable', G, F, 'count', 'Cpu allocatable of a node'),
  m('memory/node_allocatable', G, F, 'count', 'Memory allocatable of a node'),
  m('cpu/node_utilization', G, F, 'count', 'Cpu utilization as a share of node allocatable'),
  m('memory/node_utilization', G, F, 'count', 'Memory utilization as a share of memory allocatable'),
  m('cpu/node_reservation', G, F, 'count', 'Share of cpu that is reserved on the node allocatable'),
  m('memory/node_reservation', G, F, 'count', 'Share of memory that is reserved on the node allocatable'),
  m('ephemeral_storage/node_capacity', G, F, 'count', 'Ephemeral storage capacity of a node'),
  m('ephemeral_storage/node_allocatable', G, F, 'count', 'Ephemeral storage allocatable of a node'),
  m('ephemeral_storage/node_utilization', G, F, 'count', 'Ephemeral storage utilization as a share of ephemeral storage allocatable'),
  m('ephemeral_storage/node_reservation', G, F, 'count', 'Share of ephemeral storage that is reserved on the node allocatable'),
];

/** Counter → rate, as the rate calculator applies it (Heapster `RateMetricsMapping`). */
export const rateMetricsMapping: ReadonlyMap<string, string> = new Map([
  ['cpu/usage', 'cpu/usage_rate'],
  ['memory/page_faults', 'memory/page_faults_rate'],
  ['memory/major_page_faults', 'memory/major_page_faults_rate'],
  ['network/rx', 'network/rx_rate'],
  ['network/rx_errors', 'network/rx_errors_rate'],
  ['network/tx', 'network/tx_rate'],
  ['network/tx_errors', 'network/tx_errors_rate'],
  ['disk/io_read_bytes', 'disk/io_read_bytes_rate'],
  ['disk/io_write_bytes', 'disk/io_write_bytes_rate'],
]);

/** Metrics summed into namespace and cluster sets. */
export const namespaceAggregatedMetrics: readonly string[] = [
  'cpu/usage_rate',
  'memory/usage',
  'cpu/request',
  'cpu/limit',
  'memory/request',
  'memory/limit',
];

/** Metrics summed from pods into their node set. */
export const nodeAggregatedMetrics: readonly string[] = [
  'cpu/request',
  'cpu/limit',
  'memory/request',
  'memory/limit',
  'ephemeral_storage/request',
  'ephemeral_storage/limit',
];

/** Every fixed metric of the catalogue. */
export const allMetrics: readonly MetricDescriptor[] = [
  ...standardMetrics,
  ...requestLimitMetrics,
  restartCountMetric,
  ...rateMetrics,
  ...labeledMetrics,
  ...nodeAutoscalingMetrics,
];

const byName = new Map(allMetrics.map((md) => [md.name, md]));

/** The prefix of user-defined metrics from the summary API or cAdvisor. */
export const customMetricPrefix = 'custom/';

/** At most this many `custom/<name>` metrics remember the type their first value declared. */
export const maxDeclaredCustomMetrics = 10_000;

const declaredCustomTypes = new Map<string, MetricType>();

/**
 * Records the metric type a user-defined metric (`custom/<name>`) declared, the first time it is
 * seen: values carry no type of their own (`core/metricValues.ts`), so the type lives here. Later
 * declarations of another type, and names beyond {@link maxDeclaredCustomMetrics}, keep the
 * default (gauge).
 */
export function declareCustomMetric(name: string, metricType: MetricType): void {
  if (declaredCustomTypes.has(name) || declaredCustomTypes.size >= maxDeclaredCustomMetrics) return;
  declaredCustomTypes.set(name, metricType);
}

/**
 * The descriptor of a metric name, including the dynamic ones: `custom/<name>` (float, gauge
 * unless declared otherwise) and `<extended resource>/request` (integer gauge). Unknown names
 * give `undefined`.
 */
export function describeMetric(name: string): MetricDescriptor | undefined {
  const known = byName.get(name);
  if (known) return known;
  if (name.startsWith(customMetricPrefix)) {
    return m(name, declaredCustomTypes.get(name) ?? G, F, 'count', 'User-defined metric');
  }
  if (name.endsWith('/request') && name.length > '/request'.length) {
    return m(name, G, I, 'count', `Request of extended resource ${name.slice(0, -'/request'.length)}`);
  }
  return undefined;
}

/** The types of a metric's values (they carry none of their own). */
export interface MetricTypes {
  readonly metricType: MetricType;
  readonly valueType: ValueType;
}

const typesOfKnown = new Map<string, MetricTypes>(allMetrics.map((md) => [md.name, { metricType: md.type, valueType: md.valueType }]));

/** How a value of `name` is typed: from its descriptor; unknown names are float gauges. */
export function metricTypesOf(name: string): MetricTypes {
  const known = typesOfKnown.get(name);
  if (known) return known;
  const described = describeMetric(name);
  return described ? { metricType: described.type, valueType: described.valueType } : { metricType: G, valueType: F };
}
