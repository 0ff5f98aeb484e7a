/**
 * The simulated cluster, whole: an object store, the fake API server serving it, and a fake
 * kubelet per node, all on loopback. Used embedded (`sim:` source URI), by tests and benchmarks,
 * and standalone (`npm run sim`).
 *
 * @module
 */
import { createObjectStore } from './apiserver/store.js';
import { startApiServer, type ApiServerFaults, type SimReviewPolicy, type SimReviews } from './apiserver/server.js';
import { createSimCluster } from './cluster/model.js';
import type { SimChurnOptions, SimCluster } from './cluster/types.js';
import { SimError } from './errors.js';
import type { KubeletFaults } from './kubelet/faults.js';
import { startKubelets } from './kubelet/server.js';
import type { SimObjectStore } from './types.js';

export { parseSimUri } from './uri.js';
export { createSimCluster } from './cluster/model.js';
export { startKubelets } from './kubelet/server.js';
export { createKubeletFaults, type KubeletFault, type KubeletFaults } from './kubelet/faults.js';
export { SimError, type SimErrorCode } from './errors.js';
export { defaultReviewPolicy, type SimAccessRule, type SimReviewPolicy, type SimReviews, type SimTokenUser } from './apiserver/server.js';
/** The cluster model's interface and options. */
export type { SimCluster, SimClusterOptions, SimChurnOptions } from './cluster/types.js';

/** Options of {@link startSimCluster}. */
export interface SimStartOptions {
  /** @default 10 */
  nodes?: number;
  /** Pods per node, DaemonSet pods included. @default 30 */
  podsPerNode?: number;
  /** @default 1 */
  seed?: number;
  /** Port of every kubelet; 0 picks a free one. @default 10255 */
  kubeletPort?: number;
  /** Port of the API server on 127.0.0.1; 0 picks a free one. @default 0 */
  apiPort?: number;
  /** Epoch milliseconds now. @default Date.now */
  clock?: () => number;
  churn?: SimChurnOptions;
  /** How often churn is applied while nobody scrapes (scrapes apply it too). @default 1000 */
  tickIntervalMs?: number;
  /** Tokens and rules the API server's TokenReview and SubjectAccessReview answer from. @default defaultReviewPolicy */
  reviews?: SimReviewPolicy;
}

/** A running simulated cluster. */
export interface RunningSimCluster {
  /** Base URL of the fake API server, e.g. `http://127.0.0.1:39211`. */
  readonly apiUrl: string;
  /** The port every kubelet listens on, each on its node's InternalIP. */
  readonly kubeletPort: number;
  readonly cluster: SimCluster;
  /** Per-node kubelet faults. */
  readonly faults: KubeletFaults;
  /** API-server faults (failed requests, dropped or expired watches, outage). */
  readonly apiFaults: ApiServerFaults;
  /** TokenReview and SubjectAccessReview of the API server (policy, counts, injected failures). */
  readonly reviews: SimReviews;
  readonly store: SimObjectStore;
  /** Stops churn, the kubelets and the API server. */
  close(): Promise<void>;
}

/** Builds the cluster and starts its API server and kubelets. */
export async function startSimCluster(options: SimStartOptions = {}): Promise<RunningSimCluster> {
  const { nodes = 10, podsPerNode = 30, seed = 1, kubeletPort = 10255, apiPort = 0, clock, churn, tickIntervalMs = 1000, reviews } = options;
  if (typeof tickIntervalMs !== 'number' || !Number.isFinite(tickIntervalMs) || tickIntervalMs < 10) {
    throw new SimError('invalid_option', `tickIntervalMs must be a number ≥ 10, received ${JSON.stringify(tickIntervalMs)}`, { option: 'tickIntervalMs' });
  }
  const store = createObjectStore();
  const cluster = createSimCluster({ nodes, podsPerNode, seed, kubeletPort, ...(clock ? { clock } : {}), ...(churn ? { churn } : {}), store });
  const kubelets = await startKubelets({ cluster, port: kubeletPort });
  let api;
  try {
    api = await startApiServer({ host: '127.0.0.1', port: apiPort, store, ...(reviews ? { reviews } : {}) });
  } catch (error) {
    await kubelets.close();
    throw error;
  }
  const churning = (churn?.podsPerMinute ?? 0) > 0 || (churn?.restartsPerMinute ?? 0) > 0;
  const timer = churning ? setInterval(() => cluster.tick(), tickIntervalMs) : undefined;
  timer?.unref();
  const server = api;
  let closing: Promise<void> | undefined;
  return {
    apiUrl: server.url,
    kubeletPort: kubelets.port,
    cluster,
    faults: kubelets.faults,
    apiFaults: server.faults,
    reviews: server.reviews,
    store,
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        await Promise.all([kubelets.close(), server.close()]);
      })();
      return closing;
    },
  };
}
