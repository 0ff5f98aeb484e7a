/**
 * The floor under P1's scrape + decode: every node's `/stats/summary` fetched from the simulator
 * (its own process) with Heapgraph's kubelet client at the source manager's concurrency, and
 * then, by round in turn: nothing more (`fetch`), `JSON.parse` of the body (`parse`), or the
 * whole summary decode into metric sets kept until the round ends, as a batch keeps them
 * (`decode`). Per round: CPU of this process, wall time, and the collections V8 ran
 * (scavenges, mark-compacts; `PerformanceObserver` 'gc' entries); then medians per mode of the
 * rounds after each mode's first (connections opened, code warmed). Not a test and not part of
 * `npm run bench`; figures are printed, never asserted.
 *
 * Run: `node --max-semi-space-size=64 --import tsx bench/scrape-floor.ts [nodes=5000] [rounds=12] [modes=fetch,parse,decode]`
 *
 * @module
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { MetricSet } from '../src/core/types.js';
import { createKubeletClient } from '../src/sources/kubelet/client.js';
import { decodeSummary } from '../src/sources/summary/decode.js';
import { createKeyMemo } from '../src/sources/summary/keyMemo.js';
import { startSim } from './sim.js';

const nodes = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 12);
const allModes = ['fetch', 'parse', 'decode'] as const;
type Mode = (typeof allModes)[number];
const modes: readonly Mode[] = process.argv[4] ? (process.argv[4].split(',') as Mode[]) : allModes;
if (modes.some((mode) => !allModes.includes(mode))) throw new Error(`modes are ${allModes.join(', ')}; received ${process.argv[4]}`);
const concurrency = 64; // the source manager's default

let scavenges = 0;
let markCompacts = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry.detail as { kind?: number } | undefined)?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) markCompacts++;
  }
}).observe({ entryTypes: ['gc'] });

const sim = await startSim({ nodes, podsPerNode: 30 });
const nodeList = (await (await fetch(`${sim.apiUrl}/api/v1/nodes`)).json()) as {
  items: Array<{ metadata: { name: string }; status: { addresses: Array<{ type: string; address: string }> } }>;
};
const targets = nodeList.items.map((node) => ({
  host: node.status.addresses.find((address) => address.type === 'InternalIP')!.address,
  info: { nodeName: node.metadata.name, hostname: node.metadata.name, hostId: '' },
}));
const client = createKubeletClient();
const utf8 = new TextDecoder();
const keys = createKeyMemo();

interface Round {
  mode: Mode;
  cpuS: number;
  wallMs: number;
  mib: number;
  scavenges: number;
  markCompacts: number;
}

async function round(mode: Mode): Promise<Round> {
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  const [scavengesBefore, markCompactsBefore] = [scavenges, markCompacts];
  let next = 0;
  let bytes = 0;
  const batch = new Map<string, MetricSet>();
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const { host, info } = targets[next++]!;
      const body = await client.fetch({ host, port: sim.kubeletPort, path: '/stats/summary/' }, AbortSignal.timeout(60_000));
      bytes += body.length;
      if (mode === 'parse') JSON.parse(utf8.decode(body));
      if (mode === 'decode') {
        for (const [key, set] of decodeSummary(body, info, { nowMs: Date.now(), keys }).metricSets) batch.set(key, set);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  batch.clear();
  // Let the 'gc' entries of this round arrive before counting them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    mode,
    cpuS: (used.user + used.system) / 1e6,
    wallMs: performance.now() - startMs,
    mib: bytes / 2 ** 20,
    scavenges: scavenges - scavengesBefore,
    markCompacts: markCompacts - markCompactsBefore,
  };
}

const results: Round[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    const result = await round(modes[i % modes.length]!);
    results.push(result);
    const { mode, cpuS, wallMs, mib, scavenges: s, markCompacts: m } = result;
    console.log(`round ${i} ${mode}: ${targets.length} bodies, ${mib.toFixed(0)} MiB, wall ${wallMs.toFixed(0)} ms, CPU ${cpuS.toFixed(2)} s, scavenges ${s}, mark-compacts ${m}`);
  }
  for (const mode of modes) {
    const rest = results.slice(modes.length).filter((result) => result.mode === mode);
    const median = (pick: (result: Round) => number) => {
      const sorted = rest.map(pick).sort((a, b) => a - b);
      return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
    };
    console.log(`${mode}: ${rest.length} rounds, median CPU ${median((r) => r.cpuS).toFixed(2)} s, wall ${median((r) => r.wallMs).toFixed(0)} ms, scavenges ${median((r) => r.scavenges)}, mark-compacts ${median((r) => r.markCompacts)}`);
  }
} finally {
  client.close();
  await sim.stop();
}
