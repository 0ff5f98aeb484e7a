/**
 * What the fault tests share: Heapgraph (the real composition root, REST and GraphQL mounted)
 * against the embedded simulator, its log lines kept, cycles driven one at a time instead of
 * waiting for the clock, and small clients for REST, GraphQL and `/metrics`.
 */
import { pino, type Logger } from 'pino';
import { createGraphqlSurface } from '../../src/api/graphql/index.js';
import { createRestSurface } from '../../src/api/rest/index.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';
import type { CycleReport } from '../../src/core/manager.js';
import { configFrom } from '../helpers/heapgraph.js';

/** One pino line, parsed. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** A logger whose JSON lines are kept in `lines`. */
export function captureLogs(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** One sample of Prometheus text: `name{labels} value`. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (comments skipped; label values unescaped). */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function sampleSum(samples: readonly PromSample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** A GraphQL answer over HTTP. */
export interface GqlAnswer<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string }>;
}

/** Small HTTP clients for one Heapgraph. */
export interface ApiClients {
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GqlAnswer<T>>;
  /** GET returning status and parsed JSON (text when not JSON). */
  rest<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  /** `/metrics`, parsed. */
  metrics(): Promise<PromSample[]>;
}

/** Clients for the Heapgraph at `url`. */
export function apiClients(url: string): ApiClients {
  return {
    async gql(query, variables) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async rest(path) {
      const response = await fetch(`${url}${path}`);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: body as never };
    },
    async metrics() {
      const response = await fetch(`${url}/metrics`);
      if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
      return parsePrometheusText(await response.text());
    },
  };
}

/** Options of {@link startFaultApp}. */
export interface FaultAppOptions {
  /** Command-line flags; `--port=0 --listen_ip=127.0.0.1` are added. */
  argv: string[];
  /**
   * Put the simulator (only `sim:` sources) on a clock the harness owns: it starts at the first
   * window's start and {@link FaultApp.cycle} sets it to each window's end before scraping, so
   * kubelet figures and churn follow the cycles.
   */
  simClock?: boolean;
  /** @default 'info' */
  logLevel?: string;
  /** Leave the manager ticking on its own clock instead of driving cycles with {@link FaultApp.cycle}. */
  ticking?: boolean;
}

/** A running Heapgraph for fault tests. */
export interface FaultApp extends ApiClients {
  app: Heapgraph;
  url: string;
  lines: LogLine[];
  resolutionMs: number;
  /**
   * Runs the housekeeping of the window after the previous one (the first ends a minute ago,
   * aligned to the resolution, so REST's default `end` of now covers every batch) and waits
   * until every sink took the batch. `holdSimClock` leaves the simulator's clock where it is
   * (no churn falls due during that cycle).
   */
  cycle(options?: { holdSimClock?: boolean }): Promise<CycleReport & { endMs: number }>;
  /** The simulator's time with `simClock`, ms. */
  simNowMs(): number;
  stop(): Promise<void>;
}

/** Starts Heapgraph with REST and GraphQL; its own ticking is stopped unless `ticking`. */
export async function startFaultApp({ argv, simClock = false, logLevel = 'info', ticking = false }: FaultAppOptions): Promise<FaultApp> {
  const config = configFrom([...argv, '--port=0', '--listen_ip=127.0.0.1']);
  const { resolutionMs } = config;
  let endMs = Math.floor(Date.now() / resolutionMs) * resolutionMs - 60_000;
  let simNowMs = endMs;
  if (simClock) {
    if (config.source.kind !== 'sim') throw new Error('simClock needs a sim: source');
    config.source.sim.clock = () => simNowMs;
  }
  const { logger, lines } = captureLogs(logLevel);
  const app = await runHeapgraph(config, logger, { surfaces: [createGraphqlSurface(), createRestSurface()] });
  if (!ticking) await app.manager.stop();
  return {
    app,
    url: app.url,
    lines,
    resolutionMs,
    ...apiClients(app.url),
    async cycle({ holdSimClock = false } = {}) {
      endMs += resolutionMs;
      const window = { startMs: endMs - resolutionMs, endMs };
      if (simClock && !holdSimClock) simNowMs = endMs;
      const report = await app.manager.housekeep(window);
      if (!report) throw new Error(`housekeeping of the window ending ${new Date(endMs).toISOString()} did not run`);
      await app.sinks.idle();
      return { ...report, endMs: window.endMs };
    },
    simNowMs: () => simNowMs,
    stop: () => app.stop(),
  };
}

/** Waits for `condition` to hold, polling every 20 ms; rejects after `timeoutMs` with `what`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // another process or real timers: nothing to inject
  }
}
