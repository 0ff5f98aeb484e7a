/**
 * From Node objects to kubelet scrape targets, per Heapster's `GetNodeHostnameAndIP` and
 * the summary source's `getNodeInfo` (reference §3.2).
 *
 * @module
 */
import { isIP } from 'node:net';
import type { V1Node } from '@kubernetes/client-node';
import { NodeError } from './errors.js';

/** Where and how to reach one node's kubelet. */
export interface NodeAddress {
  /** `metadata.name`. */
  readonly nodeName: string;
  /** Last `Hostname` address, else the node name. */
  readonly hostname: string;
  /** Last valid `InternalIP`, else the first `ExternalIP` (which must parse). IPv6 without brackets. */
  readonly ip: string;
  /** Kubelet port: the configured one, or the node's advertised one with `kubeletPort: 'node'`. */
  readonly port: number;
  /** `spec.externalID`, else the `hostIdAnnotation` annotation, else `''`. */
  readonly hostId: string;
  /** False when `spec.unschedulable` is set (Heapster's `schedulable` label, v1.5+). */
  readonly schedulable: boolean;
}

/** Options for {@link nodeAddress}, taken from the source URI. */
export interface NodeAddressOptions {
  /** A fixed port, or `'node'` for `status.daemonEndpoints.kubeletEndpoint.Port`. */
  kubeletPort: number | 'node';
  /** Annotation read for host_id when `spec.externalID` is empty. */
  hostIdAnnotation?: string;
}

/** Either a target or the reason there is none. */
export type NodeAddressResult = { ok: true; address: NodeAddress } | { ok: false; error: NodeError };

/** False only when the node has a `Ready` condition whose status is not `True` (no condition = ready, as in Heapster). */
export function isNodeReady(node: V1Node): boolean {
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  return ready === undefined || ready.status === 'True';
}

/** Go's `net.ParseIP`: plain IPv4 or IPv6, no zone, no brackets. */
function isValidIp(text: string): boolean {
  return isIP(text) !== 0 && !text.includes('%');
}

/**
 * The scrape target of one node. Readiness is not checked here (see {@link isNodeReady}).
 *
 * IP choice walks the addresses in order: every `InternalIP` that parses overwrites the choice,
 * an `ExternalIP` is taken only while nothing is chosen yet (a later `InternalIP` still wins).
 */
export function nodeAddress(node: V1Node, { kubeletPort, hostIdAnnotation }: NodeAddressOptions): NodeAddressResult {
  const nodeName = node.metadata?.name ?? '';
  let hostname = nodeName;
  let ip = '';
  for (const { type, address } of node.status?.addresses ?? []) {
    if (address === '') continue;
    if (type === 'Hostname') hostname = address;
    else if (type === 'InternalIP' && isValidIp(address)) ip = address;
    else if (type === 'ExternalIP' && ip === '') ip = address;
  }
  if (!isValidIp(ip)) {
    const error = new NodeError('no_address', `node ${nodeName} has no valid hostname and/or IP address: ${hostname} ${ip}`, nodeName);
    return { ok: false, error };
  }

  let port: number;
  if (kubeletPort === 'node') {
    const advertised = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
    if (!Number.isInteger(advertised) || advertised < 1 || advertised > 65_535) {
      const error = new NodeError('no_kubelet_port', `node ${nodeName} advertises no kubelet port (status.daemonEndpoints.kubeletEndpoint.Port = ${advertised}) and kubeletPort=node`, nodeName);
      return { ok: false, error };
    }
    port = advertised;
  } else {
    port = kubeletPort;
  }

  let hostId = node.spec?.externalID ?? '';
  if (hostId === '' && hostIdAnnotation !== undefined && hostIdAnnotation !== '') {
    hostId = node.metadata?.annotations?.[hostIdAnnotation] ?? '';
  }
  return { ok: true, address: { nodeName, hostname, ip, port, hostId, schedulable: node.spec?.unschedulable !== true } };
}

/** Every node split into scrape targets and the nodes skipped this cycle, with reasons. */
export interface NodeTargets {
  readonly targets: readonly NodeAddress[];
  readonly skipped: readonly NodeError[];
}

/**
 * Applies §3.2 to a node list: not-ready nodes and nodes without a usable address are skipped
 * (returned with their error, for the caller to log and count), the rest become targets.
 */
export function nodeTargets(nodes: readonly V1Node[], options: NodeAddressOptions): NodeTargets {
  const targets: NodeAddress[] = [];
  const skipped: NodeError[] = [];
  for (const node of nodes) {
    const nodeName = node.metadata?.name ?? '';
    if (!isNodeReady(node)) {
      skipped.push(new NodeError('not_ready', `node ${nodeName} is not ready`, nodeName));
      continue;
    }
    const result = nodeAddress(node, options);
    if (result.ok) targets.push(result.address);
    else skipped.push(result.error);
  }
  return { targets, skipped };
}
