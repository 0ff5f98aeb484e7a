/**
 * A real InfluxDB 1.x for tests: Debian's `influxd` (package `influxdb`, 1.6.7) started from a
 * temporary config that binds ONLY 127.0.0.1 (HTTP and the RPC service, on free ports), keeps
 * meta, data and WAL in a temporary directory, reports nothing and opens no UDP, Graphite,
 * collectd or OpenTSDB listener. It can be stopped and started again on the same ports and data
 * (outage tests) and is always killed when the test process exits.
 *
 * Tests that need it: `describe.skipIf(!influxdPath)(withInfluxd('...'), ...)` plus
 * `requireInfluxdUnderCi()` at module level, which turns a missing `influxd` into a failing test
 * when `CI=true` (CI installs the package, so missing means broken CI, not "skip").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { findInfluxd, freePort, influxdConfig } from './influxdConfig.js';

/** The `influxd` to run (see {@link findInfluxd}); undefined when not installed. */
export const influxdPath: string | undefined = findInfluxd();

/** Why influxd tests are skipped, for the describe title. */
export const influxdMissingReason = 'influxd is not installed (apt-get install influxdb, Debian 1.6.7), so tests against a real InfluxDB cannot run';

/** A describe title that says, when influxd is missing, why the block is skipped. */
export function withInfluxd(title: string): string {
  return influxdPath ? title : `${title} [skipped: ${influxdMissingReason}]`;
}

/** Says why influxd tests are skipped; under `CI=true` a missing influxd is a failure, not a skip. Call once at module level. */
export function requireInfluxdUnderCi(): void {
  if (influxdPath) return;
  if (process.env.CI !== 'true') {
    console.warn(`skipping tests against a real InfluxDB: ${influxdMissingReason}`);
    return;
  }
  describe('influxd under CI=true', () => {
    it('is installed, as .ci/run installs Debian\'s influxdb package', () => {
      throw new Error(`CI=true but ${influxdMissingReason}`);
    });
  });
}

/** A running (or stopped) influxd. */
export interface Influxd {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, waits for exit); data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data; resolves when /ping answers. */
  start(): Promise<void>;
  /** Runs InfluxQL (epoch=ms) and returns the parsed JSON. */
  query(q: string, db?: string): Promise<any>;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
  /** What influxd printed (for failure messages). */
  log(): string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function ping(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 204;
  } catch {
    return false;
  }
}

/** Starts influxd on free loopback ports; throws (with its log) when it does not answer within 20 s. */
export async function startInfluxd(): Promise<Influxd> {
  if (!influxdPath) throw new Error(influxdMissingReason);
  const executable = influxdPath;
  const dir = mkdtempSync(join(tmpdir(), 'heapgraph-influxd-'));
  const configPath = join(dir, 'influxdb.conf');
  const logPath = join(dir, 'influxd.log');
  let port = 0;
  let url = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  /** Starts influxd; resolves true once /ping answers, false if it exited first (a port taken meanwhile). */
  async function launch(): Promise<boolean> {
    const logFd = openSync(logPath, 'a');
    const proc = spawn(executable, ['-config', configPath], { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    child = proc;
    live.add(proc);
    let gone = false;
    exited = new Promise((resolve) => {
      proc.once('exit', () => {
        gone = true;
        live.delete(proc);
        resolve();
      });
    });
    const deadline = Date.now() + 20_000;
    while (!gone && Date.now() < deadline) {
      if (await ping(url)) return true;
      await new Promise((resolve) => setTimeout(resolve, 50)); // polling another process, no clock to inject
    }
    await stop();
    if (gone) return false;
    throw new Error(`influxd did not answer on ${url} within 20 s:\n${readFileSync(logPath, 'utf8')}`);
  }

  async function start(): Promise<void> {
    if (child) return;
    if (!(await launch())) throw new Error(`influxd exited on start:\n${readFileSync(logPath, 'utf8')}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  }

  try {
    // Free ports are picked, released and handed to influxd: another process may take one in between.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      writeFileSync(configPath, influxdConfig(dir, port, await freePort()));
      if (await launch()) break;
      if (attempt === 3) throw new Error(`influxd exited on start three times:\n${readFileSync(logPath, 'utf8')}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url,
    port,
    stop,
    start,
    async query(q, db) {
      const params = new URLSearchParams({ epoch: 'ms', ...(db ? { db } : {}) });
      const response = await fetch(`${url}/query?${params}`, { method: 'POST', body: new URLSearchParams({ q }) });
      return response.json();
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log() {
      try {
        return readFileSync(logPath, 'utf8');
      } catch {
        return ''; // disposed
      }
    },
  };
}
