/**
 * The scrape pipeline wired as src/cli/heapgraph.ts wires it (simulator → informers → kubelet
 * source → processors → model store), but with informer timings a test can wait for: the
 * composition root keeps the production watchdog (5 min), which a stalled-watch test cannot
 * sit through. Everything else is the real code; cycles are driven one at a time.
 */
import { createQueryService } from '../../src/api/query/service.js';
import type { QueryService } from '../../src/api/query/types.js';
import { createManager, type CycleReport } from '../../src/core/manager.js';
import { buildKubeConfig, parseKubeSourceUri } from '../../src/kube/config.js';
import { createKubeInformers, type KubeInformers, type KubeInformersOptions } from '../../src/kube/informers.js';
import { nodeTargets } from '../../src/kube/nodes.js';
import { createProcessors } from '../../src/processors/pipeline.js';
import { startSimCluster, type RunningSimCluster, type SimChurnOptions } from '../../src/sim/index.js';
import { createKubeletClient } from '../../src/sources/kubelet/client.js';
import { createKubeletSourceManager } from '../../src/sources/kubelet/manager.js';
import { createModelStore } from '../../src/store/modelStore.js';
import type { ModelStore } from '../../src/store/types.js';
import { captureLogs, type LogLine } from './harness.js';

/** Options of {@link startPipeline}. */
export interface PipelineOptions {
  nodes: number;
  podsPerNode: number;
  seed?: number;
  churn?: SimChurnOptions;
  resolutionMs?: number;
  /** Informer timings (backoff, watchdog). */
  informers?: Pick<KubeInformersOptions, 'backoff' | 'watchdogMs' | 'resyncMs'>;
}

/** A running pipeline. */
export interface Pipeline {
  sim: RunningSimCluster;
  informers: KubeInformers;
  store: ModelStore;
  query: QueryService;
  lines: LogLine[];
  /**
   * Scrapes, processes and stores the next window; the simulator's clock is set to its end
   * first, unless `holdSimClock` (then no churn falls due).
   */
  cycle(options?: { holdSimClock?: boolean }): Promise<CycleReport & { endMs: number }>;
  stop(): Promise<void>;
}

/** Starts the simulator and the pipeline; resolves once the informer caches synced. */
export async function startPipeline({ nodes, podsPerNode, seed = 1, churn, resolutionMs = 1_000, informers: timings = {} }: PipelineOptions): Promise<Pipeline> {
  let endMs = Math.floor(Date.now() / resolutionMs) * resolutionMs - 60_000;
  let simNowMs = endMs;
  const sim = await startSimCluster({ nodes, podsPerNode, seed, kubeletPort: 0, clock: () => simNowMs, ...(churn ? { churn } : {}) });
  const kube = parseKubeSourceUri(`kubernetes:${sim.apiUrl}?inClusterConfig=false&kubeletPort=${sim.kubeletPort}`);
  const { logger, lines } = captureLogs();
  const informers = createKubeInformers({ kubeConfig: buildKubeConfig(kube), logger: logger.child({ stage: 'kube' }), ...timings });
  const client = createKubeletClient();
  const sources = createKubeletSourceManager({
    nodes: () =>
      nodeTargets(informers.listers.listNodes(), { kubeletPort: kube.kubeletPort, hostIdAnnotation: kube.hostIdAnnotation }).targets.map((a) => ({
        node: { nodeName: a.nodeName, hostname: a.hostname, hostId: a.hostId },
        host: a.ip,
        port: a.port,
      })),
    endpoint: kube.endpoint,
    client,
    deadlineMs: resolutionMs,
    perNodeTimeoutMs: resolutionMs,
  });
  const store = createModelStore({ retentionMs: 15 * 60_000 });
  const manager = createManager({
    source: sources,
    processors: createProcessors({ listers: informers.listers }),
    exportBatch: (batch) => store.write(batch),
    resolutionMs,
  });
  try {
    await informers.start();
  } catch (error) {
    await sim.close();
    throw error;
  }
  return {
    sim,
    informers,
    store,
    query: createQueryService({ model: store, kube: informers.listers, scrapes: sources }),
    lines,
    async cycle({ holdSimClock = false } = {}) {
      endMs += resolutionMs;
      if (!holdSimClock) simNowMs = endMs;
      const report = await manager.housekeep({ startMs: endMs - resolutionMs, endMs });
      if (!report) throw new Error('housekeeping did not run');
      return { ...report, endMs };
    },
    async stop() {
      await manager.stop();
      await informers.stop();
      client.close();
      await sim.close();
    },
  };
}
