import { describe, expect, it } from 'vitest';
import { createScrapeReporter } from '../../src/cli/scrapeReports.js';
import { silentLogger } from '../../src/core/log.js';
import { createSelfMetrics } from '../../src/core/selfMetrics.js';
import type { NodeScrapeStatus } from '../../src/sources/types.js';

const status = (nodeName: string, host: string, outcome: NodeScrapeStatus['outcome'] = 'ok'): NodeScrapeStatus => ({
  nodeName,
  url: `https://${host}/stats/summary`,
  outcome,
  latencyMs: 12,
  lastSuccessMs: 0,
});
const detail = { bodyBytes: 100, droppedEntities: 0 };

/** Label values of the per-source scrape summary in the registry's text output. */
async function sources(metrics: ReturnType<typeof createSelfMetrics>): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return [...text.matchAll(/^heapster_scraper_duration_milliseconds_count\{source="([^"]+)"\}/gm)].map((m) => m[1]!).sort();
}

describe('createScrapeReporter', () => {
  it('moves a node whose address changed to its new source label', async () => {
    const metrics = createSelfMetrics({ processMetrics: false });
    const reporter = createScrapeReporter(metrics, silentLogger());
    reporter.report(status('a', '10.0.0.1:10250'), detail);
    reporter.report(status('b', '10.0.0.2:10250'), detail);
    reporter.report(status('a', '10.0.0.3:10250'), detail);
    expect(await sources(metrics)).toEqual(['kubelet_summary:10.0.0.2:10250', 'kubelet_summary:10.0.0.3:10250']);
  });

  it('keeps a source another node still reports from when one of them leaves', async () => {
    const metrics = createSelfMetrics({ processMetrics: false });
    const reporter = createScrapeReporter(metrics, silentLogger());
    reporter.report(status('a', '10.0.0.1:10250'), detail);
    reporter.report(status('b', '10.0.0.1:10250', 'connection'), detail);
    reporter.keepOnly(['a']);
    expect(await sources(metrics)).toEqual(['kubelet_summary:10.0.0.1:10250']);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/node="b"/);
    reporter.keepOnly([]);
    expect(await sources(metrics)).toEqual([]);
  });
});
