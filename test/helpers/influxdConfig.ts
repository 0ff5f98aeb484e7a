/**
 * What the influxd test harness (test/helpers/influxd.ts) and the benchmarks (bench/influxd.ts)
 * share: finding the binary, a free loopback port, and a configuration bound to 127.0.0.1 with
 * its data in a temporary directory. No vitest here, so the benchmarks can import it.
 */
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `influxd` to run: `$INFLUXD` when set (a path; one that is not executable counts as
 * missing), else the first on PATH or Debian's /usr/bin/influxd; undefined when not installed.
 */
export function findInfluxd(): string | undefined {
  const chosen = process.env.INFLUXD;
  if (chosen) return executable(chosen) ? chosen : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin'];
  return dirs.filter((dir) => dir !== '').map((dir) => join(dir, 'influxd')).find(executable);
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Options of {@link influxdConfig}. */
export interface InfluxdConfigOptions {
  /**
   * Lift the per-database series and per-tag value limits. Heapster's schema has one series per
   * metric and entity: ~2.4 M series at 1,000 nodes, past the defaults (1 M series per database,
   * 100 k values per tag), which reject the rest. @default false
   */
  unlimitedSeries?: boolean;
}

/** An influxd 1.x configuration: loopback only, data under `dir`, nothing reported. */
export function influxdConfig(dir: string, httpPort: number, rpcPort: number, { unlimitedSeries = false }: InfluxdConfigOptions = {}): string {
  const limits = unlimitedSeries ? '  max-series-per-database = 0\n  max-values-per-tag = 0\n' : '';
  return `# Written by Heapgraph's influxd harness: loopback only, temporary data, nothing reported.
reporting-disabled = true
# Debian's build spells the same switch this way.
reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
${limits}
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
