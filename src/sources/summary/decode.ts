/**
 * The kubelet `/stats/summary` decoder: one node's response body → its metric sets, with
 * Heapster master's `kubernetes.summary_api` mapping (heapster-reference §3.4, §3.5).
 *
 * Keys use the summary's own `node.nodeName`; the `nodename`, `hostname` and `host_id` labels
 * come from the {@link NodeInfo} the scrape was made for.
 *
 * @module
 */
import { podContainerKey, podKey, systemContainerKey, nodeKey } from '../../core/keys.js';
import type { MetricSet } from '../../core/types.js';
import { SourceError } from '../errors.js';
import type { DecodedNode, NodeInfo } from '../types.js';
import { decodeContainerSet, decodeNodeSet, decodePodSet, type EntityContext } from './entities.js';
import {
  FieldProblem,
  describeReceived,
  isJsonObject,
  malformed,
  readName,
  readText,
  readTime,
  requireEntityList,
  summaryLimits,
  type JsonObject,
} from './schema.js';
import { createKeyMemo, type KeyMemo } from './keyMemo.js';
import { createTimestampReader } from './timestamp.js';

/** Options of {@link decodeSummary}. */
export interface DecodeSummaryOptions {
  /** Wall-clock time of the decode, ms since the epoch; `uptime` = nowMs − startTime. */
  nowMs: number;
  /**
   * Called once per dropped entity with its path in the document (`pods[3].containers[0]`)
   * and the reason, for logs. Optional.
   */
  onDroppedEntity?: (path: string, reason: string) => void;
  /**
   * Keys of the previous scrape of each node, reused for the same sets. @default one memo shared
   * by every caller that passes none (its owner cannot forget nodes that left)
   */
  keys?: KeyMemo;
}

/**
 * Summary system-container names mapped to the names Heapster's users know (§3.5):
 * `runtime` → `docker-daemon`, `misc` → `system`; others (`kubelet`, `pods`) unchanged.
 */
export const legacySystemContainerNames: ReadonlyMap<string, string> = new Map([
  ['runtime', 'docker-daemon'],
  ['misc', 'system'],
]);

const utf8 = new TextDecoder();

/** Keys of the sets decoded before, given again to the same sets of later scrapes. */
const knownKeys = createKeyMemo();

/** Builds a string from itself: through the memo, a pod UID seen before comes back as the string already held. */
const sameText = (text: string): string => text;

/**
 * Decodes one kubelet summary.
 *
 * - `node:<nodeName>` (type `node`), `node:<nodeName>/container:<name>` (`sys_container`, legacy
 *   names), `namespace:<ns>/pod:<pod>` (`pod`) and `.../container:<name>` (`pod_container`) sets.
 * - Absent or `null` values emit no metric. An entity with a bad value (wrong type, negative,
 *   non-integer count, > 2^63, unparsable time) is dropped and counted in `droppedEntities`; a
 *   pod whose `podRef` is unusable is dropped with all its containers.
 * - Two containers of one pod with the same name: the later `startTime` wins (on a tie, the later
 *   entry), as in Heapster; the superseded one is not counted as dropped.
 * - Labeled metrics of one filesystem share a label object; treat labels as read-only.
 *
 * @throws SourceError with code `malformed` when the document is unusable: invalid JSON, root or
 *   `node` not an object, no `node.nodeName`, an entity list that is not an array or exceeds
 *   {@link summaryLimits}. It never throws anything else.
 */
export function decodeSummary(body: string | Uint8Array, node: NodeInfo, options: DecodeSummaryOptions): DecodedNode {
  try {
    return decodeDocument(parseBody(body, node.nodeName), node, options);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceError('malformed', `kubelet summary of node ${node.nodeName}: decoding failed: ${reason}`, {
      node: node.nodeName,
    });
  }
}

function parseBody(body: string | Uint8Array, nodeName: string): unknown {
  const text = typeof body === 'string' ? body : utf8.decode(body);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw malformed('body', `invalid JSON (${reason})`, nodeName);
  }
}

