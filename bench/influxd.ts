/**
 * A throw-away InfluxDB 1.x for P6, started as test/helpers/influxd.ts starts it (that helper
 * imports vitest, so it cannot be reused outside a test run): Debian's `influxd` with a config
 * that binds only 127.0.0.1 (HTTP and RPC, free ports), keeps its data in a temporary directory
 * (deleted at stop), reports nothing, and lifts the series limits a large cluster exceeds.
 *
 * @module
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, influxdConfig } from '../test/helpers/influxdConfig.js';
import { spawnTracked, stopChild } from './children.js';

export { findInfluxd } from '../test/helpers/influxdConfig.js';

/** A running influxd. */
export interface BenchInfluxd {
  readonly url: string;
  readonly pid: number;
  /** The version influxd reports in its `X-Influxdb-Version` header, e.g. `1.6.7~rc0`. */
  readonly version: string;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

/** Starts influxd on free loopback ports; resolves once `/ping` answers. */
export async function startInfluxd(executable: string): Promise<BenchInfluxd> {
  const dir = mkdtempSync(join(tmpdir(), 'heapgraph-bench-influxd-'));
  const port = await freePort();
  const rpcPort = await freePort();
  const configPath = join(dir, 'influxdb.conf');
  const logPath = join(dir, 'influxd.log');
  writeFileSync(configPath, influxdConfig(dir, port, rpcPort, { unlimitedSeries: true }));
  const url = `http://127.0.0.1:${port}`;
  const logFd = openSync(logPath, 'a');
  const child = spawnTracked(executable, ['-config', configPath], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const stop = async () => {
    await stopChild(child, 10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    if (response?.status === 204) {
      return { url, pid: child.pid!, version: response.headers.get('x-influxdb-version') ?? 'unknown', stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling another process
  }
  const log = readFileSync(logPath, 'utf8');
  await stop();
  throw new Error(`influxd did not answer on ${url}:\n${log}`);
}
