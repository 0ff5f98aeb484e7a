/**
 * P3's load client, in its own process so the server's event-loop stalls show up as latency:
 * every `intervalMs` it sends one request to each target (open loop — a request is not held
 * back because an earlier one is still waiting, so a stall is measured, not hidden) and records
 * each latency from send to the last byte of the answer.
 *
 * Commands: `start { targets, intervalMs }`, `stop` → `{ [name]: { latenciesMs, errors, statuses } }`,
 * `loopDelay` → this process's own longest event-loop delay since `start`, ms: a latency far
 * above it and above the server's was waited for elsewhere (a CPU, the network stack), and one
 * near it may be the client's own wait, not the server's.
 *
 * @module
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serveRpc } from '../rpc.js';

/** One request to repeat. */
export interface LatencyTarget {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

/** What a target got. */
export interface LatencySamples {
  latenciesMs: number[];
  /** Send time of each sample (epoch ms), same order as `latenciesMs`. */
  sentAtMs: number[];
  /** Whether each sample's request went over a kept-alive connection (false: a new one was opened). */
  reusedSocket: boolean[];
  /** Send → first byte of the answer's headers, ms, same order. */
  firstByteMs: number[];
  errors: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** One response body, to check the query answered what it should. */
  sampleBody: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let timer: NodeJS.Timeout | undefined;
let results: Record<string, LatencySamples> = {};
const inFlight = new Set<Promise<void>>();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function send(target: LatencyTarget): Promise<void> {
  const samples = results[target.name]!;
  const started = performance.now();
  return new Promise<void>((resolve) => {
    const req = request(target.url, { method: target.method, agent, headers: target.headers }, (res) => {
      const firstByteMs = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        samples.latenciesMs.push(performance.now() - started);
        samples.sentAtMs.push(performance.timeOrigin + started);
        samples.reusedSocket.push(req.reusedSocket);
        samples.firstByteMs.push(firstByteMs);
        const status = String(res.statusCode);
        samples.statuses[status] = (samples.statuses[status] ?? 0) + 1;
        if (samples.sampleBody === '') samples.sampleBody = Buffer.concat(chunks).toString('utf8').slice(0, 500);
        resolve();
      });
      res.on('error', () => {
        samples.errors++;
        resolve();
      });
    });
    req.on('error', () => {
      samples.errors++;
      resolve();
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.end(target.body);
  });
}

serveRpc({
  start({ targets, intervalMs }: { targets: LatencyTarget[]; intervalMs: number }) {
    loopDelay.reset();
    loopDelay.enable();
    results = Object.fromEntries(targets.map((t) => [t.name, { latenciesMs: [], sentAtMs: [], reusedSocket: [], firstByteMs: [], errors: 0, statuses: {}, sampleBody: '' }]));
    timer = setInterval(() => {
      for (const target of targets) {
        const done = send(target);
        inFlight.add(done);
        void done.finally(() => inFlight.delete(done));
      }
    }, intervalMs);
    return true;
  },
  async stop() {
    clearInterval(timer);
    await Promise.all([...inFlight]);
    loopDelay.disable();
    return results;
  },
  loopDelay() {
    return loopDelay.max / 1e6;
  },
});
