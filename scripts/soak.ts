/**
 * `npm run soak -- --minutes 10`: a bounded soak, not part of CI. Heapgraph runs in its own
 * process against the simulator (another process, with pod churn) and InfluxDB (when `influxd`
 * is installed), while faults rotate — kubelets down, slow, erroring, malformed, truncated,
 * oversized; watches dropped, expired (410) and stalled; the API server and InfluxDB down — and
 * graphql-ws subscribers stay connected (one reconnecting). The Heapgraph process is sampled
 * (RSS, heap after GC, active handles and sockets, live-feed listeners, subscribers, batches and
 * points); the run ends healed and drained and prints a table and a verdict. Exit code 1 when a
 * check fails.
 *
 * Options: --minutes 10, --warmup-minutes 3, --nodes 20, --pods-per-node 15, --resolution 5s,
 * --retention 2m, --phase-seconds 40, --sample-seconds 15, --json <path>.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { captureOutput, forkTs, stopAllChildren } from '../bench/children.js';
import { createRpcClient, type RpcClient } from '../bench/rpc.js';
import { findInfluxd } from '../test/helpers/influxdConfig.js';
import type { KubeletFault } from '../src/sim/index.js';
import type { SoakHeapgraphOptions, SoakSample } from './soak/heapgraph.js';
import { startSoakInfluxd, type SoakInfluxd } from './soak/influxd.js';
import { table, verdict, type SoakRow } from './soak/report.js';
import type { SoakApiFault, SoakSimOptions, SoakSimReady } from './soak/sim.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'warmup-minutes': { type: 'string', default: '3' },
    nodes: { type: 'string', default: '20' },
    'pods-per-node': { type: 'string', default: '15' },
    resolution: { type: 'string', default: '5s' },
    retention: { type: 'string', default: '2m' },
    'phase-seconds': { type: 'string', default: '40' },
    'sample-seconds': { type: 'string', default: '15' },
    json: { type: 'string' },
  },
});
function positive(flag: keyof typeof values): number {
  const value = Number(values[flag]);
  if (!(value > 0)) throw new Error(`--${flag} must be a positive number, received ${JSON.stringify(values[flag])}`);
  return value;
}
const minutes = positive('minutes');
const warmupMinutes = positive('warmup-minutes');
const phaseMs = positive('phase-seconds') * 1000;
const sampleMs = positive('sample-seconds') * 1000;
const resolutionSeconds = Number(/^(\d+)s$/.exec(values.resolution!)?.[1] ?? NaN);
if (!(resolutionSeconds >= 1)) throw new Error(`--resolution must be whole seconds like 5s, received ${values.resolution}`);
const simOptions: SoakSimOptions = { nodes: positive('nodes'), podsPerNode: positive('pods-per-node'), seed: 1, podsPerMinute: 60, restartsPerMinute: 30 };
const bodyCapBytes = 64 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

/** Forks a soak child and waits for its `ready` event. */
async function startChild<T>(module: string, args: string[], execArgv: string[] = []): Promise<{ rpc: RpcClient; ready: T }> {
  const child = forkTs(module, args, { execArgv });
  const output = captureOutput(child, 40);
  const rpc = createRpcClient(child, module);
  const ready = await new Promise<T>((resolve, reject) => {
    rpc.onEvent((event, data) => event === 'ready' && resolve(data as T));
    child.once('exit', (code) => reject(new Error(`${module} exited with code ${code}:\n${output()}`)));
  });
  return { rpc, ready };
}

/** A subscriber counting what it receives. */
function subscribe(url: string, query: string): { client: Client; received: () => number } {
  let received = 0;
  const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  client.subscribe({ query }, { next: () => void received++, error: (error) => log(`subscriber error: ${JSON.stringify(error)}`), complete: () => {} });
  return { client, received: () => received };
}

