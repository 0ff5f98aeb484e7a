/**
 * The kubelet source manager: scrapes every node the kube layer knows about once per window
 * and remembers how each node fared (heapster-reference §3.2–§3.4, §5.2). It takes its nodes
 * from a callback, so it never sees informers or the API server.
 *
 * @module
 */
import type { NodeScrapeStatus, ScrapeResult, SourceManager } from '../types.js';
import type { KubeletClient } from './client.js';
import { type CycleTimers, type NodeScrapeDetail, type ScrapeTarget, runCycle } from './cycle.js';
import { type KubeletEndpoint, type NodeDecoder, kubeletEndpoints } from './endpoints.js';
import { createKeyMemo } from '../summary/keyMemo.js';

export type { CycleTimers, NodeScrapeDetail, ScrapeTarget } from './cycle.js';
export type { KubeletEndpoint, NodeDecoder } from './endpoints.js';

/** Options of {@link createKubeletSourceManager}. */
export interface KubeletSourceManagerOptions {
  /**
   * The nodes to scrape, read once at the start of every cycle. Targets are keyed by node
   * name; of two with the same name the later wins. If it throws, that cycle scrapes nothing
   * (as Heapster's provider did on a lister error).
   */
  nodes: () => readonly ScrapeTarget[];
  /** Which kubelet endpoint to scrape: `/stats/summary/` or `/metrics/resource`. */
  endpoint: KubeletEndpoint;
  /** Fetches the bytes. The manager does not close it. */
  client: KubeletClient;
  /**
   * Decodes one response.
   * @default `decodeSummary` for `summary`, `decodeResourceMetrics` for `resource`
   */
  decode?: NodeDecoder;
  /**
   * Most nodes scraped at once. Heapster had no bound (one goroutine per node).
   * @default 64
   */
  concurrency?: number;
  /**
   * Longest one node's request may take from its start, ms. Heapster had none; its only
   * bound was the cycle deadline.
   * @default 10000
   */
  perNodeTimeoutMs?: number;
  /**
   * Overall bound of one cycle, ms (Heapster `DefaultMetricsScrapeTimeout`). Nodes still
   * running then are aborted; nodes not yet started are not started.
   * @default 20000
   */
  deadlineMs?: number;
  /**
   * Source of the start stagger `random() × min(8 ms × nodes, 4000 ms)`; return 0 to start
   * every node at once.
   * @default Math.random
   */
  random?: () => number;
  /**
   * Wall clock in ms, used for latencies, `lastSuccessMs` and the decoders' `nowMs`.
   * @default Date.now
   */
  clock?: () => number;
  /**
   * Timers for the stagger, the per-node timeouts and the deadline.
   * @default the global `setTimeout`/`clearTimeout`
   */
  timers?: CycleTimers;
  /**
   * Called once per node and cycle as soon as the node's outcome is known (deadline
   * timeouts at the deadline), e.g. to count outcomes. A throwing hook is ignored.
   */
  onNodeScraped?: (status: NodeScrapeStatus, detail: NodeScrapeReport) => void;
}

/** What {@link KubeletSourceManagerOptions.onNodeScraped} learns beyond the status. */
export interface NodeScrapeReport extends NodeScrapeDetail {
  /**
   * Present (true) when a newer cycle already reported this node. Cycles overlap when the
   * deadline reaches the next window's start (a resolution under 20 s), so an older cycle's
   * deadline timeout can land after the newer cycle's answer: the status is then not the
   * node's current state — count it, but do not treat it as a change.
   */
  stale?: true;
}

/** A {@link SourceManager} that also reports the last status of every node. */
export interface KubeletSourceManager extends SourceManager {
  /**
   * The status of every node of the newest completed cycle (the one started last of those
   * that completed), in `nodes()` order. Nodes absent from that cycle are forgotten, their
   * `lastSuccessMs` too.
   */
  statuses(): NodeScrapeStatus[];
}