function decodeDocument(document: unknown, info: NodeInfo, options: DecodeSummaryOptions): DecodedNode {
  const { nowMs, onDroppedEntity, keys: memo = knownKeys } = options;
  const reportedAs = info.nodeName;
  if (!isJsonObject(document)) {
    throw malformed('document', `expected an object, received ${describeReceived(document)}`, reportedAs);
  }
  const nodeStats = document['node'];
  if (!isJsonObject(nodeStats)) {
    throw malformed('node', `expected an object, received ${describeReceived(nodeStats)}`, reportedAs);
  }
  const nodeName = nodeStats['nodeName'];
  if (typeof nodeName !== 'string' || nodeName === '') {
    throw malformed('node.nodeName', `expected a non-empty string, received ${describeReceived(nodeName)}`, reportedAs);
  }
  const systemContainers = requireEntityList(
    nodeStats,
    'systemContainers',
    () => 'node.systemContainers',
    summaryLimits.systemContainersPerNode,
    reportedAs,
  );
  const pods = requireEntityList(document, 'pods', () => 'pods', summaryLimits.podsPerNode, reportedAs);

  const metricSets = new Map<string, MetricSet>();
  let droppedEntities = 0;
  const drop = (path: () => string, problem: unknown, entities = 1): void => {
    if (!(problem instanceof FieldProblem)) throw problem;
    droppedEntities += entities;
    onDroppedEntity?.(path(), problem.message);
  };
  const { nodeName: nodename, hostname, hostId: host_id } = info;
  // Keyed by the node scraped, which its owner forgets when the node leaves; a key is reused only
  // when built from the same parts, so it is right whatever name the summary reports.
  const keys = memo.begin(info.nodeName);
  const context: EntityContext = { nowMs, readTimestamp: createTimestampReader(), remembered: keys };

  try {
    const labels = { nodename, hostname, host_id, type: 'node' };
    metricSets.set(keys.key(nodeKey, nodeName), decodeNodeSet(nodeStats, labels, context));
  } catch (problem) {
    drop(() => 'node', problem);
  }

  for (let i = 0; i < systemContainers.length; i++) {
    try {
      const container = asEntity(systemContainers[i]);
      const reported = readName(container, 'name', '');
      const key = keys.key(systemContainerKey, nodeName, legacySystemContainerNames.get(reported) ?? reported);
      const labels = { nodename, hostname, host_id, type: 'sys_container', container_name: keys.part(1) };
      const startTime = readTime(container, 'startTime', '', context.readTimestamp);
      metricSets.set(key, decodeContainerSet(container, labels, startTime, context));
    } catch (problem) {
      drop(() => `node.systemContainers[${i}]`, problem);
    }
  }

  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i];
    if (!isJsonObject(pod)) {
      drop(() => `pods[${i}]`, new FieldProblem('', 'an object', pod));
      continue;
    }
    const containers = requireEntityList(pod, 'containers', () => `pods[${i}].containers`, summaryLimits.containersPerPod, reportedAs);
    const volumes = requireEntityList(pod, 'volume', () => `pods[${i}].volume`, summaryLimits.volumesPerPod, reportedAs);

    let pod_id: string, pod_name: string, namespace_name: string;
    try {
      const podRef = pod['podRef'];
      if (!isJsonObject(podRef)) throw new FieldProblem('podRef', 'an object', podRef);
      pod_id = keys.key(sameText, readText(podRef, 'uid', 'podRef'));
      pod_name = readName(podRef, 'name', 'podRef');
      namespace_name = readName(podRef, 'namespace', 'podRef');
    } catch (problem) {
      // Without a name and namespace the containers cannot be keyed either.
      drop(() => `pods[${i}]`, problem, 1 + containers.length);
      continue;
    }

    const key = keys.key(podKey, namespace_name, pod_name);
    namespace_name = keys.part(0);
    pod_name = keys.part(1);
    try {
      const labels = { nodename, hostname, host_id, type: 'pod', pod_id, pod_name, namespace_name };
      metricSets.set(key, decodePodSet(pod, labels, volumes, context));
    } catch (problem) {
      drop(() => `pods[${i}]`, problem);
    }

    for (let j = 0; j < containers.length; j++) {
      try {
        const container = asEntity(containers[j]);
        const container_name = readName(container, 'name', '');
        const startTime = readTime(container, 'startTime', '', context.readTimestamp);
        const key = keys.key(podContainerKey, namespace_name, pod_name, container_name);
        // A restarted container can be reported twice; never let the older one replace the newer.
        const existing = metricSets.get(key);
        if (existing !== undefined && startTime < existing.collectionStartTime) continue;
        const labels = {
          nodename,
          hostname,
          host_id,
          type: 'pod_container',
          pod_id,
          pod_name,
          namespace_name,
          container_name: keys.part(2),
        };
        metricSets.set(key, decodeContainerSet(container, labels, startTime, context));
      } catch (problem) {
        drop(() => `pods[${i}].containers[${j}]`, problem);
      }
    }
  }

  keys.done();
  return { metricSets, droppedEntities };
}

function asEntity(value: unknown): JsonObject {
  if (isJsonObject(value)) return value;
  throw new FieldProblem('', 'an object', value);
}
