/**
 * The simulated cluster in its own process (`src/sim/main.ts`), so its CPU never counts as
 * Heapgraph's and Heapgraph reaches it over real HTTP on loopback.
 *
 * @module
 */
import { captureOutput, forkTs, stopChild } from './children.js';

/** A running simulator process. */
export interface SimProcess {
  readonly apiUrl: string;
  readonly kubeletPort: number;
  readonly pid: number;
  /** Milliseconds the simulator took to build the cluster and listen. */
  readonly readyMs: number;
  /** `--source` value that points Heapgraph at it. */
  readonly sourceUri: string;
  stop(): Promise<void>;
}

/** Starts `src/sim/main.ts` with `nodes` × `podsPerNode` on free loopback ports. */
export async function startSim({ nodes, podsPerNode, seed = 1, logPath }: { nodes: number; podsPerNode: number; seed?: number; logPath?: string }): Promise<SimProcess> {
  const child = forkTs('src/sim/main.ts', ['--nodes', String(nodes), '--pods-per-node', String(podsPerNode), '--seed', String(seed), '--api-port', '0', '--kubelet-port', '0']);
  const output = captureOutput(child, 50, logPath);
  let text = '';
  try {
    const ready = await new Promise<{ apiUrl: string; kubeletPort: number; readyMs: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulator not ready within 300 s:\n${output()}`)), 300_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const api = /sim: API server (\S+)/.exec(text);
        const port = /sim: kubelets on port (\d+)/.exec(text);
        const readyIn = /ready in (\d+) ms/.exec(text);
        if (api && port && readyIn) {
          clearTimeout(timer);
          resolve({ apiUrl: api[1]!, kubeletPort: Number(port[1]), readyMs: Number(readyIn[1]) });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`simulator exited with code ${code}:\n${output()}`));
      });
    });
    return {
      ...ready,
      pid: child.pid!,
      sourceUri: `kubernetes:${ready.apiUrl}?inClusterConfig=false&kubeletPort=${ready.kubeletPort}`,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
