/**
 * P3: latency of a single-pod GraphQL query and a single-pod REST query, sent from a separate
 * process at a fixed rate, first while Heapgraph is idle and then while housekeeping cycles run
 * (each with the driver's pause after it); plus the Heapgraph process's own event-loop delay during those cycles.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { forkTs, stopChild } from '../children.js';
import type { LatencySamples, LatencyTarget } from '../clients/latency.js';
import type { HeapgraphProcess } from '../heapgraphProcess.js';
import { graphqlBody, singlePodQuery, singlePodRestPath, type PodRef } from '../queries.js';
import type { LatencyResult, ResponsivenessResult } from '../results.js';
import { createRpcClient } from '../rpc.js';
import type { CycleMeasurement } from '../server/cycles.js';
import { percentile } from '../stats.js';

/** Options of {@link measureResponsiveness}. */
export interface ResponsivenessOptions {
  pod: PodRef;
  cycles: number;
  /** One request of each kind per interval. */
  intervalMs: number;
  idleMs: number;
}

function summarise(samples: Record<string, LatencySamples>): LatencyResult[] {
  return Object.entries(samples).map(([name, s]) => ({
    name,
    samples: s.latenciesMs.length,
    p50Ms: percentile(s.latenciesMs, 50),
    p99Ms: percentile(s.latenciesMs, 99),
    maxMs: percentile(s.latenciesMs, 100),
    errors: s.errors,
    non200: Object.entries(s.statuses).reduce((sum, [status, n]) => (status === '200' ? sum : sum + n), 0),
  }));
}

/** Runs P3; returns the result and the cycles that ran under load. */
export async function measureResponsiveness(hg: HeapgraphProcess, { pod, cycles, intervalMs, idleMs }: ResponsivenessOptions): Promise<{ result: ResponsivenessResult; cycles: CycleMeasurement[] }> {
  const targets: LatencyTarget[] = [
    { name: 'GraphQL single pod', url: `${hg.url}/graphql`, method: 'POST', body: graphqlBody(singlePodQuery, { ...pod }), headers: { 'content-type': 'application/json' } },
    { name: 'REST single pod', url: `${hg.url}${singlePodRestPath(pod)}`, method: 'GET' },
  ];
  const child = forkTs('bench/clients/latency.ts', []);
  const client = createRpcClient(child, 'latency client');
  try {
    await client.call('start', { targets, intervalMs });
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const idle = await client.call<Record<string, LatencySamples>>('stop');
    for (const [name, s] of Object.entries(idle)) {
      if (!s.sampleBody.includes('cpu') && !s.sampleBody.includes('metrics')) throw new Error(`${name} answered unexpectedly: ${s.sampleBody}`);
    }
    await client.call('start', { targets, intervalMs });
    const measured = await hg.rpc.call<CycleMeasurement[]>('cycles', { count: cycles });
    const during = await client.call<Record<string, LatencySamples>>('stop');
    const clientLoopDelayMaxMs = await client.call<number>('loopDelay');
    // Raw samples and cycle phase times, for finding what a slow request waited for.
    if (process.env['BENCH_P3_RAW']) writeFileSync(process.env['BENCH_P3_RAW'], JSON.stringify({ during, cycles: measured.map((c) => c.atMs) }));
    return {
      result: {
        idle: summarise(idle),
        duringCycles: summarise(during),
        loopDelayMaxMs: measured.map((c) => c.loopDelay.maxMs),
        loopDelayP99Ms: measured.map((c) => c.loopDelay.p99Ms),
        clientLoopDelayMaxMs,
        cycles,
        intervalMs,
      },
      cycles: measured,
    };
  } finally {
    await stopChild(child);
  }
}
