/**
 * One section per target (P1–P6), every cluster size in one table.
 *
 * @module
 */
import type { RawWrite } from '../server/influx.js';
import { anchors, formatSpread, fullWindowCycles, MiB, num, p1Cycles, s1, signed, spread, table, throughputRatio, type Groups } from './format.js';

/** The P1 section. */
export function p1Section(groups: Groups): string {
  const phases = [
    { label: '', pick: p1Cycles },
    { label: ' (window full)', pick: fullWindowCycles },
  ];
  const rows = groups
    .flatMap(({ nodes, runs }) => phases.map((phase) => ({ nodes, label: phase.label, cycles: runs.flatMap(phase.pick) })))
    .filter(({ cycles }) => cycles.length > 0)
    .map(({ nodes, label, cycles }) => {
      // Per node scraped: at 5,000 nodes a cycle ends at its deadline with part of the nodes done.
      const cpuPerNode = spread(cycles.map((c) => c.scrape.cpuMs / Math.max(1, c.nodesOk))).median;
      return [
        `${num(nodes)}${label}`,
        String(cycles.length),
        s1(spread(cycles.map((c) => c.total.wallMs))),
        s1(spread(cycles.map((c) => c.total.cpuMs))),
        s1(spread(cycles.map((c) => c.scrape.wallMs))),
        s1(spread(cycles.map((c) => c.scrape.cpuMs))),
        s1(spread(cycles.map((c) => c.processors.cpuMs))),
        s1(spread(cycles.map((c) => c.store.cpuMs))),
        `${cpuPerNode.toFixed(2)} ms (${(cpuPerNode / anchors.jsonParseMsPerNode).toFixed(1)}× JSON.parse)`,
        num(spread(cycles.map((c) => c.sets)).median),
        formatSpread(spread(cycles.map((c) => c.nodesOk)), 0),
      ];
    });
  const processorNames = [...new Set(groups.flatMap((g) => g.runs.flatMap((r) => p1Cycles(r).flatMap((c) => Object.keys(c.processorMs)))))];
  const processorRows = groups.map(({ nodes, runs }) => {
    const cycles = runs.flatMap(p1Cycles);
    return [num(nodes), ...processorNames.map((name) => num(spread(cycles.map((c) => c.processorMs[name] ?? 0)).median))];
  });
  return [
    '### P1 — housekeeping cycle',
    '',
    'Seconds per cycle, min / **median** / max over the cycles after the first two (warm-up) of the 15 that fill the window; the target\'s verdict uses these. Rows marked "window full" are the P3 cycles that follow, run with the window full while the latency probe sends its requests: the steady state of a running Heapgraph, where the store reuses its slot arrays instead of allocating them. CPU is the Heapgraph process only (`process.cpuUsage`), over the cycle and the idle pause after it (header: between cycles), in which the full collection Heapgraph starts once a batch is stored runs; the simulator runs in its own process. Wall time includes the scrape stagger Heapgraph applies on purpose (`random × min(8 ms × nodes, 4 s)`), so it cannot go below that spread. Scrape = HTTP fetch + JSON decode of every node; processors = the nine processors; store = the model store write. A node whose scrape has not finished by the cycle deadline (20 s, Heapster\'s) is left out of that batch: fewer nodes scraped in time than nodes means the figures are for partial batches.',
    '',
    table(['nodes', 'cycles', 'wall s', 'CPU s', 'scrape wall s', 'scrape CPU s', 'processors CPU s', 'store CPU s', 'scrape CPU per node scraped (anchor: JSON.parse 0.34 ms)', 'sets', 'nodes scraped in time'], rows),
    '',
    'Median wall ms per processor:',
    '',
    table(['nodes', ...processorNames], processorRows),
  ].join('\n');
}

