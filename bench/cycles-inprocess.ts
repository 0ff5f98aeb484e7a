/**
 * Housekeeping cycles with Heapgraph in this process and the simulator in a child process: per
 * cycle CPU (this process), wall time, GC pause time (`PerformanceObserver` 'gc'), heap used and
 * RSS. Not a test and not part of `npm run bench`; the quick way to compare two commits side by
 * side (run each from its own git worktree, one after the other). Timings are printed, never
 * asserted.
 *
 * Run: `[SIM_NICE=N] [GAPS=ms] [PAUSE=ms] node [--trace-gc] [--max-semi-space-size=N] --import tsx bench/cycles-inprocess.ts [nodes=1000] [cycles=8] [retention=15m] [profileFrom]`
 *
 * Heapgraph flags beyond the source's go in `BENCH_FLAGS` (space-separated), e.g.
 * `BENCH_FLAGS=--disable_metric_sink`. "loop max" is the main thread's longest event-loop delay
 * in the cycle (`monitorEventLoopDelay`, 10 ms resolution): what an API request could wait.
 *
 * With `profileFrom` (a cycle number), the inspector's sampling profiler records that cycle and
 * every later one into `bench/results/inprocess-<nodes>.cpuprofile`: the steady state without
 * the informers' start and the window filling (`npx tsx bench/profileSummary.ts <file>`). With
 * `ALLOC_PROFILE=1` it samples allocations instead (every 64 KiB, objects the collector freed
 * included) into `bench/results/inprocess-<nodes>.heapprofile`: where the garbage comes from.
 * With `--expose-gc` and `GC_EVERY=N`, every Nth cycle is followed by a forced full collection
 * and the heap then in use is printed, with the collection's wall and CPU time: whether anything grows
 * over a long run, and what marking everything live costs (the first such collection, before
 * cycle 0, marks the informer caches and little else).
 *
 * A short retention (e.g. `4m`) fills the window after that many cycles, so the steady state
 * (the store reusing its slot arrays) is reached in a short run.
 *
 * `PAUSE=ms` idles that long after each cycle, as Heapgraph does between cycles 60 s apart and as
 * the benchmark's driver does (`bench/server/cycles.ts`): the full collection Heapgraph starts once
 * a batch is stored then runs there. CPU, loop max and gaps count the pause; wall time does not.
 *
 * `SIM_NICE=N` runs the simulator at niceness N, so Heapgraph has the cores whenever it can run
 * (as where the kubelets are other machines). `GAPS=ms` lists, after each cycle, every stretch
 * longer than that in which a 2 ms timer could not run (what an API request would have waited),
 * with the cycle's phase and the collections V8 reported inside it (S scavenge, M mark-compact,
 * I incremental marking step, with their ms); a gap with no collection listed was the main
 * thread's own work, or a collector step V8 does not report, which a profile of the same
 * cycles tells apart: with `profileFrom` as well, the run ends with the functions the profiled
 * cycles' gaps were spent in, by samples inside the gaps.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { toConfig } from '../src/cli/config.js';
import { parseFlags } from '../src/cli/flags.js';
import { runHeapgraph } from '../src/cli/heapgraph.js';
import { silentLogger } from '../src/core/log.js';
import { reniceProcess } from './sim.js';

const nodes = Number(process.argv[2] ?? 1000);
const cycles = Number(process.argv[3] ?? 8);
const retention = process.argv[4] ?? '15m';
const profileFrom = process.argv[5] === undefined ? Infinity : Number(process.argv[5]);
const minuteMs = 60_000;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

let gcMs = 0;
const collections: Array<{ start: number; duration: number; kind: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    collections.push({ start: entry.startTime, duration: entry.duration, kind: (entry.detail as { kind?: number } | undefined)?.kind ?? 0 });
  }
}).observe({ entryTypes: ['gc'] });

const gapMs = Number(process.env['GAPS'] ?? 0);
const pauseMs = Number(process.env['PAUSE'] ?? 0);
const gaps: Array<{ start: number; duration: number }> = [];
if (gapMs > 0) {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > gapMs) gaps.push({ start: last, duration: now - last });
    last = now;
  }, 2).unref();
}
const collectionLetter: Record<number, string> = {
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'S',
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'M',
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'I',
};

/** The gaps of the profiled cycles, for {@link gapProfile}. */
const profiledGaps: Array<{ start: number; duration: number }> = [];
// V8 stamps profile samples with the monotonic clock in µs, as process.hrtime; performance.now()
// counts from the process's time origin on the same clock.
const hrOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The functions the profiled cycles' gaps were spent in (self time of the samples inside them),
 * and the gaps' share of all samples: what held the event loop when a request would have waited.
 */
