/**
 * One cluster size, one run: simulator process → Heapgraph process → fill the retention window
 * (P1, P2) → P3 under cycles → P4 → P5 → P6 → a profiled cycle. Every process started here is
 * stopped here, also when a step fails; a failed step is recorded and the next one still runs.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipLevel } from '../src/sinks/influxdb/chunkCodec.js';
import { influxDefaults } from '../src/sinks/influxdb/options.js';
import { startHeapgraph, type HeapgraphProcess } from './heapgraphProcess.js';
import { findInfluxd, startInfluxd } from './influxd.js';
import { measureFanout } from './measure/fanout.js';
import { measureResponsiveness } from './measure/responsiveness.js';
import { measureThroughput } from './measure/throughput.js';
import type { BenchOptions } from './options.js';
import { summariseHeapProfile, summariseProfile, type CpuProfile, type HeapProfile } from './profileSummary.js';
import type { InfluxConfigResult, InfluxResult, MemoryResult, SizeResult } from './results.js';
import type { CycleMeasurement } from './server/cycles.js';
import type { RawWrite } from './server/influx.js';
import type { PodRef } from './queries.js';
import { startSim, type SimProcess } from './sim.js';

interface Targets {
  probePod: PodRef;
  dashboardNamespace: string;
  dashboardPods: number;
  subscriptionPods: PodRef[];
  podCount: number;
}

interface MemorySnapshot {
  usage: NodeJS.MemoryUsage;
  storeBytes: number;
  retainedBatches: number;
}

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs every measurement for `nodes`; never throws for a failed measurement (see `errors`). */
export async function runSize(nodes: number, options: BenchOptions): Promise<SizeResult> {
  const { podsPerNode } = options;
  const errors: string[] = [];
  let sim: SimProcess | undefined;
  let hg: HeapgraphProcess | undefined;
  const cycles: SizeResult['cycles'] = [];
  const tag = (phase: SizeResult['cycles'][number]['phase'], measured: CycleMeasurement[]) => cycles.push(...measured.map((c) => ({ ...c, phase })));
  try {
    log(`${nodes} nodes × ${podsPerNode} pods: starting the simulator`);
    sim = await startSim({ nodes, podsPerNode, nice: options.simNice, logPath: join(options.profileDir, 'logs', `sim-${nodes}.log`) });
    log(`simulator ready in ${sim.readyMs} ms; starting Heapgraph`);
    hg = await startHeapgraph(sim.sourceUri, { maxConnections: Math.max(...options.p5Subscribers, 0) + 1_000, heapSampling: options.heapProfile }, join(options.profileDir, 'logs', `heapgraph-${nodes}.log`), options.nodeFlags);
    const info = await hg.rpc.call<{ startupMs: number; memory: NodeJS.MemoryUsage }>('info');
    log(`Heapgraph up in ${info.startupMs.toFixed(0)} ms; filling the window with ${options.fillCycles} cycles`);

    // P1 + P2: fill the 15-minute window.
    const fill: CycleMeasurement[] = [];
    for (let i = 0; i < options.fillCycles; i++) {
      const [cycle] = await hg.rpc.call<CycleMeasurement[]>('cycles', { count: 1 });
      fill.push(cycle!);
      log(`  cycle ${i + 1}/${options.fillCycles}: ${cycle!.total.wallMs.toFixed(0)} ms wall, ${cycle!.total.cpuMs.toFixed(0)} ms CPU, ${cycle!.nodesOk} nodes ok, ${cycle!.sets} sets, RSS ${(cycle!.rssBytes / 2 ** 20).toFixed(0)} MiB`);
    }
    tag('fill', fill);
    const p1CycleIndexes = fill.slice(options.warmupCycles).map((c) => c.index);
    const targets = await hg.rpc.call<Targets>('targets', { subscriptionPods: options.p5Distinct });

    const result: SizeResult = {
      nodes,
      podsPerNode,
      pods: targets.podCount,
      simReadyMs: sim.readyMs,
      heapgraphStartupMs: info.startupMs,
      cycles,
      p1CycleIndexes,
      memory: { rssBytes: [], storeBytes: [], baselineRssBytes: info.memory.rss, retainedBatches: 0, afterGc: { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 } },
      responsiveness: { idle: [], duringCycles: [], loopDelayMaxMs: [], loopDelayP99Ms: [], cycles: 0, intervalMs: options.p3IntervalMs },
      fanout: [],
      errors,
    };
    const step = async (name: string, run: () => Promise<void>) => {
      if (options.skip.has(name)) return;
      try {
        await run();
      } catch (error) {
        const died = hg!.output().match(/(FATAL ERROR|heap out of memory|Allocation failed)[^\n]*/)?.[0];
        errors.push(`${name}: ${message(error)}${died ? ` — Heapgraph: ${died}` : ''}`);
        log(`${name} failed: ${message(error)}${died ? ` — ${died}` : ''}`);
      }
    };

    await step('p3', async () => {
      log(`P3: latency probe idle, then during ${options.p3Cycles} cycles`);
      const p3 = await measureResponsiveness(hg!, { pod: targets.probePod, cycles: options.p3Cycles, intervalMs: options.p3IntervalMs, idleMs: options.p3IdleMs });
      result.responsiveness = p3.result;
      tag('responsiveness', p3.cycles);
    });
    // P2: the window is full from the last fill cycle on; every cycle since then is steady state.
    const steady = cycles.filter((c) => c.index >= options.fillCycles - 1);
    const snapshot = await hg.rpc.call<MemorySnapshot>('memory', { gc: true });
    result.memory = collectMemory(steady, info.memory.rss, snapshot);
    if (options.heapProfile) {
      const path = await hg.rpc.call<string>('heapProfile', { path: join(options.profileDir, `heap-${nodes}-nodes.heapprofile`) });
      result.heapProfile = { path, summary: summariseHeapProfile(JSON.parse(readFileSync(path, 'utf8')) as HeapProfile, 25) };
    }
    log(`P2: steady RSS ${(Math.max(...result.memory.rssBytes) / 2 ** 20).toFixed(0)} MiB max, store ${(snapshot.storeBytes / 2 ** 20).toFixed(0)} MiB, ${snapshot.retainedBatches} batches`);

    await step('p4', async () => {
      log(`P4: dashboard query, Heapgraph vs stock Apollo, ${options.p4Rounds} rounds × ${options.p4DurationS} s`);
      result.throughput = await measureThroughput(hg!, {
        namespace: targets.dashboardNamespace,
        dashboardPods: targets.dashboardPods,
        connections: options.p4Connections,
        durationS: options.p4DurationS,
        rounds: options.p4Rounds,
        trivialDurationS: options.p4TrivialDurationS,
        ...(options.skip.has('profile') ? {} : { profilePath: join(options.profileDir, `dashboard-${nodes}-nodes.cpuprofile`) }),
      });
    });

    for (const subscribers of options.p5Subscribers) {
      await step('p5', async () => {
        log(`P5: ${subscribers} subscribers over ${targets.subscriptionPods.length} subscriptions`);
        const p5 = await measureFanout(hg!, { subscribers, pods: targets.subscriptionPods, batches: options.p5Batches, perProcess: options.p5PerProcess });
        result.fanout.push(p5.result);
        tag('fanout', p5.cycles);
        const slowest = Math.max(...p5.result.batches.map((b) => b.allMs));
        log(`  connected in ${p5.result.connectMs.toFixed(0)} ms (${p5.result.connectFailures} failed); slowest batch reached everyone in ${slowest.toFixed(0)} ms`);
      });
    }

    await step('profile', async () => {
      const path = join(options.profileDir, `cycle-${nodes}-nodes.cpuprofile`);
      log(`profiling one cycle → ${path}`);
      const profiled = await hg!.rpc.call<{ path: string; cycles: CycleMeasurement[] }>('profileCycles', { path, count: 1, intervalUs: 500 });
      tag('profile', profiled.cycles);
      const summary = summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, 25);
      result.profile = { path, summary, cycle: profiled.cycles[0]! };
    });
    // Last: at 5,000 nodes the export can exhaust the heap and take the process down.
    await step('p6', async () => {
      if (nodes > options.p6MaxNodes) {
        log(`P6: skipped at ${nodes} nodes (--p6-max-nodes=${options.p6MaxNodes})`);
        return;
      }
      result.influx = await measureInflux(hg!, options.p6Runs);
    });

    return result;
  } finally {
    await hg?.stop().catch((error: unknown) => errors.push(`stopping Heapgraph: ${message(error)}`));
    await sim?.stop().catch((error: unknown) => errors.push(`stopping the simulator: ${message(error)}`));
  }
}

