/**
 * The source seam: one node's kubelet response in, metric sets out; a whole scrape in, a batch
 * plus a per-node status out. A node's failure is data (its status), never an exception of
 * the scrape.
 *
 * @module
 */
import type { DataBatch, MetricSet } from '../core/types.js';
import type { SourceErrorCode } from './errors.js';

/** What the decoder needs to know about the node a response came from. */
export interface NodeInfo {
  /** Kubernetes node name (keys use the summary's own `node.nodeName`). */
  nodeName: string;
  /** Last `Hostname` address, else the node name. */
  hostname: string;
  /** `spec.externalID` or the `host_id_annotation` value; empty when unknown. */
  hostId: string;
}

/** Metric sets decoded from one kubelet response, keyed by metric-set key. */
export interface DecodedNode {
  metricSets: Map<string, MetricSet>;
  /** Entities dropped because a required field was missing or invalid (counted, not fatal). */
  droppedEntities: number;
}

/** How the last scrape of one node ended. */
export type ScrapeOutcome = 'ok' | SourceErrorCode;

/** The last scrape of one node, kept for the APIs. */
export interface NodeScrapeStatus {
  nodeName: string;
  /** `http(s)://ip:port/path` that was scraped. */
  url: string;
  outcome: ScrapeOutcome;
  /** Milliseconds from request start to decoded result (or failure). */
  latencyMs: number;
  /** Error text when the outcome is not `ok`. */
  error?: string;
  /** End time of the last successful scrape, ms; 0 = never. */
  lastSuccessMs: number;
}

/** A whole scrape: the merged batch and every node's status. */
export interface ScrapeResult {
  batch: DataBatch;
  statuses: NodeScrapeStatus[];
}

/** Scrapes every known node for one window. Never rejects. */
export interface SourceManager {
  scrape(window: { startMs: number; endMs: number }): Promise<ScrapeResult>;
}
