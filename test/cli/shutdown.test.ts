/**
 * SIGTERM end to end: the real command (`node bin/heapgraph.js`) in a child process, scraping a
 * simulated cluster that runs in this process (so its kubelets can be slowed and their requests
 * counted), exporting to an InfluxDB stand-in — a node:http server on 127.0.0.1 that answers
 * `/query` as InfluxDB 1.x does and records every `/write` body, or holds every write unanswered —
 * with a graphql-ws subscriber connected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createObjectStore } from '../../src/sim/apiserver/store.js';
import { startApiServer, type ApiServerHandle } from '../../src/sim/apiserver/server.js';
import { createSimCluster, startKubelets, type SimCluster } from '../../src/sim/index.js';
import type { KubeletServer } from '../../src/sim/kubelet/server.js';
import { waitFor } from '../helpers/heapgraph.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resolutionMs = 2_000;
/** The manager's offset for a 2 s resolution: min(5 s, resolution / 2). */
const offsetMs = 1_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Sim {
  apiUrl: string;
  kubeletPort: number;
  cluster: SimCluster;
  kubelets: KubeletServer;
  store: ReturnType<typeof createObjectStore>;
}

/** The simulator's parts, assembled as startSimCluster does, keeping the kubelets' request counter in reach. */
async function startSim(): Promise<Sim> {
  const store = createObjectStore();
  const cluster = createSimCluster({ nodes: 2, podsPerNode: 3, seed: 5, kubeletPort: 0, store });
  const kubelets = await startKubelets({ cluster, port: 0 });
  let api: ApiServerHandle;
  try {
    api = await startApiServer({ host: '127.0.0.1', port: 0, store });
  } catch (error) {
    await kubelets.close();
    throw error;
  }
  cleanups.push(() => Promise.all([kubelets.close(), api.close()]).then(() => undefined));
  return { apiUrl: api.url, kubeletPort: kubelets.port, cluster, kubelets, store };
}

interface RecordedWrite {
  receivedMs: number;
  lines: string[];
}

interface InfluxStandIn {
  url: string;
  writes: RecordedWrite[];
}

/** InfluxDB 1.x as far as the sink needs it; `answerWrites: false` holds every write open for ever. */
async function startInfluxStandIn({ answerWrites }: { answerWrites: boolean }): Promise<InfluxStandIn> {
  const writes: RecordedWrite[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/query') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results: [{ statement_id: 0 }] }));
        return;
      }
      if (path !== '/write') {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      writes.push({ receivedMs: Date.now(), lines: body.split('\n').filter((line) => line !== '') });
      if (answerWrites) res.writeHead(204).end();
      else held.push(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const res of held) res.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes };
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

interface RunningCommand {
  child: ChildProcess;
  /** Every JSON log line so far. */
  log: LogLine[];
  /** Everything written to stdout and stderr (for failure messages). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

function startCommand(args: string[]): RunningCommand {
  const child = spawn(process.execPath, [resolve(root, 'bin/heapgraph.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: LogLine[] = [];
  let text = '';
  let partial = '';
  child.stdout!.on('data', (data: Buffer) => {
    text += data;
    partial += data;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) log.push(JSON.parse(line) as LogLine);
  });
  child.stderr!.on('data', (data: Buffer) => (text += data));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal, atMs: Date.now() })),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, log, output: () => text, exited };
}

function servingUrl(command: RunningCommand): Promise<string> {
  return waitFor(() => command.log.map((l) => /serving on (http:\/\/[^ :]+:\d+)/.exec(l.msg)?.[1]).find((u) => u !== undefined), 30_000);
}

interface Subscriber {
  events: Array<{ timestamp: string }>;
  closeCode: Promise<number>;
}

/** One `batch` subscription over graphql-ws; never reconnects, so the close it reports is the server's. */
function subscribeToBatches(baseUrl: string): Subscriber {
  const events: Array<{ timestamp: string }> = [];
  let closed: (code: number) => void = () => {};
  const closeCode = new Promise<number>((r) => (closed = r));
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    // The server's close is expected; it is reported through `closed`, not printed.
    onNonLazyError: () => {},
    on: { closed: (event) => closed((event as { code: number }).code) },
  });
  cleanups.push(() => client.dispose());
  client.subscribe<{ batch: { timestamp: string } }>(
    { query: 'subscription { batch { timestamp metricSets } }' },
    { next: (result) => result.data && events.push(result.data.batch), error: () => {}, complete: () => {} },
  );
  return { events, closeCode };
}

