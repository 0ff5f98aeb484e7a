/**
 * The soak's simulated cluster, in its own process so that its memory and CPU never count as
 * Heapgraph's. The orchestrator (scripts/soak.ts) injects kubelet and API-server faults over IPC.
 *
 * argv: `<optionsJson>` ({@link SoakSimOptions}).
 *
 * @module
 */
import { serveRpc } from '../../bench/rpc.js';
import { startSimCluster, type KubeletFault } from '../../src/sim/index.js';

/** What the orchestrator passes in argv[2]. */
export interface SoakSimOptions {
  nodes: number;
  podsPerNode: number;
  seed: number;
  podsPerMinute: number;
  restartsPerMinute: number;
}

/** An API-server fault as the orchestrator names it. */
export type SoakApiFault =
  | { op: 'dropWatches' }
  | { op: 'expireWatches' }
  | { op: 'setDown'; down: boolean }
  | { op: 'stallWatches'; stalled: boolean }
  | { op: 'failNextRequests'; count: number; status: number };

/** What `ready` carries. */
export interface SoakSimReady {
  apiUrl: string;
  kubeletPort: number;
  nodeNames: string[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as SoakSimOptions;
const sim = await startSimCluster({
  nodes: options.nodes,
  podsPerNode: options.podsPerNode,
  seed: options.seed,
  kubeletPort: 0,
  apiPort: 0,
  churn: { podsPerMinute: options.podsPerMinute, restartsPerMinute: options.restartsPerMinute },
});

const rpc = serveRpc({
  kubeletFault: ({ node, fault }: { node: string; fault: KubeletFault }) => sim.faults.set(node, fault),
  clearKubeletFaults: () => sim.faults.clear(),
  apiFault(fault: SoakApiFault) {
    switch (fault.op) {
      case 'dropWatches':
        return sim.apiFaults.dropWatches();
      case 'expireWatches':
        return sim.apiFaults.expireWatches();
      case 'setDown':
        return sim.apiFaults.setDown(fault.down);
      case 'stallWatches':
        return sim.apiFaults.stallWatches(fault.stalled);
      case 'failNextRequests':
        return sim.apiFaults.failNextRequests(fault.count, fault.status);
    }
  },
  podCount: () => sim.cluster.podCount,
  stop: async () => {
    await sim.close();
    setImmediate(() => process.exit(0));
  },
});
rpc.emit('ready', { apiUrl: sim.apiUrl, kubeletPort: sim.kubeletPort, nodeNames: sim.cluster.nodes.map((n) => n.name) } satisfies SoakSimReady);