/** The P2 section. */
export function p2Section(groups: Groups): string {
  const rows = groups.map(({ nodes, runs }) => {
    const rss = spread(runs.flatMap((r) => r.memory.rssBytes));
    const store = spread(runs.flatMap((r) => r.memory.storeBytes));
    const baseline = spread(runs.map((r) => r.memory.baselineRssBytes)).median;
    const gc = runs[0]!.memory.afterGc;
    return [
      num(nodes),
      formatSpread({ ...rss, min: rss.min / MiB, median: rss.median / MiB, max: rss.max / MiB }, 0),
      `**${(rss.max / MiB / nodes).toFixed(2)}**`,
      `${(baseline / MiB).toFixed(0)}`,
      `${((rss.max - baseline) / MiB / nodes).toFixed(2)}`,
      `${(store.median / MiB).toFixed(0)}`,
      `${((store.median / nodes) / 1024).toFixed(0)} KiB`,
      `${(gc.heapUsed / MiB).toFixed(0)} / ${(gc.heapTotal / MiB).toFixed(0)} / ${(gc.arrayBuffers / MiB).toFixed(0)} / ${(gc.rss / MiB).toFixed(0)}`,
      String(runs[0]!.memory.retainedBatches),
    ];
  });
  return [
    '### P2 — memory with the window full',
    '',
    `RSS of the Heapgraph process sampled after every cycle from the 15th on (window full: 15 batches at synthetic 60 s, every metric kept), min / **median** / max MiB. Per node = max RSS ÷ nodes. Baseline = RSS after start-up with the informer caches synced, before the first cycle. Anchors: Heapster ${anchors.heapsterMiBPerNode} MiB/node for 15 min of 2 metrics; metrics-server ${anchors.metricsServerMiBPerNode} MiB/node for 2 metrics × 2 points.`,
    '',
    table(['nodes', 'steady RSS MiB', 'RSS MiB/node (target ≤ 1)', 'baseline RSS MiB', '(RSS − baseline) MiB/node', 'store.memoryBytes() MiB', 'store per node', 'after a forced GC: heap used / heap total / array buffers / RSS MiB', 'batches retained'], rows),
  ].join('\n');
}

/** The P3 section. */
export function p3Section(groups: Groups): string {
  const rows = groups.flatMap(({ nodes, runs }) => {
    const names = [...new Set(runs.flatMap((r) => r.responsiveness.duringCycles.map((l) => l.name)))];
    return names.map((name) => {
      const idle = runs.flatMap((r) => r.responsiveness.idle.filter((l) => l.name === name));
      const during = runs.flatMap((r) => r.responsiveness.duringCycles.filter((l) => l.name === name));
      const loopMax = spread(runs.flatMap((r) => r.responsiveness.loopDelayMaxMs));
      const clientLoop = runs.map((r) => r.responsiveness.clientLoopDelayMaxMs).filter((ms) => ms !== undefined);
      const worst = (xs: typeof during, f: (l: (typeof during)[number]) => number) => Math.max(...xs.map(f));
      return [
        num(nodes),
        name,
        `${worst(idle, (l) => l.p50Ms).toFixed(1)} / ${worst(idle, (l) => l.p99Ms).toFixed(1)}`,
        `${worst(during, (l) => l.p50Ms).toFixed(1)} / **${worst(during, (l) => l.p99Ms).toFixed(1)}** / ${worst(during, (l) => l.maxMs).toFixed(0)}`,
        String(during.reduce((sum, l) => sum + l.samples, 0)),
        String(during.reduce((sum, l) => sum + l.errors + l.non200, 0)),
        formatSpread(loopMax, 0),
        clientLoop.length === 0 ? 'not recorded' : num(Math.max(...clientLoop)),
      ];
    });
  });
  const interval = groups[0]?.runs[0]?.responsiveness.intervalMs ?? 0;
  return [
    '### P3 — responsiveness during a cycle',
    '',
    `A separate process sends one single-pod GraphQL query and one single-pod REST query every ${interval} ms (open loop: a slow answer does not delay the next request), first for 3 s with Heapgraph idle, then while housekeeping cycles run, each followed by the pause between cycles (header), whose requests count too. Latency is send → last byte. Event-loop delay: \`monitorEventLoopDelay\` in the Heapgraph process, max per cycle and its pause (min / **median** / max over cycles); the load client's own, max over the cycles: a latency far above both was waited for elsewhere (a CPU, the network stack).`,
    '',
    table(['nodes', 'request', 'idle p50 / p99 ms', 'during cycles p50 / **p99** / max ms (target p99 < 50)', 'samples', 'errors', 'event-loop delay max ms per cycle', "load client's event-loop delay max ms"], rows),
  ].join('\n');
}

