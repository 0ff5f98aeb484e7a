/**
 * `/api/v1/metric-export` and `/api/v1/metric-export-schema` (heapster-reference §1.5): the
 * newest batch as Heapster's GKE `Timeseries` dump, and the schema of what it exports.
 *
 * @module
 */
import { MetricSetType } from '../../core/keys.js';
import { Label, commonLabels, containerLabels, exportedLabelKeys, podLabels, type LabelDescriptor } from '../../core/labels.js';
import { labeledMetrics, metricTypesOf, requestLimitMetrics, standardMetrics, type MetricDescriptor } from '../../core/metrics.js';
import type { DataBatch, MetricSet } from '../../core/types.js';
import type { QueryService } from '../query/types.js';
import { scopedAnswer } from './access.js';
import { formatGoTime } from './goTime.js';
import { jsonReply } from './reply.js';
import type { Route } from './router.js';

const limitMetrics = requestLimitMetrics.filter((m) => m.name === 'cpu/limit' || m.name === 'memory/limit');

/** Heapster's "GKE metrics": standard, then cpu/memory limits, then labeled; rates and requests are not exported. */
export const exportedMetrics: readonly MetricDescriptor[] = [...standardMetrics, ...limitMetrics, ...labeledMetrics];
const exportedNames = new Set(exportedMetrics.map((m) => m.name));
const exportedTypes = new Set<string>([MetricSetType.Node, MetricSetType.Pod, MetricSetType.PodContainer, MetricSetType.SystemContainer]);

/** One exported point. */
interface PointJson {
  start: string;
  end: string;
  labels?: Record<string, string>;
  value: number;
}

/** One exported metric set. */
interface TimeseriesJson {
  metrics: Record<string, PointJson[]>;
  labels: Record<string, string>;
}

/** Go writes map keys sorted; so does this. */
function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function exportLabels(set: MetricSet): Record<string, string> {
  const labels = new Map(Object.entries(set.labels).filter(([key]) => exportedLabelKeys.has(key)));
  const type = set.labels[Label.Type];
  if (type === MetricSetType.Node) labels.set(Label.ContainerName, 'machine');
  if (type === MetricSetType.Pod) labels.set(Label.ContainerName, '/pod');
  return sortedRecord(labels);
}

function point(batch: DataBatch, set: MetricSet, name: string, value: number, labels?: Record<string, string>): PointJson {
  // Cumulative points start when the entity's counters started.
  const start = metricTypesOf(name).metricType === 'cumulative' ? set.collectionStartTime : batch.timestamp;
  const end = formatGoTime(batch.timestamp);
  if (!labels) return { start: formatGoTime(start), end, value };
  return { start: formatGoTime(start), end, labels: sortedRecord(Object.entries(labels)), value };
}

/** The export of one batch: a Timeseries per node, pod, pod-container and system-container set. */
export function exportBatch(batch: DataBatch): TimeseriesJson[] {
  const keys = [...batch.metricSets.keys()].sort();
  const timeseries: TimeseriesJson[] = [];
  for (const key of keys) {
    const set = batch.metricSets.get(key)!;
    if (!exportedTypes.has(set.labels[Label.Type] ?? '')) continue;
    const metrics = new Map<string, PointJson[]>();
    const add = (name: string, p: PointJson) => metrics.set(name, [...(metrics.get(name) ?? []), p]);
    for (const [name, value] of set.metricValues) if (exportedNames.has(name)) add(name, point(batch, set, name, value));
    for (const labeled of set.labeledMetrics) if (exportedNames.has(labeled.name)) add(labeled.name, point(batch, set, labeled.name, labeled.value, labeled.labels));
    timeseries.push({ metrics: sortedRecord(metrics), labels: exportLabels(set) });
  }
  return timeseries;
}

const describeLabel = ({ key, description }: LabelDescriptor) => ({ key, description });

/** One metric of the schema, in Heapster's `MetricDescriptor` JSON (empty fields omitted). */
function describe(metric: MetricDescriptor): Record<string, unknown> {
  const json: Record<string, unknown> = { name: metric.name, description: metric.description };
  if (metric.labels.length > 0) json.labels = metric.labels.map(describeLabel);
  json.type = metric.type;
  json.value_type = metric.valueType === 'float' ? 'double' : 'int64';
  // Dimensionless units serialise as an empty string and are omitted.
  if (metric.units !== 'count') json.units = metric.units;
  return json;
}

/** The `TimeseriesSchema`. */
export function exportSchema(): Record<string, unknown> {
  return {
    metrics: exportedMetrics.map(describe),
    common_labels: [...commonLabels, ...containerLabels].map(describeLabel),
    pod_labels: podLabels.map(describeLabel),
  };
}

/** Options of {@link exportRoutes}. */
export interface ExportOptions {
  /** `--disable_export`: the export is always `[]`. */
  disableExport: boolean;
}

/**
 * The two export routes. The export dumps every namespace, so it needs the `cluster` right (and
 * shows nodes only with `nodes`); the schema is the static catalogue and is open to every caller.
 */
export function exportRoutes(query: QueryService, { disableExport }: ExportOptions): Route[] {
  return [
    {
      pattern: '/api/v1/metric-export',
      handler: 'exportMetrics',
      produces: 'json',
      answer: scopedAnswer(
        query,
        (_request, view) => {
          if (disableExport) return jsonReply([], { pretty: false });
          const batch = view.latestBatch();
          // Heapster returned a nil slice, JSON `null`, before the first batch.
          return jsonReply(batch ? exportBatch(batch) : null, { pretty: false });
        },
        { permission: 'cluster' },
      ),
    },
    { pattern: '/api/v1/metric-export-schema', handler: 'exportMetricsSchema', produces: 'json', answer: () => jsonReply(exportSchema()) },
  ];
}