/** Epoch milliseconds of a line's nanosecond timestamp (its last field). */
function lineTimeMs(line: string): number {
  return Number(BigInt(line.slice(line.lastIndexOf(' ') + 1)) / 1_000_000n);
}

/** Tag `key`'s value in a line whose measurement and tags need no escaping (the simulator's names). */
function tag(line: string, key: string): string | undefined {
  const head = line.slice(0, line.indexOf(' '));
  return head.split(',').slice(1).find((t) => t.startsWith(`${key}=`))?.slice(key.length + 1);
}

function sourceFlag(sim: Sim): string {
  return `--source=kubernetes:${sim.apiUrl}?inClusterConfig=false&kubeletPort=${sim.kubeletPort}`;
}

const commonFlags = [`--metric_resolution=${resolutionMs / 1000}s`, '--port=0', '--listen_ip=127.0.0.1'];

describe('heapgraph on SIGTERM', () => {
  it('finishes the cycle in progress, writes its batch to InfluxDB, closes WebSockets with 1001 and exits 0', async () => {
    const sim = await startSim();
    const influx = await startInfluxStandIn({ answerWrites: true });
    const command = startCommand([sourceFlag(sim), `--sink=influxdb:${influx.url}?db=k8s`, '--sink_export_data_timeout=5s', ...commonFlags]);
    const url = await servingUrl(command);
    const subscriber = subscribeToBatches(url);
    await waitFor(() => (subscriber.events.length > 0 && influx.writes.length > 0 ? true : undefined), 20_000);

    // Every kubelet now answers 1 s late (within the 2 s per-node timeout): the next cycle's
    // scrape is in progress from its first request until well after the signal.
    const delayMs = 1_000;
    for (const node of sim.cluster.nodes) sim.kubelets.faults.set(node.name, { kind: 'slow', delayMs });
    const requestsBefore = sim.kubelets.requests;
    const scrapeStartedMs = await waitFor(() => (sim.kubelets.requests > requestsBefore ? Date.now() : undefined), 10_000);
    command.child.kill('SIGTERM');
    const signalMs = Date.now();
    const { code, signal, atMs: exitMs } = await command.exited;

    expect({ code, signal }, command.output()).toEqual({ code: 0, signal: null });
    // The run started `offsetMs` after its window ended; its batch carries the window's end.
    const windowEndMs = Math.floor((scrapeStartedMs - offsetMs) / resolutionMs) * resolutionMs;
    expect(scrapeStartedMs - windowEndMs - offsetMs).toBeLessThan(resolutionMs);
    const lastBatch = influx.writes.flatMap((w) => w.lines.filter((line) => lineTimeMs(line) === windowEndMs).map((line) => ({ line, receivedMs: w.receivedMs })));
    expect(lastBatch.length, command.output()).toBeGreaterThan(0);
    // Written after the signal, before the process ended: flushed by the shutdown, not before it.
    for (const { receivedMs } of lastBatch) {
      expect(receivedMs).toBeGreaterThanOrEqual(signalMs);
      expect(receivedMs).toBeLessThanOrEqual(exitMs);
    }
    // The whole batch: every node and every running pod of the cluster.
    const lines = lastBatch.map((b) => b.line);
    const nodesWritten = new Set(lines.filter((l) => tag(l, 'type') === 'node').map((l) => tag(l, 'nodename')));
    expect(nodesWritten).toEqual(new Set(sim.cluster.nodes.map((n) => n.name)));
    const runningPods = sim.store.list('pods').filter((p) => (p.status as { phase?: string }).phase === 'Running').map((p) => p.metadata.name);
    const podsWritten = new Set(lines.filter((l) => tag(l, 'type') === 'pod').map((l) => tag(l, 'pod_name')));
    expect(podsWritten).toEqual(new Set(runningPods));

    expect(await subscriber.closeCode).toBe(1001);
    // The subscriber got that batch before the close: the store publishes it during the flush,
    // and the sockets close only after the sinks (here, an InfluxDB round trip) are done.
    expect(subscriber.events.map((e) => e.timestamp)).toContain(new Date(windowEndMs).toISOString());
    // Bounded by the cycle deadline (the resolution, 2 s) plus the flush timeout (5 s).
    expect(exitMs - signalMs).toBeLessThan(resolutionMs + 5_000);
    const messages = command.log.map((l) => l.msg);
    expect(command.log.find((l) => l.msg === 'stopping')).toMatchObject({ signal: 'SIGTERM', flushTimeoutMs: 5_000 });
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('InfluxDB points dropped');
  }, 60_000);

  it('exits 0 within the flush timeout when InfluxDB never answers, and logs the points it lost', async () => {
    const sim = await startSim();
    const influx = await startInfluxStandIn({ answerWrites: false });
    const flushTimeoutMs = 2_000;
    const command = startCommand([sourceFlag(sim), `--sink=influxdb:${influx.url}?db=k8s`, `--sink_export_data_timeout=${flushTimeoutMs / 1000}s`, ...commonFlags]);
    await servingUrl(command);
    await waitFor(() => influx.writes[0], 20_000);
    command.child.kill('SIGTERM');
    const signalMs = Date.now();
    const { code, signal, atMs: exitMs } = await command.exited;

    expect({ code, signal }, command.output()).toEqual({ code: 0, signal: null });
    // It waited for the flush timeout, and not much longer.
    expect(exitMs - signalMs).toBeGreaterThanOrEqual(flushTimeoutMs - 50);
    expect(exitMs - signalMs).toBeLessThan(flushTimeoutMs + 3_000);
    // No write was ever answered, so every point InfluxDB received is lost and must be counted,
    // together with the points still waiting behind them.
    const received = influx.writes.reduce((sum, w) => sum + w.lines.length, 0);
    const dropped = command.log.filter((l) => l.msg === 'InfluxDB points dropped' && l.reason === 'shutdown');
    expect(received).toBeGreaterThan(0);
    expect(dropped.reduce((sum, l) => sum + (l.points as number), 0), command.output()).toBeGreaterThanOrEqual(received);
    expect(command.log.map((l) => l.msg)).toContain('stopped');
  }, 60_000);

  it('exits at once on a second signal while flushing, with 128 + the signal number', async () => {
    const sim = await startSim();
    const influx = await startInfluxStandIn({ answerWrites: false });
    const command = startCommand([sourceFlag(sim), `--sink=influxdb:${influx.url}?db=k8s`, '--sink_export_data_timeout=60s', ...commonFlags]);
    await servingUrl(command);
    await waitFor(() => influx.writes[0], 20_000);
    command.child.kill('SIGTERM');
    await waitFor(() => command.log.find((l) => l.msg === 'stopping'), 10_000);
    command.child.kill('SIGINT');
    const secondMs = Date.now();
    const { code, signal, atMs: exitMs } = await command.exited;

    expect({ code, signal }, command.output()).toEqual({ code: 128 + constants.signals.SIGINT, signal: null });
    expect(exitMs - secondMs).toBeLessThan(2_000);
    expect(command.log.find((l) => l.msg.startsWith('second signal while stopping'))).toMatchObject({ signal: 'SIGINT' });
    expect(command.log.map((l) => l.msg)).not.toContain('stopped');
  }, 60_000);

  it('exits 0 at once when signalled while start-up still waits for the API server', async () => {
    // An API server that accepts connections and never answers: the informer caches never sync.
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => r());
        }),
    );
    const apiUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const command = startCommand([`--source=kubernetes:${apiUrl}?inClusterConfig=false`, ...commonFlags]);
    await waitFor(() => command.log.find((l) => l.msg === 'starting informers'), 30_000);
    await waitFor(() => (sockets.size > 0 ? true : undefined), 10_000);
    command.child.kill('SIGTERM');
    const signalMs = Date.now();
    const { code, signal, atMs: exitMs } = await command.exited;

    expect({ code, signal }, command.output()).toEqual({ code: 0, signal: null });
    expect(exitMs - signalMs).toBeLessThan(2_000);
    expect(command.log.find((l) => l.msg.startsWith('signal during start-up'))).toMatchObject({ signal: 'SIGTERM' });
  }, 60_000);
});
