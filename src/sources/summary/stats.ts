/**
 * One summary stats block → metrics of one set, following Heapster master's
 * `metrics/sources/summary/summary.go` field by field (heapster-reference §3.4).
 * Every reader throws {@link FieldProblem} for a bad value; absent values emit nothing.
 *
 * @module
 */
import type { MetricSet, MetricType } from '../../core/types.js';
import type { KeyCursor } from './keyMemo.js';
import { customMetricPrefix, declareCustomMetric } from '../../core/metrics.js';
import {
  FieldProblem,
  isJsonObject,
  readCount,
  readFloat,
  readName,
  readStatsList,
  readText,
  readTime,
  summaryLimits,
  type JsonObject,
} from './schema.js';
import type { TimestampReader } from './timestamp.js';

// Gauge and cumulative differ only in the catalogue; both names are kept so each line below
// reads like Heapster's summary.go.
function setGauge(set: MetricSet, name: string, value: number | undefined): void {
  if (value !== undefined) set.metricValues.set(name, value);
}

const setCumulative = setGauge;

function pushGauge(set: MetricSet, name: string, labels: Record<string, string>, value: number | undefined): void {
  if (value !== undefined) set.labeledMetrics.add(name, labels, value);
}

/**
 * The time the kubelet sampled an entity: the first non-zero of `cpu.time`, `memory.time`,
 * `network.time` among the blocks given (Heapster's `getScrapeTime`). Every given block's time
 * is validated, so a garbled time drops the entity even when an earlier one was usable.
 */
export function scrapeTimeOf(
  readTimestamp: TimestampReader,
  cpu: JsonObject | undefined,
  memory: JsonObject | undefined,
  network: JsonObject | undefined,
): number {
  const cpuTime = cpu ? readTime(cpu, 'time', 'cpu', readTimestamp) : 0;
  const memoryTime = memory ? readTime(memory, 'time', 'memory', readTimestamp) : 0;
  const networkTime = network ? readTime(network, 'time', 'network', readTimestamp) : 0;
  return cpuTime || memoryTime || networkTime;
}

/** `uptime` = now − start (ms), only when the start is known. */
export function addUptime(set: MetricSet, startTimeMs: number, nowMs: number): void {
  // Heapster let a start in the future (kubelet clock ahead) wrap through uint64 into a
  // negative uptime; a negative cumulative is meaningless, so it is clamped to 0.
  if (startTimeMs !== 0) set.metricValues.set('uptime', Math.max(0, nowMs - startTimeMs));
}

/** `cpu/usage` from `usageCoreNanoSeconds`; `usageNanoCores` is ignored (the rate is recomputed). */
export function addCpu(set: MetricSet, cpu: JsonObject | undefined): void {
  if (cpu) setCumulative(set, 'cpu/usage', readCount(cpu, 'usageCoreNanoSeconds', 'cpu'));
}

/** `memory/usage`, `working_set`, `rss`, `page_faults`, `major_page_faults`; `availableBytes` ignored. */
export function addMemory(set: MetricSet, memory: JsonObject | undefined): void {
  if (!memory) return;
  setGauge(set, 'memory/usage', readCount(memory, 'usageBytes', 'memory'));
  setGauge(set, 'memory/working_set', readCount(memory, 'workingSetBytes', 'memory'));
  setGauge(set, 'memory/rss', readCount(memory, 'rssBytes', 'memory'));
  setCumulative(set, 'memory/page_faults', readCount(memory, 'pageFaults', 'memory'));
  setCumulative(set, 'memory/major_page_faults', readCount(memory, 'majorPageFaults', 'memory'));
}

/** `network/*` from the top-level (default interface) counters; `interfaces[]` is ignored. */
export function addNetwork(set: MetricSet, network: JsonObject | undefined): void {
  if (!network) return;
  setCumulative(set, 'network/rx', readCount(network, 'rxBytes', 'network'));
  setCumulative(set, 'network/rx_errors', readCount(network, 'rxErrors', 'network'));
  setCumulative(set, 'network/tx', readCount(network, 'txBytes', 'network'));
  setCumulative(set, 'network/tx_errors', readCount(network, 'txErrors', 'network'));
}

/** `ephemeral_storage/usage` (node: `fs.usedBytes`, pod: `ephemeral-storage.usedBytes`). */
export function addEphemeralStorage(set: MetricSet, usedBytes: number | undefined): void {
  setGauge(set, 'ephemeral_storage/usage', usedBytes);
}

/**
 * Filesystem label objects are shared by every set and batch, and frozen: `/` and `logs` repeat
 * in every container, volume names in every replica, and a fresh object and string per
 * filesystem per batch were a good part of what each batch left for the collector to copy.
 */
