/**
 * Kubelets failing in every way the simulator knows, while others stay healthy: each cycle
 * still completes within its deadline with every healthy node's data, and each failure shows
 * per node in GraphQL, in the Prometheus counters and in the log — once per change of state,
 * not once per cycle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeletFaults, type KubeletFault } from '../../src/sim/index.js';
import { sampleSum, startFaultApp, type FaultApp, type LogLine } from './harness.js';

/** The client's default body cap (64 MiB); the oversized kubelets send more than that. */
const bodyCapBytes = 64 * 1024 * 1024;
const oversizedBytes = bodyCapBytes + 1024 * 1024;
const resolutionMs = 2_000;

/** Fault per node, in node order, and the outcome each must produce. */
const faults: ReadonlyArray<{ fault: KubeletFault; outcome: string }> = [
  { fault: { kind: 'down' }, outcome: 'connection' },
  { fault: { kind: 'slow', delayMs: resolutionMs + 1_500 }, outcome: 'timeout' },
  { fault: { kind: 'status', status: 500 }, outcome: 'http_status' },
  { fault: { kind: 'malformed' }, outcome: 'malformed' },
  // Content-Length announced, half sent, connection closed: a transport failure.
  { fault: { kind: 'truncated' }, outcome: 'connection' },
  { fault: { kind: 'oversized', bytes: oversizedBytes }, outcome: 'too_large' },
  { fault: { kind: 'oversized', bytes: oversizedBytes, declareLength: true }, outcome: 'too_large' },
];
const healthyCount = 2;
const byNumber = (a: number, b: number) => a - b;

