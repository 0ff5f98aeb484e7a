/**
 * One summary entity (node, container, pod) → one metric set, in Heapster master's order
 * (`decodeNodeStats`, `decodeContainerStats`, `decodePodStats`). Labels are built by the caller;
 * these functions only read stats and throw {@link FieldProblem} for a bad value.
 *
 * @module
 */
import { createMetricSet, type MetricSet } from '../../core/types.js';
import { readBlock, readCount, readTime, type JsonObject } from './schema.js';
import {
  addAccelerators,
  addCpu,
  addEphemeralStorage,
  addFilesystem,
  logsFilesystemLabels,
  rootFilesystemLabels,
  addMemory,
  addNetwork,
  addUptime,
  addUserDefinedMetrics,
  addVolumes,
  scrapeTimeOf,
} from './stats.js';
import type { TimestampReader } from './timestamp.js';
import type { KeyCursor } from './keyMemo.js';

/** What every entity decoder needs besides the entity. */
export interface EntityContext {
  /** Wall-clock "now" of this decode, ms (uptimes are measured against it). */
  readonly nowMs: number;
  /** The document's timestamp reader (caches repeated strings). */
  readonly readTimestamp: TimestampReader;
  /** The node's memo of the previous scrape (keys, volume labels). */
  readonly remembered: KeyCursor;
}

/**
 * The node itself: `uptime`, cpu, memory, network, root filesystem (`resource_id="/"`) and
 * `ephemeral_storage/usage` = `fs.usedBytes`. `runtime.imageFs`, `rlimit`, `swap`, `io` are ignored.
 */
export function decodeNodeSet(node: JsonObject, labels: Record<string, string>, context: EntityContext): MetricSet {
  const startTime = readTime(node, 'startTime', '', context.readTimestamp);
  const cpu = readBlock(node, 'cpu', '');
  const memory = readBlock(node, 'memory', '');
  const network = readBlock(node, 'network', '');
  const set = createMetricSet(labels, {
    collectionStartTime: startTime,
    scrapeTime: scrapeTimeOf(context.readTimestamp, cpu, memory, network),
  });
  addUptime(set, startTime, context.nowMs);
  addCpu(set, cpu);
  addMemory(set, memory);
  addNetwork(set, network);
  addEphemeralStorage(set, addFilesystem(set, readBlock(node, 'fs', ''), rootFilesystemLabels, 'fs'));
  return set;
}

/**
 * A system or pod container: `uptime`, cpu, memory, accelerators, `rootfs` (`resource_id="/"`),
 * `logs` (`resource_id="logs"`), `ephemeral_storage/usage` = rootfs + logs used bytes (only when
 * both are reported) and user-defined metrics. Scrape time comes from cpu/memory only.
 * `startTimeMs` is read by the caller, which needs it first to resolve duplicate names.
 */
export function decodeContainerSet(
  container: JsonObject,
  labels: Record<string, string>,
  startTimeMs: number,
  context: EntityContext,
): MetricSet {
  const cpu = readBlock(container, 'cpu', '');
  const memory = readBlock(container, 'memory', '');
  const set = createMetricSet(labels, {
    collectionStartTime: startTimeMs,
    scrapeTime: scrapeTimeOf(context.readTimestamp, cpu, memory, undefined),
  });
  addUptime(set, startTimeMs, context.nowMs);
  addCpu(set, cpu);
  addMemory(set, memory);
  addAccelerators(set, container);
  const rootfsUsed = addFilesystem(set, readBlock(container, 'rootfs', ''), rootFilesystemLabels, 'rootfs');
  const logsUsed = addFilesystem(set, readBlock(container, 'logs', ''), logsFilesystemLabels, 'logs');
  if (rootfsUsed !== undefined && logsUsed !== undefined) addEphemeralStorage(set, rootfsUsed + logsUsed);
  addUserDefinedMetrics(set, container);
  return set;
}

/**
 * The pod: `uptime`, network (default interface), pod-level cpu and memory when the kubelet
 * reports them, `ephemeral_storage/usage` = `ephemeral-storage.usedBytes`, and one filesystem
 * group per volume (`resource_id="Volume:<name>"`). Scrape time comes from `network.time` only,
 * as in Heapster: a pod without network stats gets none (and no pod-level rates).
 */
export function decodePodSet(
  pod: JsonObject,
  labels: Record<string, string>,
  volumes: readonly unknown[],
  context: EntityContext,
): MetricSet {
  const startTime = readTime(pod, 'startTime', '', context.readTimestamp);
  const network = readBlock(pod, 'network', '');
  const ephemeralStorage = readBlock(pod, 'ephemeral-storage', '');
  const set = createMetricSet(labels, {
    collectionStartTime: startTime,
    scrapeTime: scrapeTimeOf(context.readTimestamp, undefined, undefined, network),
  });
  addUptime(set, startTime, context.nowMs);
  addNetwork(set, network);
  addCpu(set, readBlock(pod, 'cpu', ''));
  addMemory(set, readBlock(pod, 'memory', ''));
  if (ephemeralStorage) addEphemeralStorage(set, readCount(ephemeralStorage, 'usedBytes', 'ephemeral-storage'));
  addVolumes(set, volumes, context.remembered);
  return set;
}