const globalTimers: CycleTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Creates a {@link KubeletSourceManager}. Throws `RangeError` naming a bad option. */
export function createKubeletSourceManager(options: KubeletSourceManagerOptions): KubeletSourceManager {
  const {
    nodes,
    endpoint,
    client,
    decode = kubeletEndpoints[endpoint]?.decode,
    concurrency = 64,
    perNodeTimeoutMs = 10_000,
    deadlineMs = 20_000,
    random = Math.random,
    clock = Date.now,
    timers = globalTimers,
    onNodeScraped,
  } = options;
  if (!(endpoint in kubeletEndpoints)) {
    throw new RangeError(`endpoint must be 'summary' or 'resource'; received ${String(endpoint)}`);
  }
  requirePositiveInteger('concurrency', concurrency);
  requirePositiveInteger('perNodeTimeoutMs', perNodeTimeoutMs);
  requirePositiveInteger('deadlineMs', deadlineMs);

  /** Set keys of each node's previous scrape; forgotten with the node. */
  const keys = createKeyMemo();
  /** End of the last successful scrape per node, ms. */
  const lastSuccessMs = new Map<string, number>();
  let lastStatuses: NodeScrapeStatus[] = [];
  /** Cycles are numbered from 1 as they start; `lastStatuses` holds those of cycle `statusesOf`. */
  let cycles = 0;
  let statusesOf = 0;
  /** The newest cycle that reported each node. */
  const reportedBy = new Map<string, number>();

  const withMemory = (status: Omit<NodeScrapeStatus, 'lastSuccessMs'>): NodeScrapeStatus => {
    if (status.outcome === 'ok') lastSuccessMs.set(status.nodeName, clock());
    return { ...status, lastSuccessMs: lastSuccessMs.get(status.nodeName) ?? 0 };
  };

  async function scrape(window: { startMs: number; endMs: number }): Promise<ScrapeResult> {
    const cycle = ++cycles;
    const targets = currentTargets(nodes);
    const finalStatuses = new Map<string, NodeScrapeStatus>();
    const outcome = await runCycle(targets, {
      client,
      path: kubeletEndpoints[endpoint].path,
      decode,
      keys,
      concurrency,
      perNodeTimeoutMs,
      deadlineMs,
      random,
      clock,
      timers,
      onNodeScraped: (status, detail) => {
        // A newer cycle's word on this node stands; an older one's late report changes nothing.
        const stale = (reportedBy.get(status.nodeName) ?? 0) > cycle;
        const full = stale ? { ...status, lastSuccessMs: lastSuccessMs.get(status.nodeName) ?? 0 } : withMemory(status);
        if (!stale) reportedBy.set(status.nodeName, cycle);
        finalStatuses.set(full.nodeName, full);
        try {
          onNodeScraped?.(full, stale ? { ...detail, stale: true } : detail);
        } catch {
          // A counter's bug must not cost the cycle its data.
        }
      },
    });
    const statuses = targets.map((target) => finalStatuses.get(target.node.nodeName)!);
    if (cycle > statusesOf) {
      statusesOf = cycle;
      lastStatuses = statuses;
      const present = new Set(targets.map((target) => target.node.nodeName));
      for (const nodeName of lastSuccessMs.keys()) if (!present.has(nodeName)) lastSuccessMs.delete(nodeName);
      for (const nodeName of reportedBy.keys()) if (!present.has(nodeName)) reportedBy.delete(nodeName);
      keys.keepOnly(present);
    }
    return { batch: { timestamp: window.endMs, metricSets: outcome.metricSets }, statuses: statuses.map(copy) };
  }

  return {
    scrape,
    statuses: () => lastStatuses.map(copy),
  };
}

/** This cycle's targets, unique by node name (later wins, in first-seen order). */
function currentTargets(nodes: () => readonly ScrapeTarget[]): ScrapeTarget[] {
  let listed: readonly ScrapeTarget[];
  try {
    listed = nodes();
  } catch {
    return [];
  }
  const byName = new Map<string, ScrapeTarget>();
  for (const target of listed) byName.set(target.node.nodeName, target);
  return [...byName.values()];
}

function copy(status: NodeScrapeStatus): NodeScrapeStatus {
  return { ...status };
}

function requirePositiveInteger(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${field} must be a positive integer; received ${String(value)}`);
  }
}
