/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof` or the inspector's Profiler) and ranks where
 * the time went: self time per function and per module, and inclusive ("total") time per
 * function, with `(idle)` reported apart so percentages are of busy time.
 *
 * Also summarises sampling heap profiles (`.heapprofile`): live bytes by allocating function.
 *
 * Also runnable on its own: `npx tsx bench/profileSummary.ts <file.cpuprofile|file.heapprofile> [top=25]`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One ranked entry. */
export interface ProfileEntry {
  /** `function (module:line)` or a module path. */
  name: string;
  /** Milliseconds (CPU profiles) or bytes (heap profiles). */
  value: number;
  /** Share of busy (non-idle) time or of sampled bytes, 0–100. */
  percent: number;
}

/** The ranking. */
export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  selfByFunction: ProfileEntry[];
  selfByModule: ProfileEntry[];
  totalByFunction: ProfileEntry[];
}

/** This repository's root, so its modules show as `src/...`. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A short module name: repository-relative, `node_modules/<pkg>`, `node:…`, or the V8 pseudo-frame. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
}

function frameName(frame: CallFrame): string {
  const module = moduleOf(frame.url, frame.functionName);
  const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return fn;
  // tsx serves TypeScript compiled onto one line, so only other code has useful line numbers.
  return frame.url.endsWith('.ts') ? `${fn} (${module})` : `${fn} (${module}:${frame.lineNumber + 1})`;
}

function rank(map: Map<string, number>, total: number, top: number): ProfileEntry[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, value]) => ({ name, value, percent: total > 0 ? (value * 100) / total : 0 }));
}

/** Summarises `profile`, keeping the `top` entries of each ranking. */
export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfFn = new Map<string, number>();
  const selfModule = new Map<string, number>();
  const totalFn = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the gap before sample i; attribute the gap after it (the next delta) to it.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(profile.samples[i]!);
    if (!leaf) continue;
    if (leaf.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    add(selfFn, frameName(leaf.callFrame), ms);
    add(selfModule, moduleOf(leaf.callFrame.url, leaf.callFrame.functionName), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(root)') continue;
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      add(totalFn, name, ms);
    }
  }
  return {
    busyMs,
    idleMs,
    selfByFunction: rank(selfFn, busyMs, top),
    selfByModule: rank(selfModule, busyMs, top),
    totalByFunction: rank(totalFn, busyMs, top),
  };
}

/** A V8 sampling heap profile (`.heapprofile`, the inspector's `HeapProfiler.stopSampling`). */
export interface HeapProfile {
  head: HeapProfileNode;
}

interface HeapProfileNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapProfileNode[];
}

/** Where live memory was allocated: bytes per allocating function and per module. */
export interface HeapSummary {
  totalBytes: number;
  selfByFunction: ProfileEntry[];
  selfByModule: ProfileEntry[];
  /** Bytes allocated under each function, callees included. */
  totalByFunction: ProfileEntry[];
}

/** Summarises a sampling heap profile (entry values in bytes). */
export function summariseHeapProfile(profile: HeapProfile, top = 25): HeapSummary {
  const selfFn = new Map<string, number>();
  const selfModule = new Map<string, number>();
  const totalFn = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
  let totalBytes = 0;
  const walk = (node: HeapProfileNode, stack: string[]): number => {
    const name = node.callFrame.functionName === '(root)' ? '' : frameName(node.callFrame);
    let subtree = node.selfSize;
    if (node.selfSize > 0 && name !== '') {
      add(selfFn, name, node.selfSize);
      add(selfModule, moduleOf(node.callFrame.url, node.callFrame.functionName), node.selfSize);
    }
    totalBytes += node.selfSize;
    const inner = name === '' || stack.includes(name) ? stack : [...stack, name];
    for (const child of node.children) subtree += walk(child, inner);
    if (name !== '' && !stack.includes(name)) add(totalFn, name, subtree);
    return subtree;
  };
  walk(profile.head, []);
  return { totalBytes, selfByFunction: rank(selfFn, totalBytes, top), selfByModule: rank(selfModule, totalBytes, top), totalByFunction: rank(totalFn, totalBytes, top) };
}

/** Plain-text rendering for the console. */
export function formatSummary(summary: ProfileSummary): string {
  const table = (title: string, entries: ProfileEntry[]) =>
    [`${title}:`, ...entries.map((e) => `  ${e.value.toFixed(0).padStart(7)} ms ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`)].join('\n');
  return [
    `busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`,
    table('self time by function', summary.selfByFunction),
    table('self time by module', summary.selfByModule),
    table('total (inclusive) time by function', summary.totalByFunction),
  ].join('\n');
}

/** Plain-text rendering of a heap summary. */
export function formatHeapSummary(summary: HeapSummary): string {
  const table = (title: string, entries: ProfileEntry[]) =>
    [`${title}:`, ...entries.map((e) => `  ${(e.value / 2 ** 20).toFixed(1).padStart(8)} MiB ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`)].join('\n');
  return [
    `sampled live bytes ${(summary.totalBytes / 2 ** 20).toFixed(1)} MiB`,
    table('allocated by function (self)', summary.selfByFunction),
    table('allocated by module (self)', summary.selfByModule),
    table('allocated under function (inclusive)', summary.totalByFunction),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/profileSummary.ts <file.cpuprofile|file.heapprofile> [top]\n');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | HeapProfile;
    const text = 'head' in profile ? formatHeapSummary(summariseHeapProfile(profile, Number(top))) : formatSummary(summariseProfile(profile, Number(top)));
    process.stdout.write(`${text}\n`);
  }
}
