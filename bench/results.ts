/**
 * The shape of a benchmark run's results (also written as JSON beside the report).
 *
 * @module
 */
import type { HeapSummary, ProfileSummary } from './profileSummary.js';
import type { CycleMeasurement } from './server/cycles.js';
import type { InfluxExport, RawWrite } from './server/influx.js';

/** P3: latencies of one request kind. */
export interface LatencyResult {
  name: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non200: number;
}

/** P3 for one cluster size. */
export interface ResponsivenessResult {
  /** Probe while nothing else runs. */
  idle: LatencyResult[];
  /** Probe while cycles run back to back. */
  duringCycles: LatencyResult[];
  /** Event-loop delay of the Heapgraph process per cycle (max and p99, ms). */
  loopDelayMaxMs: number[];
  loopDelayP99Ms: number[];
  /** The load client's own longest event-loop delay during the cycles, ms (absent in older results). */
  clientLoopDelayMaxMs?: number;
  cycles: number;
  intervalMs: number;
}

/** P4: one autocannon run. */
export interface ThroughputRun {
  server: 'heapgraph' | 'stock';
  query: 'dashboard' | 'trivial';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  durationS: number;
}

/** P4 for one cluster size. */
export interface ThroughputResult {
  connections: number;
  runs: ThroughputRun[];
  /** Pods the dashboard namespace has (the query pages the first 100). */
  dashboardPods: number;
  /** Bytes of one dashboard answer. */
  responseBytes: number;
  /** Heapgraph's CPU profile under an extra dashboard load. */
  profile?: { path: string; summary: ProfileSummary };
}

/** P5: one batch at one subscriber count. */
export interface FanoutBatch {
  /** Stored → last subscriber, ms. */
  allMs: number;
  /** Stored → median subscriber, ms. */
  p50Ms: number;
  p99Ms: number;
  received: number;
  /** Heapgraph CPU from the end of the store write until the last arrival, ms. */
  serverCpuMs: number;
  /** Stored → the LiveFeed's publish reached the subscriptions (Heapgraph's own feed listeners ran first), ms. */
  storeToPublishMs: number;
}

/** P5 for one subscriber count. */
export interface FanoutResult {
  subscribers: number;
  distinct: number;
  clientProcesses: number;
  connectMs: number;
  connectFailures: number;
  firstError: string;
  batches: FanoutBatch[];
}

/** P6: one sink configuration. */
export interface InfluxConfigResult {
  label: string;
  /** With the port replaced by `<port>`. */
  sinkUri: string;
  warmup: InfluxExport;
  runs: InfluxExport[];
}

/** P6. */
export interface InfluxResult {
  skipped?: string;
  influxdVersion?: string;
  /** Values in the exported batch. */
  batchPoints?: number;
  configs: InfluxConfigResult[];
  /** The reference writer's first write of the batch, which creates its series (before any sink configuration). */
  firstWrite?: RawWrite;
  /** influxd's own ceiling on the same lines (no Heapgraph sink involved), on existing series. */
  raw?: RawWrite;
  /** Reference writes that failed (influxd refusing or not answering), so their figures are missing. */
  referenceErrors?: string[];
}

/** P2 after the retention window filled. */
export interface MemoryResult {
  /** RSS sampled after each cycle once the window is full, bytes. */
  rssBytes: number[];
  /** store.memoryBytes() sampled likewise. */
  storeBytes: number[];
  /** RSS before the first cycle (caches synced), bytes. */
  baselineRssBytes: number;
  retainedBatches: number;
  /** After a forced GC. */
  afterGc: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
}

/** Everything measured for one cluster size in one run. */
export interface SizeResult {
  nodes: number;
  podsPerNode: number;
  pods: number;
  simReadyMs: number;
  heapgraphStartupMs: number;
  /** Every cycle of the run, in order (fill, P3, P5 and profile cycles are tagged by phase). */
  cycles: Array<CycleMeasurement & { phase: 'fill' | 'responsiveness' | 'fanout' | 'profile' }>;
  /** Cycles (by index) that count for P1: filled-window steady state. */
  p1CycleIndexes: number[];
  memory: MemoryResult;
  responsiveness: ResponsivenessResult;
  throughput?: ThroughputResult;
  fanout: FanoutResult[];
  influx?: InfluxResult;
  profile?: { path: string; summary: ProfileSummary; cycle: CycleMeasurement };
  /** Live allocations after the window filled (`--heap-profile`). */
  heapProfile?: { path: string; summary: HeapSummary };
  errors: string[];
}

/** A whole benchmark run. */
export interface BenchResults {
  command: string;
  /** Node flags of the Heapgraph process (absent in results saved before they were recorded). */
  nodeFlags?: string[];
  /** Niceness of the simulator process (absent in results saved before it was recorded: 0). */
  simNice?: number;
  /** Idle ms after each driven cycle (absent in results saved before there was one: cycles back to back). */
  cyclePauseMs?: number;
  mode: 'quick' | 'full' | 'custom';
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  sizes: SizeResult[];
  /** Sizes that produced no results at all, with the reason. */
  failures: string[];
}

/** Where the numbers were taken. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
  commit: string;
  ulimitNofile: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews every figure). */
  loadAverage: number[];
}