export const rootFilesystemLabels: Readonly<Record<string, string>> = Object.freeze({ resource_id: '/' });
/** See {@link rootFilesystemLabels}. */
export const logsFilesystemLabels: Readonly<Record<string, string>> = Object.freeze({ resource_id: 'logs' });

/**
 * The `Volume:<name>` label object of a volume (frozen: shared by its five metrics). The decoder
 * hands a volume reported again the object it had through its per-node memo (`keyMemo.ts`), so
 * this runs only for new volumes. The memo replaced a cache by name, cleared past 100,000 names,
 * which every 5,000-node batch (~150,000 volumes) emptied; its look-up was ~2 % of decode.
 */
export function volumeLabels(name: string): Readonly<Record<string, string>> {
  return Object.freeze({ resource_id: `Volume:${name}` });
}

/**
 * `filesystem/{usage,limit,available,inodes,inodes_free}` labeled `labels` (`resource_id`);
 * `inodesUsed` is ignored. The five metrics share the one label object (as in Heapster).
 * Returns `usedBytes` for the ephemeral-storage sums.
 */
export function addFilesystem(
  set: MetricSet,
  fs: JsonObject | undefined,
  labels: Readonly<Record<string, string>>,
  where: string,
): number | undefined {
  if (!fs) return undefined;
  const usedBytes = readCount(fs, 'usedBytes', where);
  const capacityBytes = readCount(fs, 'capacityBytes', where);
  const availableBytes = readCount(fs, 'availableBytes', where);
  const inodes = readCount(fs, 'inodes', where);
  const inodesFree = readCount(fs, 'inodesFree', where);
  const shared = labels as Record<string, string>;
  pushGauge(set, 'filesystem/usage', shared, usedBytes);
  pushGauge(set, 'filesystem/limit', shared, capacityBytes);
  pushGauge(set, 'filesystem/available', shared, availableBytes);
  pushGauge(set, 'filesystem/inodes', shared, inodes);
  pushGauge(set, 'filesystem/inodes_free', shared, inodesFree);
  return usedBytes;
}

/**
 * `pods[].volume[]` → filesystem metrics labeled `Volume:<name>`; `pvcRef` is ignored. Label
 * objects come from `remembered` (the node's memo, see {@link volumeLabels}).
 */
export function addVolumes(set: MetricSet, volumes: readonly unknown[], remembered: KeyCursor): void {
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i];
    const where = `volume[${i}]`;
    if (!isJsonObject(volume)) throw new FieldProblem(where, 'an object', volume);
    addFilesystem(set, volume, remembered.key(volumeLabels, readName(volume, 'name', where)), where);
  }
}

/** `accelerator/{memory_total,memory_used,duty_cycle}` labeled `make`, `model`, `accelerator_id`. */
export function addAccelerators(set: MetricSet, container: JsonObject): void {
  const accelerators = readStatsList(container, 'accelerators', '', summaryLimits.acceleratorsPerContainer);
  if (!accelerators) return;
  for (let i = 0; i < accelerators.length; i++) {
    const accelerator = accelerators[i];
    const where = `accelerators[${i}]`;
    if (!isJsonObject(accelerator)) throw new FieldProblem(where, 'an object', accelerator);
    const labels = {
      make: readText(accelerator, 'make', where),
      model: readText(accelerator, 'model', where),
      accelerator_id: readText(accelerator, 'id', where),
    };
    pushGauge(set, 'accelerator/memory_total', labels, readCount(accelerator, 'memoryTotal', where));
    pushGauge(set, 'accelerator/memory_used', labels, readCount(accelerator, 'memoryUsed', where));
    pushGauge(set, 'accelerator/duty_cycle', labels, readCount(accelerator, 'dutyCycle', where));
  }
}

const userDefinedMetricTypes: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ['gauge', 'gauge'],
  ['cumulative', 'cumulative'],
  ['delta', 'delta'],
]);

/** `userDefinedMetrics[]` → `custom/<name>` float values; an unknown `type` is skipped, as in Heapster. */
export function addUserDefinedMetrics(set: MetricSet, container: JsonObject): void {
  const metrics = readStatsList(container, 'userDefinedMetrics', '', summaryLimits.userDefinedMetricsPerContainer);
  if (!metrics) return;
  for (let i = 0; i < metrics.length; i++) {
    const metric = metrics[i];
    const where = `userDefinedMetrics[${i}]`;
    if (!isJsonObject(metric)) throw new FieldProblem(where, 'an object', metric);
    const name = readName(metric, 'name', where);
    const value = readFloat(metric, 'value', where);
    const metricType = userDefinedMetricTypes.get(readText(metric, 'type', where));
    if (metricType === undefined || value === undefined) continue;
    declareCustomMetric(customMetricPrefix + name, metricType);
    set.metricValues.set(customMetricPrefix + name, value);
  }
}
