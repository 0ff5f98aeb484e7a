/**
 * The decode → processors → store path on real simulator batches, in one process, without HTTP
 * and without the simulator competing for the CPU: the quiet way to compare two commits'
 * processors or store write (run each from its own git worktree, one after the other). Not a
 * test and not part of `npm run bench`; timings are printed, never asserted.
 *
 * Per batch (one simulated minute): decode of every node's `/stats/summary` body (JSON.parse
 * included; rendering the bodies is left out of the times and the CPU), each processor, and the store write,
 * each as wall time of that step run to the end (for each processor also its longest step between
 * two yields), and the batch's CPU time and GC pauses (scavenges apart). The cluster and its listers: `batchCluster.ts`.
 *
 * Run: `node --max-semi-space-size=64 --import tsx bench/pipeline.ts [nodes=1000] [batches=8] [retention=4m]`
 *
 * @module
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { parseDuration } from '../src/core/duration.js';
import type { Steps } from '../src/core/slices.js';
import type { DataBatch, MetricSet } from '../src/core/types.js';
import { createProcessors } from '../src/processors/pipeline.js';
import { renderSummary } from '../src/sim/kubelet/summary.js';
import { ShardedMap } from '../src/core/shardedMap.js';
import { decodeSummary } from '../src/sources/summary/decode.js';
import { createModelStore } from '../src/store/modelStore.js';
import { createBatchCluster } from './batchCluster.js';

const nodes = Number(process.argv[2] ?? 1000);
const batches = Number(process.argv[3] ?? 8);
const retentionMs = parseDuration(process.argv[4] ?? '4m');
const minuteMs = 60_000;

let gcMs = 0;
// Scavenges (young generation) apart: their time grows with what survives them, the sets.
let scavengeMs = 0;
let scavenges = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    if ((entry.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      scavengeMs += entry.duration;
      scavenges++;
    }
  }
}).observe({ entryTypes: ['gc'] });

const { cluster, listers, clock } = createBatchCluster(nodes, batches);
const processors = createProcessors({ listers });
const model = createModelStore({ retentionMs });

/**
 * Runs a processor's steps to the end, returning its wall time and its longest step between two
 * yields, ms: what a request waits for at most behind it in a real, sliced cycle (collections
 * that fall inside a step included).
 */
function runTimed<T>(steps: Steps<T>, done: (result: T) => void): { ms: number; maxStepMs: number } {
  const start = performance.now();
  let maxStepMs = 0;
  for (;;) {
    const stepStart = performance.now();
    const next = steps.next();
    maxStepMs = Math.max(maxStepMs, performance.now() - stepStart);
    if (next.done === true) {
      done(next.value);
      return { ms: performance.now() - start, maxStepMs };
    }
  }
}

/** Runs `work`, returning its wall time, ms. */
function timed(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

for (let minute = 0; minute < batches; minute++) {
  const nowMs = clock.advance(minuteMs);
  let batch: DataBatch = { timestamp: nowMs, metricSets: new ShardedMap<MetricSet>() };
  let decodeMs = 0;
  let renderCpu = 0;
  const cpuBefore = process.cpuUsage();
  const gcBefore = gcMs;
  const scavengeBefore = { ms: scavengeMs, count: scavenges };
  for (const node of cluster.nodes) {
    // Rendered one at a time: 5,000 bodies held at once are ~500 MB of external memory, whose
    // growth alone starts full collections that the real path does not have.
    const renderBefore = process.cpuUsage();
    const body = Buffer.from(renderSummary(cluster.sample(node, nowMs)));
    const rendered = process.cpuUsage(renderBefore);
    renderCpu += rendered.user + rendered.system;
    decodeMs += timed(() => {
      const decoded = decodeSummary(body, { nodeName: node.name, hostname: node.name, hostId: node.uid }, { nowMs });
      for (const [key, set] of decoded.metricSets) batch.metricSets.set(key, set);
    });
  }
  const steps = processors.map((processor) => ({ name: processor.name, ...runTimed(processor.steps(batch), (result) => (batch = result)) }));
  const write = timed(() => model.write(batch));
  const cpu = process.cpuUsage(cpuBefore);
  cpu.user -= renderCpu;
  const processorMs = steps.reduce((sum, step) => sum + step.ms, 0);
  // GC entries reach the observer in a later task.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const gc = gcMs - gcBefore;
  console.log(
    `batch ${minute}: CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, GC pauses ${Math.round(gc)} ms (${scavenges - scavengeBefore.count} scavenges ${Math.round(scavengeMs - scavengeBefore.ms)} ms); ` +
      `decode ${Math.round(decodeMs)}, processors ${Math.round(processorMs)}, store ${Math.round(write)} ms (${Math.round(model.memoryBytes() / 2 ** 20)} MiB); ` +
      steps.map((step) => `${step.name} ${Math.round(step.ms)} (max step ${Math.round(step.maxStepMs)})`).join(', '),
  );
}
process.exit(0);
