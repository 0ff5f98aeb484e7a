/**
 * One verdict per target: measured value against the target, met or not.
 *
 * @module
 */
import { num, spread, throughputRatio, p1Cycles, MiB, type Groups } from './format.js';

/** A target's line in the summary table. */
export interface Verdict {
  id: string;
  target: string;
  measured: string;
  met: 'yes' | 'no' | 'not measured';
}

/** The verdicts, P1 to P6. */
export function verdicts(groups: Groups): Verdict[] {
  const largest = groups[groups.length - 1];
  const at5000 = groups.find((g) => g.nodes === 5_000);
  const out: Verdict[] = [];
  {
    const g = at5000 ?? largest;
    if (!g) out.push({ id: 'P1', target: '< 5 CPU-s and < 10 s wall per cycle at 5,000 nodes', measured: 'no data', met: 'not measured' });
    else {
      const cycles = g.runs.flatMap(p1Cycles);
      const cpu = spread(cycles.map((c) => c.total.cpuMs)).median / 1000;
      const wall = spread(cycles.map((c) => c.total.wallMs)).median / 1000;
      const scraped = spread(cycles.map((c) => c.nodesOk)).median;
      const partial = scraped < g.nodes ? `, only ${num(scraped)} of ${num(g.nodes)} nodes scraped before the deadline (median)` : '';
      if (at5000) out.push({ id: 'P1', target: '< 5 CPU-s and < 10 s wall per cycle at 5,000 nodes', measured: `${cpu.toFixed(2)} CPU-s, ${wall.toFixed(2)} s wall (median)${partial}`, met: cpu < 5 && wall < 10 && partial === '' ? 'yes' : 'no' });
      else {
        const factor = 5_000 / g.nodes;
        out.push({
          id: 'P1',
          target: '< 5 CPU-s and < 10 s wall per cycle at 5,000 nodes',
          measured: `at ${num(g.nodes)} nodes ${cpu.toFixed(2)} CPU-s, ${wall.toFixed(2)} s wall; ×${factor} linear estimate ${(cpu * factor).toFixed(1)} CPU-s (run \`--full\` to measure)`,
          met: cpu * factor < 5 ? 'yes' : 'no',
        });
      }
    }
  }
  if (largest) {
    const rss = spread(largest.runs.flatMap((r) => r.memory.rssBytes)).max / MiB / largest.nodes;
    out.push({ id: 'P2', target: '≤ 1 MiB steady RSS per node (30 pods, 15 min of every metric)', measured: `${rss.toFixed(2)} MiB/node at ${num(largest.nodes)} nodes`, met: rss <= 1 ? 'yes' : 'no' });
    const p3 = largest.runs.flatMap((r) => r.responsiveness.duringCycles);
    if (p3.length === 0) out.push({ id: 'P3', target: 'single-pod query p99 < 50 ms during a cycle', measured: 'not measured', met: 'not measured' });
    else {
      const worst = Math.max(...p3.map((l) => l.p99Ms));
      out.push({ id: 'P3', target: 'single-pod GraphQL/REST p99 < 50 ms during a cycle', measured: `worst p99 ${worst.toFixed(0)} ms at ${num(largest.nodes)} nodes${at5000 ? '' : ' (5,000: `--full`)'}`, met: worst < 50 ? 'yes' : 'no' });
    }
  }
  const ratios = groups.flatMap((g) => g.runs.map((r) => r.throughput).filter((t) => t !== undefined).map((t) => ({ nodes: g.nodes, ratio: throughputRatio(t!) })));
  if (ratios.length === 0) out.push({ id: 'P4', target: '≥ 2× stock Apollo, namespace dashboard query', measured: 'not measured', met: 'not measured' });
  else {
    const worst = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    out.push({ id: 'P4', target: '≥ 2× stock Apollo, namespace dashboard query', measured: `${worst.ratio.toFixed(2)}× (lowest, ${num(worst.nodes)} nodes)`, met: worst.ratio >= 2 ? 'yes' : 'no' });
  }
  const tenK = groups.flatMap((g) => g.runs.flatMap((r) => r.fanout.filter((f) => f.subscribers >= 10_000).map((f) => ({ nodes: g.nodes, f }))));
  if (tenK.length === 0) out.push({ id: 'P5', target: '10,000 subscribers on 100 subscriptions all served < 1 s after the batch is stored', measured: 'not measured', met: 'not measured' });
  else {
    const all = tenK.flatMap(({ f }) => f.batches);
    const slowest = Math.max(...all.map((b) => b.allMs));
    const complete = tenK.every(({ f }) => f.connectFailures === 0 && f.batches.every((b) => b.received === f.subscribers));
    out.push({ id: 'P5', target: '10,000 subscribers on 100 subscriptions all served < 1 s after the batch is stored', measured: `slowest batch ${num(slowest)} ms to the last subscriber${complete ? '' : ' (some subscribers missing)'}`, met: slowest < 1_000 && complete ? 'yes' : 'no' });
  }
  const influx = groups.flatMap((g) => g.runs.map((r) => ({ nodes: g.nodes, i: r.influx })).filter((x) => x.i && x.i.configs.length > 0));
  const p6Failure = groups.flatMap((g) => g.runs.flatMap((r) => r.errors.filter((e) => e.startsWith('p6:')).map((e) => `${num(g.nodes)} nodes: ${e.slice(4)}`)))[0];
  if (influx.length === 0) out.push({ id: 'P6', target: '≥ 300k points/s to a local influxd', measured: p6Failure ? `export failed at ${p6Failure}` : 'not measured', met: p6Failure ? 'no' : 'not measured' });
  else {
    const last = influx[influx.length - 1]!;
    const rates = last.i!.configs.map((c) => ({ label: c.label, rate: spread(c.runs.map((r) => r.pointsPerSecond)).median, dropped: c.runs.reduce((sum, r) => sum + r.dropped, 0) }));
    const best = rates.reduce((a, b) => (b.rate > a.rate ? b : a));
    const text = rates.map((r) => `${r.label} ${num(r.rate / 1000)}k/s${r.dropped ? ` (${num(r.dropped)} points dropped)` : ''}`).join(', ');
    const ceiling = last.i!.raw?.pointsPerSecond;
    const raw = ceiling ? `; influxd alone ${num(ceiling / 1000)}k/s (the sink's best ${num((100 * best.rate) / ceiling)} % of it)` : '';
    out.push({ id: 'P6', target: '≥ 300k points/s to a local influxd', measured: `at ${num(last.nodes)} nodes: ${text}${raw}`, met: best.rate >= 300_000 && best.dropped === 0 ? 'yes' : 'no' });
  }
  return out;
}

