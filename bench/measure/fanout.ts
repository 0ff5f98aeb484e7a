/**
 * P5: live fan-out. Subscriber processes open `subscribers` graphql-ws connections, one
 * `livePod` subscription each, spread over `distinct` pods; then real housekeeping cycles run and
 * for each stored batch the time from the end of the store write (in the Heapgraph process) to
 * each subscriber's receipt (in the client processes) is taken, with Heapgraph's CPU over that
 * span; how much of it passed before the LiveFeed reached the subscriptions is kept apart.
 * Both ends read `performance.timeOrigin + performance.now()` of the same machine.
 *
 * @module
 */
import { forkTs, stopChild } from '../children.js';
import type { ArrivalSummary, SubscriptionSpec } from '../clients/subscribers.js';
import type { HeapgraphProcess } from '../heapgraphProcess.js';
import { livePodSubscription, type PodRef } from '../queries.js';
import type { FanoutBatch, FanoutResult } from '../results.js';
import { createRpcClient, type RpcClient } from '../rpc.js';
import type { CycleMeasurement } from '../server/cycles.js';
import { percentile } from '../stats.js';

/** Options of {@link measureFanout}. */
export interface FanoutOptions {
  subscribers: number;
  pods: readonly PodRef[];
  /** Measured batches (after one warm-up batch that proves every subscriber is in). */
  batches: number;
  /** Most connections per client process (each holds one fd per connection). */
  perProcess: number;
}

interface Published {
  timestamp: number;
  /** When the LiveFeed published it (after Heapgraph's own feed listeners). */
  atMs: number;
  cpuMs: number;
  /** When the store finished writing it. */
  storedAtMs: number;
  storedCpuMs: number;
}

/** Runs one cycle and resolves to its publish event. */
async function cycleAndPublish(hg: HeapgraphProcess, cycles: CycleMeasurement[]): Promise<Published> {
  let off = () => {};
  const published = new Promise<Published>((resolve) => {
    off = hg.rpc.onEvent((event, data) => {
      if (event === 'published') resolve(data as Published);
    });
  });
  const ran = hg.rpc.call<CycleMeasurement[]>('cycles', { count: 1 }).then((c) => cycles.push(...c));
  try {
    // A cycle that fails before publishing rejects `ran`, which ends the wait too.
    const event = await Promise.race([published, ran.then(() => published)]);
    await ran;
    return event;
  } finally {
    off();
  }
}

/** Runs P5 at one subscriber count; returns the result and the cycles it ran. */
export async function measureFanout(hg: HeapgraphProcess, { subscribers, pods, batches, perProcess }: FanoutOptions): Promise<{ result: FanoutResult; cycles: CycleMeasurement[] }> {
  const subscriptions: SubscriptionSpec[] = pods.map((pod) => ({ query: livePodSubscription, variables: { ...pod } }));
  const processes = Math.ceil(subscribers / perProcess);
  const children = Array.from({ length: processes }, () => forkTs('bench/clients/subscribers.ts', []));
  const clients: RpcClient[] = children.map((child, i) => createRpcClient(child, `subscriber process ${i}`));
  const cycles: CycleMeasurement[] = [];
  const wsUrl = `${hg.url.replace(/^http/, 'ws')}/graphql`;
  try {
    const started = performance.now();
    const shares = clients.map((_, i) => Math.floor(subscribers / processes) + (i < subscribers % processes ? 1 : 0));
    let offset = 0;
    const connected = await Promise.all(
      clients.map((client, i) => {
        const share = shares[i]!;
        const call = client.call<{ connected: number; failed: number; firstError: string }>('connect', { url: wsUrl, subscriptions, count: share, offset, concurrency: 50 }, 600_000);
        offset += share;
        return call;
      }),
    );
    const connectMs = performance.now() - started;
    const failed = connected.reduce((sum, c) => sum + c.failed, 0);
    const expected = subscribers - failed;
    const waitAll = (timestamp: number, timeoutMs: number) =>
      Promise.all(clients.map((client, i) => client.call<ArrivalSummary>('waitFor', { timestamp: new Date(timestamp).toISOString(), count: shares[i]! - connected[i]!.failed, timeoutMs }, timeoutMs + 30_000)));
    // Warm-up: a subscriber counts only once it has received a batch.
    let warm = 0;
    for (let attempt = 0; attempt < 3 && warm < expected; attempt++) {
      const event = await cycleAndPublish(hg, cycles);
      warm = (await waitAll(event.timestamp, 30_000)).reduce((sum, a) => sum + a.count, 0);
    }
    const measured: FanoutBatch[] = [];
    for (let b = 0; b < batches; b++) {
      const event = await cycleAndPublish(hg, cycles);
      const arrivals = await waitAll(event.timestamp, 60_000);
      const { cpuMs } = await hg.rpc.call<{ cpuMs: number }>('cpu');
      const delays = arrivals.flatMap((a) => a.timesMs).map((t) => t - event.storedAtMs);
      measured.push({
        allMs: Math.max(...delays),
        p50Ms: percentile(delays, 50),
        p99Ms: percentile(delays, 99),
        received: delays.length,
        serverCpuMs: cpuMs - event.storedCpuMs,
        storeToPublishMs: event.atMs - event.storedAtMs,
      });
    }
    await Promise.all(clients.map((client) => client.call('close', undefined, 120_000)));
    return {
      result: { subscribers, distinct: pods.length, clientProcesses: processes, connectMs, connectFailures: failed, firstError: connected.find((c) => c.firstError)?.firstError ?? '', batches: measured },
      cycles,
    };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
  }
}
