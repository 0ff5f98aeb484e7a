/**
 * `npm run bench -- [flags]`: which cluster sizes and how much of each measurement.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { shippedV8Flags } from './heapgraphProcess.js';

/** Every knob of a run, in units. */
export interface BenchOptions {
  mode: 'quick' | 'full' | 'custom';
  sizes: number[];
  podsPerNode: number;
  /** Whole runs per size (a fresh simulator and Heapgraph each); spreads are over all of them. */
  runs: number;
  /** Cycles that fill the retention window (15 min at synthetic 60 s). */
  fillCycles: number;
  /** Fill cycles left out of P1 as warm-up (JIT, first rates). */
  warmupCycles: number;
  p3Cycles: number;
  p3IntervalMs: number;
  p3IdleMs: number;
  p4Connections: number;
  p4DurationS: number;
  p4Rounds: number;
  p4TrivialDurationS: number;
  p5Subscribers: number[];
  p5Distinct: number;
  p5Batches: number;
  p5PerProcess: number;
  p6Runs: number;
  /** P6 runs only at sizes up to this many nodes (influxd 1.6.7's first write of a 1,000-node batch's 2.4 M series can take minutes). */
  p6MaxNodes: number;
  /** Parts to leave out: p3, p4, p5, p6, profile. */
  skip: Set<string>;
  /** Markdown report; empty = none. */
  reportPath: string;
  jsonPath: string;
  profileDir: string;
  /** Sample allocations from start-up and report live memory by allocation site (slows cycles a little). */
  heapProfile: boolean;
  /** Render this saved results file instead of measuring. */
  fromJson: string;
  /**
   * Node/V8 flags of the Heapgraph process; the shipped ones (`shippedV8Flags`) unless
   * `--node-flags` names others, e.g. a configuration operations.md gives for some cluster size.
   */
  nodeFlags: readonly string[];
  /** Niceness of the simulator process (0 = as Heapgraph's); see `startSim`. */
  simNice: number;
}

/** Usage text. */
export const benchUsage = `usage: npm run bench -- [--full] [options]
  --full                   100, 1,000 and 5,000 nodes (default: quick, 100 and 1,000)
  --sizes=N,M              custom node counts
  --pods-per-node=P        default 30
  --runs=R                 whole runs per size (default 1)
  --skip=p3,p4,p5,p6,profile  leave parts out
  --p6-max-nodes=N         P6 only at sizes up to N nodes (default: quick 100, full 1000)
  --subscribers=A,B        P5 subscriber counts (default 1000,10000)
  --p4-seconds=S           autocannon duration per run (default 8)
  --report=PATH            markdown report (default docs/benchmarks.md; "" = none)
  --json=PATH              raw results (default bench/results/latest.json)
  --heap-profile           sample allocations from start-up; report live memory by allocation site
  --from-json=PATH         re-render the report from a saved results file, measuring nothing
  --node-flags="F ..."     Node flags of the Heapgraph process instead of the shipped ones
                           (${shippedV8Flags.join(' ')}); "" = Node's defaults
  --sim-nice=N             run the simulator at niceness N (1–19), so Heapgraph has the cores
                           whenever it can use them, as where the kubelets are other machines`;

function list(text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  const values = text.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  if (values.some((v) => !Number.isSafeInteger(v) || v <= 0)) throw new Error(`expected a comma list of positive integers, received "${text}"`);
  return values;
}

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}, received "${text}"`);
  return value;
}

function nodeFlags(text: string): string[] {
  const flags = text.split(/\s+/).filter((flag) => flag !== '');
  const bad = flags.find((flag) => !/^--[a-z0-9][a-z0-9_-]*(=\S+)?$/i.test(flag));
  if (bad !== undefined) throw new Error(`--node-flags: expected flags like --max-semi-space-size=16, received "${bad}"`);
  return flags;
}

function niceness(text: string | undefined): number {
  const value = integer('sim-nice', text, 0, 0);
  if (value > 19) throw new Error(`--sim-nice must be at most 19, received "${text}"`);
  return value;
}

/** Parses the command line; throws an Error naming the flag on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      full: { type: 'boolean' },
      sizes: { type: 'string' },
      'pods-per-node': { type: 'string' },
      runs: { type: 'string' },
      skip: { type: 'string' },
      subscribers: { type: 'string' },
      'p4-seconds': { type: 'string' },
      'p6-max-nodes': { type: 'string' },
      report: { type: 'string' },
      json: { type: 'string' },
      'heap-profile': { type: 'boolean' },
      'from-json': { type: 'string' },
      'node-flags': { type: 'string' },
      'sim-nice': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const mode = values.sizes ? 'custom' : values.full ? 'full' : 'quick';
  const skip = new Set((values.skip ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  for (const part of skip) if (!['p3', 'p4', 'p5', 'p6', 'profile'].includes(part)) throw new Error(`--skip: unknown part "${part}" (p3, p4, p5, p6, profile)`);
  return {
    mode,
    sizes: list(values.sizes, mode === 'full' ? [100, 1_000, 5_000] : [100, 1_000]),
    podsPerNode: integer('pods-per-node', values['pods-per-node'], 30),
    runs: integer('runs', values.runs, 1),
    fillCycles: 15,
    warmupCycles: 2,
    p3Cycles: 3,
    p3IntervalMs: 20,
    p3IdleMs: 3_000,
    p4Connections: 10,
    p4DurationS: integer('p4-seconds', values['p4-seconds'], 8),
    p4Rounds: 2,
    p4TrivialDurationS: 4,
    p5Subscribers: list(values.subscribers, [1_000, 10_000]),
    p5Distinct: 100,
    p5Batches: 3,
    p5PerProcess: 5_000,
    // Quick mode stays under 10 minutes: one export of the defaults (a 1,000-node one takes ~30–40 s)
    // beside the two reference writes (the first, which creates the series, ~70–90 s at 1,000 nodes).
    p6Runs: mode === 'quick' ? 1 : 2,
    // Quick: 100 nodes only, so the mode stays under 10 minutes even when influxd is slow to create
    // 2.4 M series (it once took 11 minutes on a loaded machine); full: up to 1,000 (5,000 would take an hour).
    p6MaxNodes: integer('p6-max-nodes', values['p6-max-nodes'], mode === 'quick' ? 100 : 1_000),
    skip,
    reportPath: values.report ?? 'docs/benchmarks.md',
    jsonPath: values.json ?? 'bench/results/latest.json',
    profileDir: 'bench/results',
    heapProfile: values['heap-profile'] ?? false,
    fromJson: values['from-json'] ?? '',
    nodeFlags: values['node-flags'] === undefined ? shippedV8Flags : nodeFlags(values['node-flags']),
    simNice: niceness(values['sim-nice']),
  };
}
