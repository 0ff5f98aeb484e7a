import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { toConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';

describe('a scrape cycle with failing kubelets', () => {
  let app: Heapgraph | undefined;
  afterAll(async () => app?.stop());

  it('stores every healthy node while one is down, one slow past the deadline, one returns garbage and one a cut-off body', async () => {
    const result = toConfig(parseFlags(['--source=sim:?nodes=5&podsPerNode=4&seed=9', '--metric_resolution=1s', '--port=0', '--listen_ip=127.0.0.1']));
    if (!result.ok) throw new Error('bad test flags');
    app = await runHeapgraph(result.config, silentLogger());
    const names = app.sim!.cluster.nodes.map((n) => n.name);
    const [down, slow, garbage, truncated, healthy] = names as [string, string, string, string, string];
    app.sim!.faults.set(down, { kind: 'down' });
    app.sim!.faults.set(slow, { kind: 'slow', delayMs: 5_000 });
    app.sim!.faults.set(garbage, { kind: 'malformed' });
    app.sim!.faults.set(truncated, { kind: 'truncated' });

    // Wait for a batch produced entirely after the faults were set.
    const after = Date.now() + 1_000;
    const store = app.store!;
    for (let i = 0; i < 100 && (store.timestamps().at(-1) ?? 0) < after + 1_000; i++) await new Promise((r) => setTimeout(r, 100));

    const nodesInBatch = store.entities('node').map((e) => e.labels.nodename);
    expect(nodesInBatch).toEqual([healthy]);
    const pods = store.entities('pod').map((e) => e.labels.nodename);
    expect(pods.length).toBe(4);
    expect(new Set(pods)).toEqual(new Set([healthy]));

    const outcome = new Map(app.sources.statuses().map((s) => [s.nodeName, s.outcome]));
    expect(outcome.get(down)).toBe('connection');
    expect(outcome.get(slow)).toBe('timeout');
    expect(outcome.get(garbage)).toBe('malformed');
    // The body stops half-way and the socket closes before Content-Length is reached: a transport failure.
    expect(outcome.get(truncated)).toBe('connection');
    expect(outcome.get(healthy)).toBe('ok');

    const text = await app.metrics.registry.getSingleMetricAsString('heapgraph_source_node_scrapes_total');
    for (const code of ['connection', 'timeout', 'malformed', 'ok']) expect(text).toContain(`outcome="${code}"`);
  });
});