function collectMemory(steady: SizeResult['cycles'], baselineRssBytes: number, snapshot: MemorySnapshot): MemoryResult {
  return {
    rssBytes: steady.map((c) => c.rssBytes),
    storeBytes: steady.map((c) => c.storeBytes),
    baselineRssBytes,
    retainedBatches: snapshot.retainedBatches,
    afterGc: { rss: snapshot.usage.rss, heapTotal: snapshot.usage.heapTotal, heapUsed: snapshot.usage.heapUsed, external: snapshot.usage.external, arrayBuffers: snapshot.usage.arrayBuffers },
  };
}

async function measureInflux(hg: HeapgraphProcess, runs: number): Promise<InfluxResult> {
  const executable = findInfluxd();
  if (!executable) return { skipped: 'influxd is not installed (apt-get install influxdb)', configs: [] };
  const batchPoints = await hg.rpc.call<number>('batchPoints');
  const influxd = await startInfluxd(executable);
  try {
    const base = `influxdb:${influxd.url}?db=k8s`;
    // The defaults size the buffer from the batch and keep `concurrency` writes in flight; the
    // reference writer sends the same gzip level at the same concurrency.
    const configs = [{ label: 'defaults', sinkUri: base, runs }];
    const reference = { baseUrl: influxd.url, db: 'k8s', concurrency: influxDefaults.concurrency, gzipLevel };
    log(`P6: the newest batch (${batchPoints} values) to influxd ${influxd.version}: the reference writer (new series), ${configs.map((c) => `${c.runs} × ${c.label}`).join(', ')}, then the reference writer again`);
    const measured = await hg.rpc.call<{ configs: InfluxConfigResult[]; firstWrite?: RawWrite; raw?: RawWrite; referenceErrors: string[] }>('influx', { configs, firstWrite: reference, raw: reference }, 1_800_000);
    const hidePort = (uri: string) => uri.replace(influxd.url, 'http://127.0.0.1:<port>');
    return {
      influxdVersion: influxd.version,
      batchPoints,
      configs: measured.configs.map((c) => ({ ...c, sinkUri: hidePort(c.sinkUri) })),
      ...(measured.firstWrite ? { firstWrite: measured.firstWrite } : {}),
      ...(measured.raw ? { raw: measured.raw } : {}),
      ...(measured.referenceErrors.length ? { referenceErrors: measured.referenceErrors } : {}),
    };
  } finally {
    await influxd.stop();
  }
}