/** The P4 section. */
export function p4Section(groups: Groups): string {
  const rows: string[][] = [];
  let connections = 0;
  for (const { nodes, runs } of groups) {
    for (const run of runs) {
      const t = run.throughput;
      if (!t) continue;
      connections = t.connections;
      const pick = (server: 'heapgraph' | 'stock', query: 'dashboard' | 'trivial') => t.runs.filter((r) => r.server === server && r.query === query);
      const rps = (xs: ReturnType<typeof pick>) => formatSpread(spread(xs.map((r) => r.requestsPerSecond)), 0);
      const p99 = (xs: ReturnType<typeof pick>) => num(spread(xs.map((r) => r.p99Ms)).median);
      const bad = t.runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
      rows.push([
        num(nodes),
        `${t.dashboardPods} (first 100), ${num(t.responseBytes / 1024)} KiB`,
        rps(pick('heapgraph', 'dashboard')),
        rps(pick('stock', 'dashboard')),
        `**${throughputRatio(t).toFixed(2)}×**`,
        `${p99(pick('heapgraph', 'dashboard'))} / ${p99(pick('stock', 'dashboard'))}`,
        `${rps(pick('heapgraph', 'trivial'))} / ${rps(pick('stock', 'trivial'))}`,
        String(bad),
      ]);
    }
  }
  return [
    '### P4 — GraphQL throughput, namespace dashboard',
    '',
    `autocannon, ${connections} connections, pipelining 1, from the orchestrator process; the two servers run in the same Heapgraph process over the same query service and data, measured in alternating rounds after a 2 s warm-up each. Stock = \`new ApolloServer({ typeDefs, resolvers })\` with \`startStandaloneServer\`, defaults only. The query (bench/queries.ts): 100 pods of the namespace with most pods, latest CPU and memory, and 15 minutes (15 points) of both. Requests/s min / **median** / max over rounds; ratio = median ÷ median. The trivial query \`{ __typename }\` shows each server's fixed cost per request (anchor: Apollo 5 ≈ 5k trivial req/s here).`,
    '',
    table(['nodes', 'namespace pods, answer size', 'Heapgraph req/s', 'stock Apollo req/s', 'ratio (target ≥ 2×)', 'p99 ms Heapgraph / stock', 'trivial req/s Heapgraph / stock', 'non-2xx + errors'], rows),
  ].join('\n');
}

/** The P5 section. */
export function p5Section(groups: Groups): string {
  const rows = groups.flatMap(({ nodes, runs }) =>
    runs.flatMap((run) =>
      run.fanout.map((f) => [
        num(nodes),
        num(f.subscribers),
        String(f.distinct),
        String(f.clientProcesses),
        formatSpread(spread(f.batches.map((b) => b.allMs)), 0),
        num(spread(f.batches.map((b) => b.p50Ms)).median),
        num(spread(f.batches.map((b) => b.storeToPublishMs ?? 0)).median),
        formatSpread(spread(f.batches.map((b) => b.serverCpuMs)), 0),
        `${f.batches.map((b) => b.received).join(', ')} of ${num(f.subscribers)}`,
        `${(f.connectMs / 1000).toFixed(1)} s${f.connectFailures ? `, ${f.connectFailures} failed (${f.firstError})` : ''}`,
      ]),
    ),
  );
  return [
    '### P5 — live fan-out',
    '',
    'Subscriber processes (at most 5,000 WebSockets each) open one graphql-ws connection per subscriber with one `livePod` subscription (two metrics) spread round-robin over 100 distinct pods; after a warm-up batch, real cycles run and each batch is timed from the end of its store write in the Heapgraph process to each subscriber\'s receipt (both ends read the same machine clock); \"stored → feed publish\" is the part spent in Heapgraph\'s own feed listeners before the subscriptions got the batch. Server CPU = Heapgraph CPU from the store write until the last subscriber had the batch. min / **median** / max over batches.',
    '',
    table(['nodes', 'subscribers', 'distinct', 'client processes', 'stored → last subscriber ms (target < 1,000)', 'stored → median ms', 'of which stored → feed publish ms', 'server CPU ms per batch', 'received', 'connect'], rows),
  ].join('\n');
}

