/**
 * P4: GraphQL throughput of a namespace dashboard query, Heapgraph's surface side by side with a
 * stock Apollo Server over the same schema, resolvers and data in the same process, in
 * alternating rounds (autocannon, fixed connections, fixed duration; autocannon runs in the
 * orchestrator process, never in the server's). A trivial query gives each server's fixed cost.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { HeapgraphProcess } from '../heapgraphProcess.js';
import { summariseProfile, type CpuProfile } from '../profileSummary.js';
import { dashboardQuery, graphqlBody, trivialQuery } from '../queries.js';
import type { ThroughputResult, ThroughputRun } from '../results.js';

/** Options of {@link measureThroughput}. */
export interface ThroughputOptions {
  namespace: string;
  dashboardPods: number;
  connections: number;
  durationS: number;
  rounds: number;
  trivialDurationS: number;
  /** Where to write a CPU profile of Heapgraph under one extra dashboard load (not counted); none when absent. */
  profilePath?: string;
}

async function answer(url: string, body: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

async function load(server: ThroughputRun['server'], query: ThroughputRun['query'], url: string, body: string, connections: number, durationS: number): Promise<ThroughputRun> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: durationS, pipelining: 1 });
  return {
    server,
    query,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
  };
}

/** Runs P4. Both servers must give the same answer first, so the comparison is like for like. */
export async function measureThroughput(hg: HeapgraphProcess, options: ThroughputOptions): Promise<ThroughputResult> {
  const { namespace, dashboardPods, connections, durationS, rounds, trivialDurationS } = options;
  const body = graphqlBody(dashboardQuery, { namespace });
  const servers = { heapgraph: `${hg.url}/graphql`, stock: hg.stockUrl } as const;
  const ours = await answer(servers.heapgraph, body);
  const theirs = await answer(servers.stock, body);
  if (JSON.stringify(JSON.parse(ours)) !== JSON.stringify(JSON.parse(theirs))) throw new Error('Heapgraph and the stock Apollo Server answer the dashboard query differently');
  const runs: ThroughputRun[] = [];
  // Warm both up (JIT, caches) before anything counts.
  await load('heapgraph', 'dashboard', servers.heapgraph, body, connections, 2);
  await load('stock', 'dashboard', servers.stock, body, connections, 2);
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so drift (GC, heap growth) does not favour one server.
    const order = round % 2 === 0 ? (['heapgraph', 'stock'] as const) : (['stock', 'heapgraph'] as const);
    for (const server of order) runs.push(await load(server, 'dashboard', servers[server], body, connections, durationS));
  }
  if (trivialDurationS > 0) {
    const trivial = graphqlBody(trivialQuery);
    for (const server of ['heapgraph', 'stock'] as const) runs.push(await load(server, 'trivial', servers[server], trivial, connections, trivialDurationS));
  }
  let profile: ThroughputResult['profile'];
  if (options.profilePath) {
    await hg.rpc.call('cpuProfileStart', { intervalUs: 250 });
    await load('heapgraph', 'dashboard', servers.heapgraph, body, connections, Math.min(durationS, 4));
    const path = await hg.rpc.call<string>('cpuProfileStop', { path: options.profilePath });
    profile = { path, summary: summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, 25) };
  }
  return { connections, runs, dashboardPods, responseBytes: Buffer.byteLength(ours), ...(profile ? { profile } : {}) };
}
