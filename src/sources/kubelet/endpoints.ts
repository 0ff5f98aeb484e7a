/**
 * The two kubelet endpoints a node can be scraped from, each with its path and its decoder.
 *
 * @module
 */
import type { DecodedNode, NodeInfo } from '../types.js';
import { decodeResourceMetrics } from '../resource/decode.js';
import { decodeSummary } from '../summary/decode.js';
import type { KeyMemo } from '../summary/keyMemo.js';

/** `summary` = Summary API JSON (Heapster `kubernetes.summary_api`); `resource` = Prometheus text. */
export type KubeletEndpoint = 'summary' | 'resource';

/**
 * Turns one kubelet response into metric sets; throws `SourceError('malformed')` on bad input.
 * `keys` is the source manager's memo of each node's set keys (the summary decoder reuses them).
 */
export type NodeDecoder = (body: Uint8Array, node: NodeInfo, options: { nowMs: number; keys: KeyMemo }) => DecodedNode;

/** Path and decoder of each endpoint. The summary path keeps Heapster's trailing slash. */
export const kubeletEndpoints: Readonly<Record<KubeletEndpoint, { path: string; decode: NodeDecoder }>> = {
  summary: { path: '/stats/summary/', decode: decodeSummary },
  resource: { path: '/metrics/resource', decode: decodeResourceMetrics },
};
