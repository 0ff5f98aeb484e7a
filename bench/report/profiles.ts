/**
 * The profile sections: where a cycle's CPU time goes, where the dashboard query's goes, and
 * (with `--heap-profile`) where live memory was allocated.
 *
 * @module
 */
import { MiB, num, table, type Groups } from './format.js';

/** The profile sections. */
export function profileSection(groups: Groups): string {
  const parts: string[] = ['### Where a cycle\'s time goes (CPU profile)', ''];
  parts.push('One extra cycle per size under the inspector\'s sampling profiler (500 µs), in the Heapgraph process; raw profiles in `bench/results/*.cpuprofile` (open in Chrome DevTools or `npx tsx bench/profileSummary.ts <file>`). Percentages are of busy (non-idle) time; a profiled cycle runs slower than the measured ones.');
  for (const { nodes, runs } of groups) {
    const profile = runs.find((r) => r.profile)?.profile;
    if (!profile) continue;
    const { summary } = profile;
    parts.push('', `#### ${num(nodes)} nodes — busy ${num(summary.busyMs)} ms, idle ${num(summary.idleMs)} ms`, '');
    parts.push(table(['self ms', '%', 'function (module)'], summary.selfByFunction.slice(0, 15).map((e) => [num(e.value), e.percent.toFixed(1), `\`${e.name}\``])));
    parts.push('', 'By module (self time):', '');
    parts.push(table(['self ms', '%', 'module'], summary.selfByModule.slice(0, 10).map((e) => [num(e.value), e.percent.toFixed(1), `\`${e.name}\``])));
    parts.push('', 'Inclusive time (top-down):', '');
    parts.push(table(['total ms', '%', 'function'], summary.totalByFunction.slice(0, 12).map((e) => [num(e.value), e.percent.toFixed(1), `\`${e.name}\``])));
  }
  for (const { nodes, runs } of groups) {
    const profile = runs.find((r) => r.throughput?.profile)?.throughput?.profile;
    if (!profile) continue;
    const { summary } = profile;
    parts.push('', `#### Dashboard query under load, ${num(nodes)} nodes — busy ${num(summary.busyMs)} ms, idle ${num(summary.idleMs)} ms`, '');
    parts.push('Heapgraph\'s surface under the P4 load for 4 s (250 µs sampling).', '');
    parts.push(table(['self ms', '%', 'function (module)'], summary.selfByFunction.slice(0, 15).map((e) => [num(e.value), e.percent.toFixed(1), `\`${e.name}\``])));
    parts.push('', 'By module (self time):', '');
    parts.push(table(['self ms', '%', 'module'], summary.selfByModule.slice(0, 10).map((e) => [num(e.value), e.percent.toFixed(1), `\`${e.name}\``])));
  }
  for (const { nodes, runs } of groups) {
    const heap = runs.find((r) => r.heapProfile)?.heapProfile;
    if (!heap) continue;
    const { summary } = heap;
    parts.push('', `#### Live memory by allocation site, ${num(nodes)} nodes — ${(summary.totalBytes / MiB).toFixed(0)} MiB sampled`, '');
    parts.push('V8\'s sampling heap profiler from start-up to the end of P3 (`--heap-profile`), after a forced GC: what is still alive, by the function that allocated it.', '');
    parts.push(table(['MiB', '%', 'allocated by'], summary.selfByFunction.slice(0, 15).map((e) => [(e.value / MiB).toFixed(1), e.percent.toFixed(1), `\`${e.name}\``])));
    parts.push('', 'Inclusive (allocated under):', '');
    parts.push(table(['MiB', '%', 'function'], summary.totalByFunction.slice(0, 15).map((e) => [(e.value / MiB).toFixed(1), e.percent.toFixed(1), `\`${e.name}\``])));
  }
  return parts.join('\n');
}

