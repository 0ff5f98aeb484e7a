/**
 * Micro-benchmark of the InfluxDB write path, the figures behind the sink's defaults (not a test;
 * timings are printed, never asserted). One process: the simulator's cluster rendered, decoded and
 * processed into one batch (test/sinks/influxdb/simBatches.ts), a throw-away influxd
 * (bench/influxd.ts), then:
 *
 * 1. encoding: ms per chunk of 5,000 lines (the longest piece of work the sink puts on the event
 *    loop), points/s, bytes per point plain and gzipped at levels 1 and 6;
 * 2. the batch written once to create its series (influxd's slowest write, timed apart);
 * 3. influxd alone: bodies encoded and compressed beforehand, POSTed at each concurrency and
 *    gzip level, rounds interleaved so a slow minute of the machine hits every variant alike;
 * 4. the sink: the batch through `createInfluxSink` at each concurrency (defaults otherwise),
 *    timed from `export()` until drained, interleaved the same way.
 *
 * Besides points/s (wall time, which on a shared machine moves with everything else running),
 * each write reports CPU per point: influxd's (from /proc/<pid>/stat) and, for the sink, this
 * process's. They move far less with the load, and on a machine where influxd and Heapgraph share
 * the cores they bound the throughput: cores ÷ (influxd + Heapgraph CPU per point).
 *
 * Run: `node --expose-gc --import tsx bench/influx-write.ts [nodes=100] [rounds=3] [concurrencies=1,2,4,8] [gzip levels=0,1,6]`
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import type { DataBatch } from '../src/core/types.js';
import { createInfluxMetrics, createInfluxSink, parseInfluxSinkUri } from '../src/sinks/influxdb/index.js';
import { createLineEncoder } from '../src/sinks/influxdb/lineProtocol.js';
import { simBatches } from '../test/sinks/influxdb/simBatches.js';
import { stopAllChildren } from './children.js';
import { findInfluxd, startInfluxd } from './influxd.js';
import { measureRawWrite } from './server/influx.js';
import { percentile, spread } from './stats.js';

const nodes = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 3);
const concurrencies = (process.argv[4] ?? '1,2,4,8').split(',').map(Number);
const levels = (process.argv[5] ?? '0,1,6').split(',').map(Number);
const minuteMs = 60_000;

const k = (perSecond: number) => `${(perSecond / 1000).toFixed(0)}k`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

/** CPU ms a process has used (user + system), from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return NaN;
  }
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** One write's figures. */
interface Sample {
  pointsPerSecond: number;
  /** influxd CPU µs per point. */
  influxdUs: number;
  /** This process's CPU µs per point (the sink's work; 0 for the reference writer, whose bodies are ready). */
  ownUs: number;
  /** Sink only: until `export()` returned, and the longest event-loop delay meanwhile (10 ms resolution, included). */
  exportMs?: number;
  loopDelayMaxMs?: number;
}
const line = (text: string) => process.stdout.write(`${text}\n`);
const shifted = (batch: DataBatch, byMs: number): DataBatch => ({ timestamp: batch.timestamp + byMs, metricSets: batch.metricSets });

function encoding(batch: DataBatch): void {
  const encoder = createLineEncoder();
  for (let round = 0; round < 3; round++) {
    const chunkMs: number[] = [];
    const chunkCpuMs: number[] = [];
    const bytes = { plain: 0, 1: 0, 6: 0 };
    let gzipMs = { 1: 0, 6: 0 };
    const started = performance.now();
    let encodeMs = 0;
    let last = started;
    let lastCpu = ownCpuMs();
    const chunks = encoder.chunks(batch, 5_000);
    // As in the sink, a chunk is garbage once compressed (sizes and gzip time are taken between
    // the timed encoding steps).
    for (const { body } of chunks) {
      const now = performance.now();
      chunkMs.push(now - last);
      chunkCpuMs.push(ownCpuMs() - lastCpu);
      encodeMs += now - last;
      bytes.plain += body.byteLength;
      for (const level of [1, 6] as const) {
        const t = performance.now();
        bytes[level] += gzipSync(body, { level }).byteLength;
        gzipMs = { ...gzipMs, [level]: gzipMs[level] + performance.now() - t };
      }
      last = performance.now();
      lastCpu = ownCpuMs();
    }
    const points = chunks.encoded;
    const count = chunkMs.length;
    line(
      `encode round ${round + 1}: ${points} points in ${encodeMs.toFixed(0)} ms (${k((points * 1000) / encodeMs)}/s); per 5,000-line chunk wall ms median ${percentile(chunkMs, 50).toFixed(1)}, max ${Math.max(...chunkMs).toFixed(1)}, CPU ms median ${percentile(chunkCpuMs, 50).toFixed(1)}, max ${Math.max(...chunkCpuMs).toFixed(1)}; ` +
        `bytes per point plain ${(bytes.plain / points).toFixed(1)}, gzip-1 ${(bytes[1] / points).toFixed(1)}, gzip-6 ${(bytes[6] / points).toFixed(1)}; gzip ms per chunk level 1 ${(gzipMs[1] / count).toFixed(1)}, level 6 ${(gzipMs[6] / count).toFixed(1)}`,
    );
  }
}

