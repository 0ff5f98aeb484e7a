import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import { startKubelets } from '../../src/sim/kubelet/server.js';
import { renderResourceMetrics } from '../../src/sim/kubelet/resource.js';
import { renderSummary } from '../../src/sim/kubelet/summary.js';
import { createMapStore } from './map-store.js';

const MiB = 2 ** 20;

describe('a 5,000-node × 30-pod cluster', () => {
  it('builds, binds 5,000 kubelet addresses and serves the last node over HTTP', { timeout: 180_000 }, async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let started = performance.now();
    const store = createMapStore({ recordEvents: false });
    const cluster = createSimCluster({ nodes: 5_000, podsPerNode: 30, seed: 1, kubeletPort: 0, clock: () => Date.UTC(2024, 0, 1), store });
    const buildMs = performance.now() - started;
    const heapAfterBuild = process.memoryUsage().heapUsed;
    expect(cluster.podCount).toBe(150_000);
    expect(store.list('pods')).toHaveLength(150_000);

    started = performance.now();
    const kubelets = await startKubelets({ cluster });
    const bindMs = performance.now() - started;
    try {
      const last = cluster.nodes[4_999]!;
      expect(last.address).toBe('127.0.20.174');
      const reply = await fetch(`http://${last.address}:${kubelets.port}/stats/summary`);
      const summary = (await reply.json()) as { node: { nodeName: string }; pods: unknown[] };
      expect(summary.node.nodeName).toBe(last.name);
      expect(summary.pods).toHaveLength(30);

      started = performance.now();
      let summaryBytes = 0;
      for (const node of cluster.nodes.slice(0, 500)) summaryBytes += renderSummary(cluster.sample(node)).length;
      const summaryMsPerNode = (performance.now() - started) / 500;
      started = performance.now();
      for (const node of cluster.nodes.slice(0, 500)) renderResourceMetrics(cluster.sample(node));
      const resourceMsPerNode = (performance.now() - started) / 500;

      console.log(
        `sim scale: 5000 nodes × 30 pods built in ${Math.round(buildMs)} ms ` +
          `(heap +${Math.round((heapAfterBuild - heapBefore) / MiB)} MiB with a plain Map store holding every object), ` +
          `5000 kubelet listeners bound in ${Math.round(bindMs)} ms, ` +
          `summary ${summaryMsPerNode.toFixed(2)} ms/node (${Math.round(summaryBytes / 500 / 1024)} KiB), ` +
          `/metrics/resource ${resourceMsPerNode.toFixed(2)} ms/node, rss ${Math.round(process.memoryUsage().rss / MiB)} MiB`,
      );
    } finally {
      await kubelets.close();
    }
  });
});