/** The P6 section. */
export function p6Section(groups: Groups): string {
  const rows: string[][] = [];
  let note = '';
  const uris = new Map<string, string>();
  const bodies = (raw: RawWrite) => `${raw.gzipLevel ? `gzip-${raw.gzipLevel}` : 'plain'} 5,000-line bodies encoded beforehand, concurrency ${raw.concurrency}${raw.retries ? `; ${num(raw.retries)} sent again after influxd refused them or did not answer` : ''}`;
  const rawRow = (nodes: number, label: string, raw: RawWrite) => [num(nodes), label, num(raw.points + (raw.rejected ?? 0)), `${num(raw.pointsPerSecond / 1000)}k`, '100 %', (raw.wallMs / 1000).toFixed(2), '–', '–', '–', num(raw.rejected ?? 0)];
  for (const { nodes, runs } of groups) {
    for (const run of runs) {
      const i = run.influx;
      if (!i) continue;
      if (i.skipped) {
        note = `Skipped: ${i.skipped}.`;
        continue;
      }
      if (i.firstWrite) rows.push(rawRow(nodes, `influxd alone, first write (creates the series; ${bodies(i.firstWrite)})`, i.firstWrite).map((cell, c) => (c === 4 ? '–' : cell)));
      for (const config of i.configs) {
        uris.set(config.label, config.sinkUri.replace(/bufferPoints=\d+/, 'bufferPoints=<2 batches>'));
        const r = config.runs;
        const rate = spread(r.map((x) => x.pointsPerSecond));
        const peak = r.filter((x) => x.peakRssBytes !== undefined && x.rssBeforeBytes !== undefined);
        rows.push([
          num(nodes),
          config.label,
          num(i.batchPoints ?? NaN),
          formatSpread(spread(r.map((x) => x.pointsPerSecond / 1000)), 0, 'k'),
          i.raw ? `${num((100 * rate.median) / i.raw.pointsPerSecond)} %` : '–',
          s1(spread(r.map((x) => x.wallMs))),
          s1(spread(r.map((x) => x.cpuMs))),
          peak.length ? `${num(Math.max(...peak.map((x) => x.peakRssBytes!)) / MiB)} (${signed(Math.max(...peak.map((x) => x.peakRssBytes! - x.rssBeforeBytes!)) / MiB)})` : 'n/a',
          r.some((x) => x.loopDelayMaxMs !== undefined) ? num(Math.max(...r.map((x) => x.loopDelayMaxMs ?? 0))) : 'n/a',
          num(r.reduce((sum, x) => sum + x.dropped, 0)),
        ]);
      }
      if (i.raw) rows.push(rawRow(nodes, `influxd alone (${bodies(i.raw)})`, i.raw));
      for (const error of i.referenceErrors ?? []) note += ` ${num(nodes)} nodes, reference writer failed (${error.split('\n')[0]}).`;
    }
  }
  const version = groups.flatMap((g) => g.runs.map((r) => r.influx?.influxdVersion)).find((v) => v) ?? '';
  if (rows.length === 0) note ||= 'No export finished in this run (see "Steps that failed").';
  return [
    '### P6 — InfluxDB export',
    '',
    `The newest stored batch, exported through the InfluxDB sink exactly as \`--sink=<uri>\` creates it, to a local influxd${version ? ` ${version}` : ''} on 127.0.0.1 with its data in a temporary directory and its series limits lifted (\`max-series-per-database = 0\`, \`max-values-per-tag = 0\`: Heapster\'s schema makes one series per metric and entity, ~2.4 M at 1,000 nodes, and influxd\'s defaults of 1 M series and 100 k values per tag reject the rest). First a reference writer writes the batch once, which creates its series (influxd\'s slowest write, so no configuration pays for it); then each configuration, each export timed from \`export()\` (line encoding included) until the sink's buffer drained, after a small warm-up export; then the reference writer again on the existing series: influxd's own ceiling on this machine, the same points encoded and compressed beforehand and POSTed at the same concurrency. Points/s = points influxd accepted ÷ wall time; "of influxd alone" = median ÷ that ceiling. Configurations: ${uris.size ? [...uris].map(([label, uri]) => `${label} = \`${uri}\``).join('; ') : 'defaults'}. Peak RSS = the Heapgraph process's high-water mark (VmHWM, reset before each export), with its rise over the RSS at \`export()\` in parentheses; the store holds the 15-minute window meanwhile. Loop delay = longest event-loop delay during the exports (\`monitorEventLoopDelay\`, 10 ms resolution). min / **median** / max over exports. ${note}`,
    '',
    ...(rows.length ? [table(['nodes', 'configuration', 'points per batch', 'points/s (target ≥ 300k)', 'of influxd alone', 'wall s per batch', 'Heapgraph CPU s', 'peak RSS MiB (rise)', 'loop delay max ms', 'dropped'], rows)] : []),
  ].join('\n');
}

