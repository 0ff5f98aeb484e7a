/**
 * Decoder of the kubelet `/metrics/resource` endpoint (Prometheus text, what metrics-server
 * scrapes) into Heapster metric sets shaped like the summary source's.
 *
 * Mapping: `*_cpu_usage_seconds_total` → `cpu/usage` (ns, rounded), `*_memory_working_set_bytes`
 * → `memory/working_set`, `container_start_time_seconds` → the container's
 * `collectionStartTime` and `uptime`. `scrapeTime` is the CPU sample's timestamp, else the
 * memory sample's, else `nowMs`. The endpoint carries no `memory/usage`, network, filesystem or
 * pod UID; the pod enricher fills `pod_id`.
 *
 * Errors: a body that is not text format 0.0.4 is `malformed`. So is a body with no kubelet
 * resource family at all (wrong endpoint, empty body), and one whose `scrape_error` /
 * `resource_scrape_error` is non-zero while no entity has a usable reading. The kubelet sends no
 * samples with an error, but if it ever did, partial data is decoded rather than discarded.
 * An entity with an unusable value (negative, NaN, ±Inf, beyond int64) or without its pod
 * labels is dropped and counted in `droppedEntities`; the rest of the node is kept.
 *
 * @module
 */
import { PromTextError } from '../promtext/errors.js';
import { parsePromText } from '../promtext/parse.js';
import { SourceError } from '../errors.js';
import type { DecodedNode, NodeInfo } from '../types.js';
import { buildMetricSets } from './build.js';
import { createSampleCollector, type CollectedSamples } from './collect.js';

/** Options of {@link decodeResourceMetrics}. */
export interface DecodeResourceOptions {
  /** Wall-clock time of the decode, ms: the scrape time of samples without a timestamp and the reference for `uptime`. */
  nowMs: number;
}

/**
 * Decodes one kubelet `/metrics/resource` response.
 *
 * @param body - the response body, as text or raw bytes (UTF-8).
 * @param node - the node the response came from (keys and common labels).
 * @throws {SourceError} with code `malformed` only.
 */
export function decodeResourceMetrics(body: string | Uint8Array, node: NodeInfo, options: DecodeResourceOptions): DecodedNode {
  const { nowMs } = options;
  const context = { node: node.nodeName };
  const text = typeof body === 'string' ? body : utf8(body, context);
  const collector = createSampleCollector();
  try {
    parsePromText(text, collector.add);
  } catch (error) {
    if (error instanceof PromTextError) {
      throw new SourceError('malformed', `invalid Prometheus text: ${error.message}`, {
        ...context,
        line: error.line,
        column: error.column,
      });
    }
    throw new SourceError('malformed', `cannot decode resource metrics: ${String(error)}`, context);
  }
  const collected = collector.result();
  checkUsable(collected, context);
  return buildMetricSets(collected, node, nowMs);
}

function utf8(body: Uint8Array, context: Record<string, string>): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new SourceError('malformed', 'body is not valid UTF-8', context);
  }
}

function checkUsable(collected: CollectedSamples, context: Record<string, string>): void {
  if (!collected.recognized) {
    throw new SourceError('malformed', 'body has no kubelet resource metrics', context);
  }
  if (collected.scrapeError !== true) return;
  for (const entity of collected.entities.values()) {
    const hasReading = entity.cpuNs !== undefined || entity.workingSetBytes !== undefined || entity.startMs !== undefined;
    if (!entity.invalid && hasReading) return;
  }
  throw new SourceError('malformed', 'kubelet reported scrape_error', context);
}
