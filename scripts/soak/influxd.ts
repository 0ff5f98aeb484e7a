/**
 * The soak's InfluxDB: Debian's `influxd` with the tests' loopback-only configuration, which
 * can be stopped and started again on the same ports and data (the soak's InfluxDB outages).
 * bench/influxd.ts cannot restart, and test/helpers/influxd.ts imports vitest.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTracked, stopChild } from '../../bench/children.js';
import { freePort, influxdConfig } from '../../test/helpers/influxdConfig.js';

/** A restartable influxd. */
export interface SoakInfluxd {
  readonly url: string;
  /** Stops it (SIGTERM); data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports; resolves once `/ping` answers. */
  start(): Promise<void>;
  /** Runs InfluxQL against `db` (epoch=ms). */
  query(q: string, db: string): Promise<any>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}

/** Starts `executable` on free loopback ports with its data in a temporary directory. */
export async function startSoakInfluxd(executable: string): Promise<SoakInfluxd> {
  const dir = mkdtempSync(join(tmpdir(), 'heapgraph-soak-influxd-'));
  const configPath = join(dir, 'influxdb.conf');
  const port = await freePort();
  writeFileSync(configPath, influxdConfig(dir, port, await freePort(), { unlimitedSeries: true }));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child) return;
    const logFd = openSync(join(dir, 'influxd.log'), 'a');
    const proc = spawnTracked(executable, ['-config', configPath], { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    child = proc;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && proc.exitCode === null) {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      if (response?.status === 204) return;
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling another process
    }
    throw new Error(`influxd did not answer on ${url} (see ${join(dir, 'influxd.log')})`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc) await stopChild(proc, 10_000);
  }

  await start();
  return {
    url,
    start,
    stop,
    async query(q, db) {
      const response = await fetch(`${url}/query?${new URLSearchParams({ epoch: 'ms', db })}`, { method: 'POST', body: new URLSearchParams({ q }) });
      return response.json();
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