const documents = ['subscription { batch { timestamp metricSets scrapes { failed } } }', 'subscription { batch { counts { nodes pods containers } } }'];

async function main(): Promise<number> {
  const influxdPath = findInfluxd();
  const influxd: SoakInfluxd | undefined = influxdPath ? await startSoakInfluxd(influxdPath) : undefined;
  if (!influxd) log('influxd not installed: running without the InfluxDB sink');
  const sim = await startChild<SoakSimReady>('scripts/soak/sim.ts', [JSON.stringify(simOptions)]);
  const logPath = join(tmpdir(), `heapgraph-soak-${process.pid}.log`);
  const heapgraphOptions: SoakHeapgraphOptions = {
    logPath,
    argv: [
      `--source=kubernetes:${sim.ready.apiUrl}?inClusterConfig=false&kubeletPort=${sim.ready.kubeletPort}`,
      `--metric_resolution=${values.resolution}`,
      `--model_retention=${values.retention}`,
      '--port=0',
      '--listen_ip=127.0.0.1',
      ...(influxd ? [`--sink=influxdb:${influxd.url}?db=soak`] : []),
    ],
  };
  const heapgraph = await startChild<{ url: string }>('scripts/soak/heapgraph.ts', [JSON.stringify(heapgraphOptions)], ['--expose-gc']);
  const { url } = heapgraph.ready;
  log(`Heapgraph ${url}, simulator ${sim.ready.apiUrl} (${simOptions.nodes} nodes × ${simOptions.podsPerNode} pods), ${influxd ? `influxd ${influxd.url}` : 'no influxd'}; warnings in ${logPath}`);

  const persistent = [0, 1, 2, 3].map((i) => subscribe(url, documents[i % 2]!));
  const nodes = sim.ready.nodeNames;
  const kubelet = (node: string, fault: KubeletFault) => sim.rpc.call('kubeletFault', { node, fault });
  const api = (fault: SoakApiFault) => sim.rpc.call('apiFault', fault);
  const slowMs = resolutionSeconds * 1000 + 1_000;
  /** Each phase: what starts it, what repeats during it (every 5 s), what ends it. */
  const phases: Array<{ name: string; start?: () => Promise<unknown>; repeat?: () => Promise<unknown>; end?: () => Promise<unknown> }> = [
    { name: 'calm' },
    {
      name: 'kubelets: down, slow, 500, malformed',
      start: () => Promise.all([kubelet(nodes[0]!, { kind: 'down' }), kubelet(nodes[1]!, { kind: 'slow', delayMs: slowMs }), kubelet(nodes[2]!, { kind: 'status', status: 500 }), kubelet(nodes[3]!, { kind: 'malformed' })]),
      end: () => sim.rpc.call('clearKubeletFaults'),
    },
    { name: 'watches dropped', repeat: () => api({ op: 'dropWatches' }) },
    {
      name: 'kubelets: truncated, oversized',
      start: () => Promise.all([kubelet(nodes[4]!, { kind: 'truncated' }), kubelet(nodes[5]!, { kind: 'oversized', bytes: bodyCapBytes + 1024 * 1024 }), kubelet(nodes[6]!, { kind: 'oversized', bytes: bodyCapBytes + 1, declareLength: true })]),
      end: () => sim.rpc.call('clearKubeletFaults'),
    },
    { name: '410 storm', repeat: () => api({ op: 'expireWatches' }) },
    { name: 'API server down', start: () => api({ op: 'setDown', down: true }), end: () => api({ op: 'setDown', down: false }) },
    ...(influxd ? [{ name: 'InfluxDB down', start: () => influxd.stop(), end: () => influxd.start() }] : []),
    { name: 'watches stalled', start: () => api({ op: 'stallWatches', stalled: true }), end: () => api({ op: 'stallWatches', stalled: false }) },
  ];
  const rotationMinutes = (phases.length * phaseMs) / 60_000;

  const startedMs = Date.now();
  const endMs = startedMs + minutes * 60_000;
  let phase = 'start';
  const rows: SoakRow[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const sample = await heapgraph.rpc.call<SoakSample>('sample', undefined, 60_000);
      rows.push({ minutes: (Date.now() - startedMs) / 60_000, phase, sample });
      await sleep(sampleMs);
    }
  })();
  let rotating: ReturnType<typeof subscribe> | undefined;
  let reconnects = 0;
  for (let i = 0; Date.now() < endMs; i++) {
    const current = phases[i % phases.length]!;
    phase = current.name;
    log(`phase: ${phase}`);
    await current.start?.();
    const phaseEnd = Math.min(endMs, Date.now() + phaseMs);
    while (Date.now() < phaseEnd) {
      await sleep(Math.min(5_000, phaseEnd - Date.now()));
      await current.repeat?.();
      // One subscriber connects and leaves every other step: listeners must come and go with it.
      if (rotating) {
        await rotating.client.dispose();
        rotating = undefined;
      } else {
        rotating = subscribe(url, 'subscription { batch { timestamp } }');
        reconnects++;
      }
    }
    await current.end?.();
  }
  await rotating?.client.dispose();
  phase = 'healed';
  log('healed; letting two cycles pass, then draining');
  await sleep(2 * resolutionSeconds * 1000 + 2_000);
  sampling = false;
  await sampler;
  const finished = await heapgraph.rpc.call<{ drained: boolean; sample: SoakSample }>('finish', { drainMs: 120_000 }, 180_000);
  let influxdPoints: number | undefined;
  if (influxd) {
    const answer = await influxd.query('SELECT COUNT("value") FROM /.*/', 'soak');
    influxdPoints = (answer.results[0].series ?? []).reduce((sum: number, series: { values: number[][] }) => sum + series.values[0]![1]!, 0);
  }
  const received = persistent.map((s) => s.received());
  await Promise.all(persistent.map((s) => s.client.dispose()));
  await heapgraph.rpc.call('stop', undefined, 60_000).catch(() => undefined);
  await sim.rpc.call('stop', undefined, 30_000).catch(() => undefined);
  await influxd?.dispose();

  const end = { ...finished, influxdPoints, persistentDocuments: documents.length, persistentSubscribers: persistent.length };
  const checks = verdict(rows, end, warmupMinutes, rotationMinutes);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  const s = finished.sample;
  process.stdout.write(
    [
      '',
      `Soak of ${minutes} min on ${new Date(startedMs).toISOString()}: ${machine}`,
      `Simulator ${simOptions.nodes} nodes × ${simOptions.podsPerNode} pods, churn ${simOptions.podsPerMinute} pods and ${simOptions.restartsPerMinute} restarts per minute; resolution ${values.resolution}, retention ${values.retention}; phases of ${phaseMs / 1000} s: ${phases.map((p) => p.name).join(' → ')}`,
      '',
      table([...rows, { minutes: (Date.now() - startedMs) / 60_000, phase: 'end (drained)', sample: s }]),
      '',
      `Scrapes by outcome: ${JSON.stringify(s.scrapes)}; exports: ${JSON.stringify(s.exports)}; InfluxDB write errors ${s.influx.writeErrors}; informer restarts ${s.informerRestarts}; warnings logged ${s.warnings}`,
      `Subscribers: ${persistent.length} connected throughout received ${received.join(', ')} messages (${s.stored} batches stored); the rotating one connected ${reconnects} times`,
      '',
      ...checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`),
      '',
      `Verdict: ${checks.every((c) => c.ok) ? 'PASS' : 'FAIL'}`,
      '',
    ].join('\n'),
  );
  if (values.json) writeFileSync(values.json, JSON.stringify({ startedMs, machine, simOptions, values, rows, end, received, checks }, null, 2));
  return checks.every((c) => c.ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAllChildren();
    process.exitCode = 1;
  },
);
