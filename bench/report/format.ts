/**
 * Shared helpers of the report: results grouped by size, number formatting, markdown tables.
 *
 * @module
 */
import type { BenchResults, SizeResult } from '../results.js';
import { formatSpread, spread, type Spread } from '../stats.js';

/** Bytes in a MiB. */
export const MiB = 2 ** 20;
/** Anchors from the architecture brief. */
export const anchors = { heapsterMiBPerNode: 4, metricsServerMiBPerNode: 2, jsonParseMsPerNode: 0.34 };

/** Results grouped by node count (several runs of one size pooled). */
export function bySize(results: BenchResults): Array<{ nodes: number; runs: SizeResult[] }> {
  const groups = new Map<number, SizeResult[]>();
  for (const size of results.sizes) groups.set(size.nodes, [...(groups.get(size.nodes) ?? []), size]);
  return [...groups].sort((a, b) => a[0] - b[0]).map(([nodes, runs]) => ({ nodes, runs }));
}

/** A number with thousands separators. */
export const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

/** A change with its sign: `+12`, `−36` (RSS can fall between two readings). */
export const signed = (n: number) => (n < 0 ? `−${num(-n)}` : `+${num(n)}`);
/** A spread of milliseconds shown in seconds. */
export const s1 = (ms: Spread) => formatSpread({ min: ms.min / 1000, median: ms.median / 1000, max: ms.max / 1000, n: ms.n }, 2);

/** The cycles of a run that count for P1 (window filling, after warm-up). */
export function p1Cycles(run: SizeResult) {
  const wanted = new Set(run.p1CycleIndexes);
  return run.cycles.filter((c) => wanted.has(c.index));
}

/** Cycles with the window already full: the P3 cycles (under the latency probe). */
export function fullWindowCycles(run: SizeResult) {
  return run.cycles.filter((c) => c.phase === 'responsiveness');
}

/** A markdown table. */
export function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Results grouped by node count. */
export type Groups = ReturnType<typeof bySize>;

/** Median Heapgraph ÷ median stock requests per second of the dashboard query. */
export function throughputRatio(t: NonNullable<SizeResult['throughput']>): number {
  const median = (server: 'heapgraph' | 'stock') => spread(t.runs.filter((r) => r.server === server && r.query === 'dashboard').map((r) => r.requestsPerSecond)).median;
  return median('heapgraph') / median('stock');
}

export { formatSpread, spread };
