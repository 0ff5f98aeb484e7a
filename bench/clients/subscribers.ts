/**
 * P5's subscribers, in their own process: `count` graphql-ws clients (the `graphql-ws` client
 * over `ws`, one WebSocket each, one subscription each), spread round-robin over the given
 * subscriptions. Every message's arrival time (epoch ms, sub-millisecond) is recorded under the
 * batch timestamp it carries, so the orchestrator can compare it with the server's publish time.
 *
 * Commands: `connect`, `waitFor { timestamp, count, timeoutMs }` → arrival summary, `close`.
 *
 * @module
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { serveRpc } from '../rpc.js';

/** One distinct subscription. */
export interface SubscriptionSpec {
  query: string;
  variables: Record<string, unknown>;
}

/** When the messages of one batch arrived. */
export interface ArrivalSummary {
  /** Messages received for the batch. */
  count: number;
  firstAtMs: number;
  lastAtMs: number;
  /** Arrival times, ascending (epoch ms). */
  timesMs: number[];
  errors: number;
}

const clients: Client[] = [];
const arrivals = new Map<string, number[]>();
let errors = 0;
const waiters: Array<() => void> = [];

function now(): number {
  return performance.timeOrigin + performance.now();
}

function record(timestamp: string): void {
  let times = arrivals.get(timestamp);
  if (!times) arrivals.set(timestamp, (times = []));
  times.push(now());
  for (const wake of waiters.splice(0)) wake();
}

/** Opens one client and subscribes; resolves once the server acknowledged the connection. */
function open(url: string, spec: SubscriptionSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      keepAlive: 0,
      on: {
        connected: () => {
          settled = true;
          resolve();
        },
        closed: (event) => {
          if (!settled) {
            settled = true;
            reject(new Error(`closed before ack: ${JSON.stringify((event as { code?: number })?.code)}`));
          }
        },
        error: (error) => {
          if (!settled) {
            settled = true;
            reject(error instanceof Error ? error : new Error(String((error as { message?: string })?.message ?? error)));
          }
        },
      },
    });
    clients.push(client);
    client.subscribe<{ livePod?: { timestamp: string } }>(spec, {
      next: (message) => {
        const timestamp = message.data?.livePod?.timestamp;
        if (timestamp) record(timestamp);
        else errors++;
      },
      error: () => errors++,
      complete: () => {},
    });
  });
}

serveRpc({
  async connect({ url, subscriptions, count, offset, concurrency }: { url: string; subscriptions: SubscriptionSpec[]; count: number; offset: number; concurrency: number }) {
    const started = performance.now();
    let next = 0;
    let failed = 0;
    let firstError = '';
    async function worker(): Promise<void> {
      while (next < count) {
        const i = next++;
        try {
          await open(url, subscriptions[(offset + i) % subscriptions.length]!);
        } catch (error) {
          failed++;
          firstError ||= error instanceof Error ? error.message : String(error);
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { connected: count - failed, failed, firstError, ms: performance.now() - started };
  },
  async waitFor({ timestamp, count, timeoutMs }: { timestamp: string; count: number; timeoutMs: number }): Promise<ArrivalSummary> {
    const deadline = performance.now() + timeoutMs;
    while ((arrivals.get(timestamp)?.length ?? 0) < count && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - performance.now()));
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const times = [...(arrivals.get(timestamp) ?? [])].sort((a, b) => a - b);
    return { count: times.length, firstAtMs: times[0] ?? NaN, lastAtMs: times[times.length - 1] ?? NaN, timesMs: times, errors };
  },
  async close() {
    await Promise.allSettled(clients.splice(0).map((client) => client.dispose()));
    return true;
  },
});
