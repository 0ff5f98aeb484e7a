/**
 * The simulated cluster in its own process (`src/sim/main.ts`), so its CPU never counts as
 * Heapgraph's and Heapgraph reaches it over real HTTP on loopback.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
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

/**
 * Starts `src/sim/main.ts` with `nodes` × `podsPerNode` on free loopback ports. `nice` > 0
 * lowers the simulator's priority once it is ready, so that Heapgraph gets the cores whenever
 * it can run, as where the kubelets are other machines.
 */
export async function startSim({ nodes, podsPerNode, seed = 1, logPath, nice = 0 }: { nodes: number; podsPerNode: number; seed?: number; logPath?: string; nice?: number }): Promise<SimProcess> {
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
    if (nice > 0) reniceProcess(child.pid!, nice);
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

/**
 * Sets the niceness of every thread of `pid`: Linux's setpriority acts on one thread, and V8's
 * and libuv's threads exist before the simulator is ready.
 */
export function reniceProcess(pid: number, nice: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(tid), nice);
    } catch (error) {
      // A thread that ended since the listing (ESRCH) needs no priority.
      if ((error as { info?: { code?: string } }).info?.code !== 'ESRCH') throw error;
    }
  }
}
