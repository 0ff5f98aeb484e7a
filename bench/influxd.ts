/**
 * A throw-away InfluxDB 1.x for P6, started as test/helpers/influxd.ts starts it (that helper
 * imports vitest, so it cannot be reused outside a test run): Debian's `influxd` with a config
 * that binds only 127.0.0.1 (HTTP and RPC, free ports), keeps its data in a temporary directory
 * (deleted at stop), reports nothing, and lifts the series limits a large cluster exceeds.
 *
 * @module
 */
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnTracked, stopChild } from './children.js';

/** The `influxd` to run: `$INFLUXD`, else the first on PATH or /usr/bin; undefined when not installed. */
export function findInfluxd(): string | undefined {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (process.env.INFLUXD) return executable(process.env.INFLUXD) ? process.env.INFLUXD : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin'];
  return dirs.filter((dir) => dir !== '').map((dir) => join(dir, 'influxd')).find(executable);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(dir: string, httpPort: number, rpcPort: number): string {
  return `# Written by bench/influxd.ts: loopback only, temporary data, nothing reported.
reporting-disabled = true
reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  # Heapster's schema has one series per metric and entity: ~2.4 M series at 1,000 nodes, past
  # the defaults (1 M series per database, 100 k values per tag), which reject the rest.
  max-series-per-database = 0
  max-values-per-tag = 0
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
[ifql]
  enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
  suppress-logo = true
[[graphite]]
  enabled = false
[[collectd]]
  enabled = false
[[opentsdb]]
  enabled = false
[[udp]]
  enabled = false
`;
}

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
  writeFileSync(configPath, config(dir, port, rpcPort));
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