describe('kubelets that fail while others are healthy', () => {
  let h: FaultApp;
  let faulty: string[];
  let healthy: string[];
  let all: string[];
  /** Window ends of the cycles run so far, by phase. */
  const ends: { before: number[]; during: number[]; after: number[] } = { before: [], during: [], after: [] };

  beforeAll(async () => {
    h = await startFaultApp({
      argv: [`--source=sim:?nodes=${faults.length + healthyCount}&podsPerNode=3&seed=11`, `--metric_resolution=${resolutionMs / 1000}s`],
      simClock: true,
    });
    all = h.app.sim!.cluster.nodes.map((node) => node.name);
    faulty = all.slice(0, faults.length);
    healthy = all.slice(faults.length);
  });
  afterAll(async () => h?.stop());

  /** One cycle; its kubelets answer for the window's end. */
  const cycle = () => h.cycle();

  /** memory/usage of a node as its kubelet reported it at `atMs`, from the simulator's model. */
  const memoryUsage = (nodeName: string, atMs: number) => {
    const { cluster } = h.app.sim!;
    return cluster.sample(cluster.node(nodeName)!, atMs).usageBytes;
  };

  /** Points of a node's memory/usage over REST, timestamp → value. */
  async function restMemory(nodeName: string): Promise<Map<number, number>> {
    const { status, body } = await h.rest<{ metrics: Array<{ timestamp: string; value: number }> }>(
      `/api/v1/model/nodes/${nodeName}/metrics/memory/usage`,
    );
    expect(status).toBe(200);
    return new Map(body.metrics.map((p) => [Date.parse(p.timestamp), p.value]));
  }

  const scrapeLines = (lines: readonly LogLine[], msg: string, node: string) => lines.filter((l) => l.msg === msg && l.node === node);

  it('stores every node while all kubelets answer, and logs nothing about scrapes', async () => {
    const report = await cycle();
    ends.before.push(report.endMs);
    expect(report.statuses.map((s) => [s.nodeName, s.outcome])).toEqual(all.map((name) => [name, 'ok']));
    const listed = await h.rest<string[]>('/api/v1/model/nodes');
    expect([...listed.body].sort()).toEqual([...all].sort());
    // A first success is the normal case: no line per node.
    expect(h.lines.filter((l) => l.node !== undefined)).toEqual([]);
  });

  it('completes three cycles within the deadline with exactly the healthy nodes, each with the value its kubelet served', async () => {
    faults.forEach(({ fault }, i) => h.app.sim!.faults.set(faulty[i]!, fault));
    for (let i = 0; i < 3; i++) {
      const report = await cycle();
      ends.during.push(report.endMs);
      // The slow kubelet is cut at the per-node timeout / deadline (both the resolution here).
      expect(report.scrapeMs).toBeLessThan(resolutionMs + 1_000);
      expect(report.statuses).toHaveLength(all.length);
      const outcomes = Object.fromEntries(report.statuses.map((s) => [s.nodeName, s.outcome]));
      expect(outcomes).toEqual(Object.fromEntries([...faults.map((f, j) => [faulty[j]!, f.outcome]), ...healthy.map((n) => [n, 'ok'])]));

      const listed = await h.rest<string[]>('/api/v1/model/nodes');
      expect([...listed.body].sort()).toEqual([...healthy].sort());
      for (const name of healthy) expect((await restMemory(name)).get(report.endMs)).toBe(memoryUsage(name, report.endMs));
      for (const name of faulty) expect((await restMemory(name)).has(report.endMs)).toBe(false);
      // Pods of failing nodes are gone from the batch; those of healthy nodes all there.
      const podNodes = new Set(h.app.query.pods().map((p) => p.labels.nodename));
      expect([...podNodes].sort()).toEqual([...healthy].sort());
    }
    // What faulty nodes had before the faults is still served.
    for (const name of faulty) expect((await restMemory(name)).get(ends.before[0]!)).toBe(memoryUsage(name, ends.before[0]!));
  });

  it('shows each node\'s failure in GraphQL over HTTP, with the time of its last success', async () => {
    const answer = await h.gql<{ scrapeStatuses: Array<{ node: string; outcome: string; error: string | null; lastSuccess: string | null }> }>(
      '{ scrapeStatuses { node outcome error lastSuccess } }',
    );
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const byNode = new Map(answer.data!.scrapeStatuses.map((s) => [s.node, s]));
    expect([...byNode.keys()].sort()).toEqual([...all].sort());
    faults.forEach(({ outcome }, i) => {
      const status = byNode.get(faulty[i]!)!;
      expect(status.outcome).toBe(outcome.toUpperCase());
      expect(status.error).toEqual(expect.any(String));
      expect(status.lastSuccess).not.toBeNull();
    });
    for (const name of healthy) expect(byNode.get(name)).toMatchObject({ outcome: 'OK', error: null });
    expect(byNode.get(faulty[5]!)!.error).toContain(`exceeds ${bodyCapBytes} bytes`);
    expect(byNode.get(faulty[6]!)!.error).toContain(`(Content-Length ${oversizedBytes})`);
    expect(byNode.get(faulty[2]!)!.error).toContain('500');

    // The same status hangs off the node, which the node cache still knows.
    const node = await h.gql<{ node: { name: string; scrapeStatus: { outcome: string } } }>('query($n: String!) { node(name: $n) { name scrapeStatus { outcome } } }', { n: faulty[1]! });
    expect(node.data?.node).toEqual({ name: faulty[1], scrapeStatus: { outcome: 'TIMEOUT' } });
  });

  it('counts every scrape by outcome on /metrics', async () => {
    const samples = await h.metrics();
    const expected: Record<string, number> = { ok: all.length + 3 * healthy.length };
    for (const { outcome } of faults) expected[outcome] = (expected[outcome] ?? 0) + 3;
    for (const [outcome, count] of Object.entries(expected)) {
      expect(sampleSum(samples, 'heapgraph_source_node_scrapes_total', { outcome }), outcome).toBe(count);
    }
    expect(sampleSum(samples, 'heapgraph_source_node_scrapes_total')).toBe(4 * all.length);
    // Every node, failing or not, has its scrape timed (Heapster's per-source summary).
    const timed = samples.filter((s) => s.name === 'heapster_scraper_duration_milliseconds_count');
    expect(timed).toHaveLength(all.length);
    expect(timed.every((s) => s.value === 4)).toBe(true);
    // Per node: the summary request latency is observed for successful scrapes only, so a failing
    // node's count stops while the others' go on.
    const succeeded = (node: string) => sampleSum(samples, 'heapster_kubelet_summary_request_duration_milliseconds_count', { node });
    for (const name of faulty) expect(succeeded(name), name).toBe(1);
    for (const name of healthy) expect(succeeded(name), name).toBe(4);
    // And each failure is counted against its node and outcome.
    faults.forEach(({ outcome }, i) => {
      expect(sampleSum(samples, 'heapgraph_source_node_scrape_failures_total', { node: faulty[i]!, outcome }), faulty[i]).toBe(3);
    });
    for (const name of healthy) expect(sampleSum(samples, 'heapgraph_source_node_scrape_failures_total', { node: name })).toBe(0);
  });

  it('logs each failing node once over three failing cycles, with its outcome and error', () => {
    faults.forEach(({ outcome }, i) => {
      const failed = scrapeLines(h.lines, 'node scrape failed', faulty[i]!);
      expect(failed, faulty[i]).toHaveLength(1);
      expect(failed[0]).toMatchObject({ outcome, error: expect.any(String), level: 40 });
    });
    for (const name of healthy) expect(h.lines.filter((l) => l.node === name)).toEqual([]);
  });

  it('logs recovery once per node when the faults clear, and stores every node again', async () => {
    h.app.sim!.faults.clear();
    for (let i = 0; i < 2; i++) {
      const report = await cycle();
      ends.after.push(report.endMs);
      expect(report.statuses.every((s) => s.outcome === 'ok')).toBe(true);
      for (const name of all) expect((await restMemory(name)).get(report.endMs)).toBe(memoryUsage(name, report.endMs));
    }
    faults.forEach(({ outcome }, i) => {
      const node = faulty[i]!;
      expect(scrapeLines(h.lines, 'node scrape failed', node)).toHaveLength(1);
      const recovered = scrapeLines(h.lines, 'node scrape recovered', node);
      expect(recovered, node).toHaveLength(1);
      expect(recovered[0]).toMatchObject({ was: outcome, level: 30 });
    });
    const answer = await h.gql<{ scrapeStatuses: Array<{ outcome: string }> }>('{ scrapeStatuses { outcome } }');
    expect(answer.data!.scrapeStatuses.map((s) => s.outcome)).toEqual(all.map(() => 'OK'));
    // Healthy nodes have a point for every cycle; failing ones lost exactly the failing cycles.
    const every = [...ends.before, ...ends.during, ...ends.after];
    for (const name of healthy) expect([...(await restMemory(name)).keys()].sort(byNumber)).toEqual(every);
    for (const name of faulty) expect([...(await restMemory(name)).keys()].sort(byNumber)).toEqual([...ends.before, ...ends.after]);
  });
});

describe('the oversized fault', () => {
  it('refuses a declareLength that is not a boolean, naming the field', () => {
    const table = createKubeletFaults();
    expect(() => table.set('n', { kind: 'oversized', bytes: 10, declareLength: 'yes' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_option', context: { option: 'fault.declareLength' } }),
    );
    table.set('n', { kind: 'oversized', bytes: 10, declareLength: true });
    expect(table.get('n')).toEqual({ kind: 'oversized', bytes: 10, declareLength: true });
    table.set('n', { kind: 'oversized', bytes: 10, declareLength: false });
    expect(table.get('n')).toEqual({ kind: 'oversized', bytes: 10 });
  });
});