function gapProfile(profile: CpuProfile): string[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const windows = profiledGaps.map((gap) => [gap.start + hrOffsetMs, gap.start + gap.duration + hrOffsetMs] as const).sort((a, b) => a[0] - b[0]);
  const counts = new Map<string, number>();
  let inGaps = 0;
  let at = profile.startTime;
  let window = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const ms = at / 1000;
    while (window < windows.length && windows[window]![1] < ms) window++;
    if (window === windows.length || windows[window]![0] > ms) continue;
    const frame = frames.get(profile.samples[i]!)!;
    // Frames of code tsx compiled carry no line (0); Node's own do.
    const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}${line}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    inGaps++;
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 15);
  return [
    `samples in the ${profiledGaps.length} gaps: ${inGaps} of ${profile.samples.length}; self samples by function:`,
    ...top.map(([name, count]) => `  ${String(count).padStart(6)} ${((100 * count) / Math.max(1, inGaps)).toFixed(1).padStart(5)} %  ${name}`),
  ];
}

/** Prints the cycle's gaps with their phase and the collections inside them. */
function printGaps(cycleStart: number, scrapeMs: number, processMs: number): void {
  for (const gap of gaps) {
    const at = gap.start - cycleStart;
    const phase = at < scrapeMs ? 'scrape' : at < scrapeMs + processMs ? 'processors' : 'store';
    const inside = collections.filter((c) => c.start + c.duration > gap.start && c.start < gap.start + gap.duration);
    const listed = inside.map((c) => `${collectionLetter[c.kind] ?? c.kind}${Math.round(c.duration)}`).join(' ');
    console.log(`  gap ${Math.round(gap.duration)} ms at +${Math.round(at)} ms (${phase}); collections: ${listed || 'none'}`);
  }
}

const sim = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts', '--nodes', String(nodes), '--pods-per-node', '30', '--api-port', '0', '--kubelet-port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopSim = () => sim.kill('SIGTERM');
const simNice = Number(process.env['SIM_NICE'] ?? 0);
process.on('exit', stopSim);
let banner = '';
const ready = await new Promise<{ api: string; kubeletPort: string }>((resolve, reject) => {
  sim.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
  sim.stdout.on('data', (data: Buffer) => {
    banner += data.toString();
    const api = /API server (\S+)/.exec(banner)?.[1];
    const kubeletPort = /kubelets on port (\d+)/.exec(banner)?.[1];
    if (api && kubeletPort && banner.includes('ready')) {
      if (simNice > 0) reniceProcess(sim.pid!, simNice);
      resolve({ api, kubeletPort });
    }
  });
});

const flags = [`--source=kubernetes:${ready.api}?inClusterConfig=false&kubeletPort=${ready.kubeletPort}`, '--metric_resolution=1h', `--model_retention=${retention}`, '--port=0', '--listen_ip=127.0.0.1'];
flags.push(...(process.env['BENCH_FLAGS'] ?? '').split(' ').filter((flag) => flag !== ''));
const parsed = toConfig(parseFlags(flags));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const app = await runHeapgraph(parsed.config, silentLogger());
// Cycles are driven below; Heapgraph's own hourly timer would add one at the top of the hour.
await app.manager.stop();

