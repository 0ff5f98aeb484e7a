/**
 * A node that leaves the cluster takes its per-node self metrics with it: in an autoscaled
 * cluster every node name ever seen would otherwise stay in `/metrics` for the process's life.
 * The nodes still there keep theirs, failure counters included; a node that comes back under
 * the same name starts again from zero and is logged as failing again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/sim/types.js';
import { sampleSum, startFaultApp, until, type FaultApp, type PromSample } from './harness.js';

const perNode = [
  ['heapster_scraper_duration_milliseconds_count', 'source'],
  ['heapster_scraper_last_time_seconds', 'source'],
  ['heapster_kubelet_summary_request_duration_milliseconds_count', 'node'],
  ['heapgraph_source_node_scrape_failures_total', 'node'],
] as const;

describe('per-node self metrics of nodes that leave', () => {
  let h: FaultApp;
  let nodes: string[];
  /** Kubelet source label (`kubelet_summary:<ip>:<port>`) of each node, from the scrape statuses. */
  const sourceOf = new Map<string, string>();
  /** The API object of the failing node that leaves, to bring it back. */
  let saved: KubeObject | undefined;

  /** The per-node label values of each family in `samples`. */
  const labelled = (samples: readonly PromSample[]) =>
    Object.fromEntries(perNode.map(([name, label]) => [name, new Set(samples.filter((s) => s.name === name).map((s) => s.labels[label]!))]));

  beforeAll(async () => {
    h = await startFaultApp({ argv: ['--source=sim:?nodes=4&podsPerNode=2&seed=5', '--metric_resolution=2s'], simClock: true });
    nodes = h.app.sim!.cluster.nodes.map((node) => node.name);
    // The last two nodes fail, so they have failure counters to lose as well.
    for (const name of nodes.slice(2)) h.app.sim!.faults.set(name, { kind: 'status', status: 503 });
    const report = await h.cycle();
    await h.cycle();
    for (const status of report.statuses) sourceOf.set(status.nodeName, `kubelet_summary:${new URL(status.url).host}`);
  });
  afterAll(async () => h?.stop());

  it('has every node in every per-node family while all are in the cluster', async () => {
    const families = labelled(await h.metrics());
    expect(families['heapster_scraper_duration_milliseconds_count']).toEqual(new Set(nodes.map((n) => sourceOf.get(n))));
    expect(families['heapster_scraper_last_time_seconds']).toEqual(new Set(nodes.map((n) => sourceOf.get(n))));
    // Observed for successful requests only, so the failing nodes have none.
    expect(families['heapster_kubelet_summary_request_duration_milliseconds_count']).toEqual(new Set(nodes.slice(0, 2)));
    expect(families['heapgraph_source_node_scrape_failures_total']).toEqual(new Set(nodes.slice(2)));
  });

  it('drops the label sets of removed nodes after the next cycle and keeps the others counting', async () => {
    const [stays, leaves, failingStays, failingLeaves] = nodes as [string, string, string, string];
    saved = h.app.sim!.store.get('nodes', undefined, failingLeaves);
    for (const name of [leaves, failingLeaves]) h.app.sim!.store.remove('nodes', undefined, name);
    await until('the node cache drops the removed nodes', () => h.app.informers.listers.listNodes().length === 2);
    const report = await h.cycle();
    expect(report.statuses.map((s) => s.nodeName).sort()).toEqual([stays, failingStays].sort());

    const samples = await h.metrics();
    const families = labelled(samples);
    expect(families['heapster_scraper_duration_milliseconds_count']).toEqual(new Set([sourceOf.get(stays), sourceOf.get(failingStays)]));
    expect(families['heapster_scraper_last_time_seconds']).toEqual(new Set([sourceOf.get(stays), sourceOf.get(failingStays)]));
    expect(families['heapster_kubelet_summary_request_duration_milliseconds_count']).toEqual(new Set([stays]));
    expect(families['heapgraph_source_node_scrape_failures_total']).toEqual(new Set([failingStays]));
    expect(sampleSum(samples, 'heapster_scraper_duration_milliseconds_count', { source: sourceOf.get(stays)! })).toBe(3);
    expect(sampleSum(samples, 'heapgraph_source_node_scrape_failures_total', { node: failingStays, outcome: 'http_status' })).toBe(3);
    // Totals by outcome are not per node and keep every scrape ever made.
    expect(sampleSum(samples, 'heapgraph_source_node_scrapes_total')).toBe(2 * 4 + 2);
  });

  it('starts a returning node from zero and logs its failure again', async () => {
    const failingLeaves = nodes[3]!;
    const before = h.lines.filter((l) => l.msg === 'node scrape failed' && l.node === failingLeaves).length;
    h.app.sim!.store.upsert('nodes', saved!);
    await until('the node is back in the node cache', () => h.app.informers.listers.listNodes().length === 3);
    await h.cycle();
    const samples = await h.metrics();
    expect(sampleSum(samples, 'heapgraph_source_node_scrape_failures_total', { node: failingLeaves, outcome: 'http_status' })).toBe(1);
    expect(sampleSum(samples, 'heapster_scraper_duration_milliseconds_count', { source: sourceOf.get(failingLeaves)! })).toBe(1);
    expect(h.lines.filter((l) => l.msg === 'node scrape failed' && l.node === failingLeaves)).toHaveLength(before + 1);
  });
});