async function sinkExport(batch: DataBatch, url: string, influxdPid: number, concurrency: number, shiftMs: number): Promise<Sample> {
  const registry = new Registry();
  const sink = createInfluxSink(parseInfluxSinkUri(`influxdb:${url}?db=k8s&concurrency=${concurrency}`), { metrics: createInfluxMetrics(registry), requestTimeoutMs: 60_000 });
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await new Promise((resolve) => setTimeout(resolve, 30)); // the histogram needs one tick to measure a stall against
    const influxdStart = processCpuMs(influxdPid);
    const ownStart = ownCpuMs();
    const started = performance.now();
    await sink.export(shifted(batch, shiftMs), new AbortController().signal);
    const exportMs = performance.now() - started;
    if (!(await sink.drain(AbortSignal.timeout(300_000)))) throw new Error('the sink did not drain within 300 s');
    const wallMs = performance.now() - started;
    loop.disable();
    const written = (await registry.getSingleMetric('heapgraph_influxdb_points_written_total')!.get()).values.reduce((sum, v) => sum + v.value, 0);
    return {
      pointsPerSecond: (written * 1000) / wallMs,
      influxdUs: ((processCpuMs(influxdPid) - influxdStart) * 1000) / written,
      ownUs: ((ownCpuMs() - ownStart) * 1000) / written,
      exportMs,
      loopDelayMaxMs: loop.max / 1e6,
    };
  } finally {
    await sink.stop(AbortSignal.timeout(30_000));
  }
}

async function rawWrite(batch: DataBatch, url: string, influxdPid: number, concurrency: number, gzipLevel: number, shiftMs: number): Promise<Sample> {
  const influxdStart = processCpuMs(influxdPid);
  const result = await measureRawWrite(batch, { baseUrl: url, db: 'k8s', concurrency, gzipLevel }, shiftMs);
  if (result.retries) line(`  (influxd alone, concurrency ${concurrency}, gzip-${gzipLevel}: ${result.retries} bodies sent again after a 5xx)`);
  return { pointsPerSecond: result.pointsPerSecond, influxdUs: ((processCpuMs(influxdPid) - influxdStart) * 1000) / result.points, ownUs: 0 };
}

async function main(): Promise<void> {
  const executable = findInfluxd();
  if (!executable) throw new Error('influxd is not installed (apt-get install influxdb)');
  line(`${nodes} nodes × 30 pods, ${rounds} rounds, concurrencies ${concurrencies.join(', ')}; ${cpus().length} CPUs; load average ${load()}`);
  const [batch] = simBatches({ nodes, podsPerNode: 30, startMs: Math.floor(Date.now() / minuteMs) * minuteMs - 10_000 * minuteMs, count: 1 });
  encoding(batch!);
  const influxd = await startInfluxd(executable);
  let shiftMs = 0;
  const next = () => (shiftMs += minuteMs);
  try {
    const first = await rawWrite(batch!, influxd.url, influxd.pid, 4, 1, next());
    line(`first write (creates the series), influxd alone, gzip-1, concurrency 4: ${k(first.pointsPerSecond)}/s, influxd ${first.influxdUs.toFixed(1)} CPU µs per point`);
    const samples = new Map<string, Sample[]>();
    const add = (key: string, sample: Sample) => samples.set(key, [...(samples.get(key) ?? []), sample]);
    for (let round = 0; round < rounds; round++) {
      for (const concurrency of concurrencies) {
        for (const gzipLevel of levels) {
          add(`influxd alone, concurrency ${concurrency}, ${gzipLevel === 0 ? 'plain' : `gzip-${gzipLevel}`}`, await rawWrite(batch!, influxd.url, influxd.pid, concurrency, gzipLevel, next()));
        }
        add(`sink, concurrency ${concurrency}`, await sinkExport(batch!, influxd.url, influxd.pid, concurrency, next()));
      }
      line(`round ${round + 1} done; load average ${load()}`);
    }
    const cores = cpus().length;
    for (const [key, values] of samples) {
      const rate = spread(values.map((v) => v.pointsPerSecond));
      const influxdUs = spread(values.map((v) => v.influxdUs)).median;
      const ownUs = spread(values.map((v) => v.ownUs)).median;
      const sinkOnly = values[0]!.exportMs === undefined ? '' : `; export() returned after ${values.map((v) => v.exportMs!.toFixed(0)).join(', ')} ms, loop delay max ${values.map((v) => v.loopDelayMaxMs!.toFixed(0)).join(', ')} ms`;
      line(
        `${key.padEnd(38)} points/s min ${k(rate.min)} / median ${k(rate.median)} / max ${k(rate.max)}; CPU µs per point (median) influxd ${influxdUs.toFixed(2)}, this process ${ownUs.toFixed(2)}; ${cores} cores ÷ CPU per point = ${k((cores * 1e6) / (influxdUs + ownUs))}/s${sinkOnly}`,
      );
    }
  } finally {
    await influxd.stop();
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAllChildren());