/**
 * A forced full collection, with what it cost: its wall and CPU time are a full collection's
 * marking of everything then live (the collector's helper threads count in the CPU).
 */
function forcedCollection(gc: () => void, when: string): void {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  gc();
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const after = process.memoryUsage();
  console.log(
    `${when}, forced GC: ${Math.round(wallMs)} ms wall, ${Math.round((cpu.user + cpu.system) / 1e3)} ms CPU; ` +
      `heap used ${mib(after.heapUsed)} MiB, array buffers ${mib(after.arrayBuffers)} MiB, RSS ${mib(after.rss)} MiB`,
  );
}
const forceGc = (globalThis as { gc?: () => void }).gc;
const gcEvery = Number(process.env['GC_EVERY'] ?? 0);
if (forceGc && gcEvery > 0) forcedCollection(forceGc, 'before cycle 0 (the informer caches)');

// Synthetic windows 60 s apart, ending in the past, as the benchmark drives them.
let startMs = Math.floor(Date.now() / minuteMs) * minuteMs - cycles * minuteMs;
const inspector = new Session();
const allocations = process.env['ALLOC_PROFILE'] === '1';
for (let cycle = 0; cycle < cycles; cycle++) {
  if (cycle === profileFrom) {
    inspector.connect();
    if (allocations) {
      await inspector.post('HeapProfiler.enable');
      // Node 20's V8 knows these flags; its typings do not yet.
      const sampling = { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
      await inspector.post('HeapProfiler.startSampling', sampling as { samplingInterval: number });
    } else {
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 500 });
      await inspector.post('Profiler.start');
    }
  }
  gcMs = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  gaps.length = 0;
  collections.length = 0;
  const wallBefore = performance.now();
  const report = await app.manager.housekeep({ startMs, endMs: startMs + minuteMs });
  await app.sinks.idle();
  const wallMs = performance.now() - wallBefore;
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const cpu = process.cpuUsage(cpuBefore);
  loop.disable();
  const memory = process.memoryUsage();
  const failed = report?.statuses.filter((s) => s.outcome !== 'ok').length ?? nodes;
  console.log(
    `cycle ${cycle}: wall ${Math.round(wallMs)} ms, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (system ${(cpu.system / 1e6).toFixed(2)}), ` +
      `scrape ${Math.round(report?.scrapeMs ?? 0)} ms, processors ${Math.round(report?.processMs ?? 0)} ms, sets ${report?.sets ?? 0}, failed ${failed}, ` +
      `GC pauses ${Math.round(gcMs)} ms, loop max ${Math.round(loop.max / 1e6)} ms, heap used ${mib(memory.heapUsed)} MiB, array buffers ${mib(memory.arrayBuffers)} MiB, RSS ${mib(memory.rss)} MiB`,
  );
  printGaps(wallBefore, report?.scrapeMs ?? 0, report?.processMs ?? 0);
  if (cycle >= profileFrom) profiledGaps.push(...gaps);
  startMs += minuteMs;
  if (forceGc && gcEvery > 0 && (cycle + 1) % gcEvery === 0) forcedCollection(forceGc, `after cycle ${cycle}`);
}
if (cycles > profileFrom) {
  const { profile } = allocations ? await inspector.post('HeapProfiler.stopSampling') : await inspector.post('Profiler.stop');
  const file = `bench/results/inprocess-${nodes}.${allocations ? 'heapprofile' : 'cpuprofile'}`;
  writeFileSync(file, JSON.stringify(profile));
  console.log(`${allocations ? 'allocations' : 'profile'} of cycles ${profileFrom}–${cycles - 1}: ${file}`);
  if (!allocations && gapMs > 0) console.log(gapProfile(profile as CpuProfile).join('\n'));
}
await app.stop();
stopSim();
process.exit(0);
