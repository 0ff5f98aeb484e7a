import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';
import { configFrom, waitFor } from '../helpers/heapgraph.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');


describe('heapgraph against the embedded simulated cluster', () => {
  let app: Heapgraph | undefined;
  afterAll(async () => app?.stop());

  it('stores batches with rates for every node and pod after two cycles', async () => {
    app = await runHeapgraph(configFrom(['--source=sim:?nodes=3&podsPerNode=5&seed=3', '--metric_resolution=1s', '--heapster_port=0', '--listen_ip=127.0.0.1']), silentLogger());
    const store = app.store!;
    await waitFor(() => (store.timestamps().length >= 3 ? true : undefined), 15_000);

    const timestamps = store.timestamps();
    expect(timestamps.every((t) => t % 1000 === 0)).toBe(true);
    const nodes = store.entities('node');
    expect(nodes.map((n) => n.labels.nodename).sort()).toEqual(app.sim!.cluster.nodes.map((n) => n.name).sort());
    for (const node of nodes) {
      const rates = store.series(node.key, 'cpu/usage_rate').points;
      expect(rates.length).toBeGreaterThanOrEqual(1);
      expect(rates.every((p) => p.value > 0)).toBe(true);
      expect(store.latest(node.key, 'cpu/node_utilization')?.value).toBeGreaterThan(0);
    }
    const pods = store.entities('pod');
    expect(pods.length).toBe(app.sim!.store.list('pods').filter((p) => (p.status as { phase?: string }).phase === 'Running').length);
    expect(pods.filter((p) => store.latest(p.key, 'cpu/usage_rate') !== undefined).length).toBe(pods.length);
    expect(store.latest('cluster', 'cpu/usage_rate')?.value).toBeGreaterThan(0);

    const storeBytes = await app.metrics.registry.getSingleMetricAsString('heapgraph_store_bytes');
    expect(Number(/heapgraph_store_bytes (\d+)/.exec(storeBytes)?.[1])).toBeGreaterThan(0);

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
  });
});

describe('the heapgraph command', () => {
  it('rejects bad flags with every problem named and exit code 2', async () => {
    const { code, stderr } = await run(['--metric_resolution=fast', '--sink=nowhere', '--heapster_port=99999']);
    expect(code).toBe(2);
    expect(stderr).toContain('--metric_resolution: not a duration: "fast"');
    expect(stderr).toContain('--sink: unknown sink "nowhere"');
    expect(stderr).toContain('--heapster_port: not a port number: "99999"');
  });

  it('says to build first when dist/ is missing, and exits 1', async () => {
    // The command as installed, in a directory without a build next to it.
    const elsewhere = mkdtempSync(resolve(tmpdir(), 'heapgraph-bin-'));
    mkdirSync(resolve(elsewhere, 'bin'));
    copyFileSync(resolve(root, 'bin/heapgraph.js'), resolve(elsewhere, 'bin/heapgraph.js'));
    try {
      const { code, stderr } = await run([], resolve(elsewhere, 'bin/heapgraph.js'));
      expect(code).toBe(1);
      expect(stderr).toContain('dist/ is missing; run `npm run build` first');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const { code, stderr } = await run(['--no-such-flag']);
    expect(code).toBe(2);
    expect(stderr).toContain('--no-such-flag');
  });

  it('serves healthz and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [resolve(root, 'bin/heapgraph.js'), '--source=sim:?nodes=2&podsPerNode=3', '--metric_resolution=1s', '--port=0', '--listen_ip=127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await waitFor(() => /serving on (http:\/\/[^ :]+:\d+)/.exec(out)?.[1], 20_000);
    let status = 0;
    const deadline = Date.now() + 15_000;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`${url}/healthz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('stopped');
  });
});

function run(argv: string[], command = resolve(root, 'bin/heapgraph.js')): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [command, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolvePromise({ code, stderr }));
  });
}
