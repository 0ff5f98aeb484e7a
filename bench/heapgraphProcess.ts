/**
 * The orchestrator's handle on the Heapgraph process (bench/server/main.ts).
 *
 * @module
 */
import { captureOutput, forkJs, stopChild } from './children.js';
import { compiledModule } from './compiled.js';
import { createRpcClient, type RpcClient } from './rpc.js';
import type { ServerOptions } from './server/main.js';

/** A running Heapgraph process. */
export interface HeapgraphProcess {
  readonly rpc: RpcClient;
  /** Base URL of Heapgraph's APIs (`/graphql`, `/api/v1/...`). */
  readonly url: string;
  /** Base URL of the stock Apollo Server. */
  readonly stockUrl: string;
  readonly pid: number;
  /** Stops Heapgraph in order (its own `stop()`), then the process. */
  stop(): Promise<void>;
  /** The process's last output lines (why it died, when it did). */
  output(): string;
}

/**
 * The V8 young-generation size Heapgraph ships with (Dockerfile, deploy/deployment.yaml,
 * `npm start`; a test keeps them equal), so the benchmark measures the shipped configuration.
 * Measured at 5,000 nodes (docs/benchmarks.md): 64 MiB semi-spaces instead of V8's 16 cut a
 * cycle's CPU by ~40 % (fewer scavenges, fewer short-lived decode objects promoted to old
 * space) for ~+440 MiB RSS; at 1,000 nodes CPU is unchanged and RSS +~75 MiB.
 */
export const shippedV8Flags: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Starts Heapgraph against `sourceUri` with `nodeFlags` (default: the shipped ones); resolves
 * once its APIs listen and its caches synced.
 */
export async function startHeapgraph(sourceUri: string, options: ServerOptions, logPath?: string, nodeFlags: readonly string[] = shippedV8Flags): Promise<HeapgraphProcess> {
  const child = forkJs(compiledModule('bench/server/main.ts'), [sourceUri, JSON.stringify(options)], { execArgv: ['--expose-gc', ...nodeFlags] });
  const output = captureOutput(child, 50, logPath);
  const rpc = createRpcClient(child, 'heapgraph');
  try {
    const ready = await new Promise<{ url: string; stockUrl: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`heapgraph not ready within 300 s:\n${output()}`)), 300_000);
      rpc.onEvent((event, data) => {
        if (event !== 'ready') return;
        clearTimeout(timer);
        resolve(data as { url: string; stockUrl: string });
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`heapgraph exited with code ${code}:\n${output()}`));
      });
    });
    return {
      rpc,
      ...ready,
      pid: child.pid!,
      output,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          await rpc.call('stop', undefined, 60_000).catch(() => undefined);
        }
        await stopChild(child);
      },
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
