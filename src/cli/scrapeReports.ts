/**
 * What the composition root does with each node's scrape report: the per-node self metrics
 * (heapster-reference §1.9) and a log line when a node's outcome changes. Both remember nodes,
 * so both forget the ones that left the cluster: in an autoscaled cluster every node name ever
 * seen would otherwise keep its label sets in `/metrics` (four families per node) and its entry
 * here for the life of the process. Heapster never removed them.
 *
 * @module
 */
import type { Logger } from '../core/log.js';
import type { SelfMetrics } from '../core/selfMetrics.js';
import type { NodeScrapeReport } from '../sources/kubelet/manager.js';
import type { NodeScrapeStatus, ScrapeOutcome } from '../sources/types.js';

/** Receives every node's scrape report and forgets nodes no longer scraped. */
export interface ScrapeReporter {
  /** One node's report, as the source manager's `onNodeScraped` gives it. */
  report(status: NodeScrapeStatus, detail: NodeScrapeReport): void;
  /** Forgets every node not named: its label sets leave `/metrics`. Called after each cycle. */
  keepOnly(nodeNames: Iterable<string>): void;
}

/** What is remembered per node, to remove exactly the label sets it created. */
interface NodeSeries {
  source: string;
  failures: Set<ScrapeOutcome>;
  lastOutcome: ScrapeOutcome | undefined;
}

/** Creates the reporter over the shared self metrics and a logger for outcome changes. */
export function createScrapeReporter(metrics: SelfMetrics, logger: Logger): ScrapeReporter {
  const nodes = new Map<string, NodeSeries>();

  const logChange = (status: NodeScrapeStatus, series: NodeSeries): void => {
    const previous = series.lastOutcome;
    if (previous === status.outcome) return;
    series.lastOutcome = status.outcome;
    // A first success is the normal case and is not logged: 5,000 nodes would mean 5,000 lines.
    if (status.outcome === 'ok') {
      if (previous !== undefined) logger.info({ node: status.nodeName, url: status.url, was: previous }, 'node scrape recovered');
    } else logger.warn({ node: status.nodeName, url: status.url, outcome: status.outcome, error: status.error }, 'node scrape failed');
  };

  const record = (status: NodeScrapeStatus, series: NodeSeries): void => {
    const { source } = series;
    metrics.nodeScrapes.inc({ outcome: status.outcome });
    if (status.outcome !== 'ok') {
      metrics.nodeScrapeFailures.inc({ node: status.nodeName, outcome: status.outcome });
      series.failures.add(status.outcome);
    }
    metrics.scraperDuration.observe({ source }, status.latencyMs);
    metrics.scraperLastTime.set({ source }, Date.now() / 1000);
    if (status.outcome === 'ok') metrics.kubeletSummaryRequestDuration.observe({ node: status.nodeName }, status.latencyMs);
  };

  const removeSource = (source: string): void => {
    metrics.scraperDuration.remove({ source });
    metrics.scraperLastTime.remove({ source });
  };

  const forget = (nodeName: string, series: NodeSeries, sourcesInUse: ReadonlySet<string>): void => {
    if (!sourcesInUse.has(series.source)) removeSource(series.source);
    metrics.kubeletSummaryRequestDuration.remove({ node: nodeName });
    for (const outcome of series.failures) metrics.nodeScrapeFailures.remove({ node: nodeName, outcome });
    nodes.delete(nodeName);
  };

  return {
    report(status, detail) {
      const source = `kubelet_summary:${new URL(status.url).host}`;
      let series = nodes.get(status.nodeName);
      if (series === undefined) {
        series = { source, failures: new Set(), lastOutcome: undefined };
        nodes.set(status.nodeName, series);
      } else if (series.source !== source) {
        // The node's address changed: its old source's label sets go unless another node has it.
        const old = series.source;
        series.source = source;
        if (![...nodes.values()].some((other) => other.source === old)) removeSource(old);
      }
      // A report that arrives after a newer cycle already decided the node is counted, not logged.
      if (!detail.stale) logChange(status, series);
      record(status, series);
    },
    keepOnly(nodeNames) {
      const keep = new Set(nodeNames);
      const leaving = [...nodes].filter(([name]) => !keep.has(name));
      if (leaving.length === 0) return;
      const sourcesInUse = new Set<string>();
      for (const [name, series] of nodes) if (keep.has(name)) sourcesInUse.add(series.source);
      for (const [name, series] of leaving) forget(name, series, sourcesInUse);
    },
  };
}
