/**
 * `--sink=influxdb:<scheme>://<host:port>?options` → {@link InfluxSinkSpec}, with Heapster's
 * options, defaults and error texts (heapster-reference §7.1, `common/influxdb/influxdb.go`)
 * plus the v2 API (`api=v2&org=&bucket=&token=`) and Heapgraph's buffer options.
 *
 * As in Heapster the URL scheme is ignored (`secure=true` chooses https) and a repeated option
 * takes its first value. Unlike Heapster, unknown options, a URL path and unusable `retention`
 * values are rejected here instead of failing later.
 *
 * @module
 */
import { InfluxError, goQuote } from './errors.js';

/** Where points go: a v1 database (`/write`) or a v2 bucket (`/api/v2/write`). */
export type InfluxTarget =
  | {
      api: 'v1';
      db: string;
      user: string;
      password: string;
      /** InfluxQL duration of the `default` retention policy; `INF` keeps points forever. */
      retention: string;
      /** Whether `retention` was given (only then is an existing policy altered to match). */
      retentionGiven: boolean;
    }
  | { api: 'v2'; org: string; bucket: string; token: string };

/** A parsed `influxdb` sink URI. */
export interface InfluxSinkSpec {
  kind: 'influxdb';
  /** The URI as given; `--historical_source` names a sink by this exact text. */
  uri: string;
  /** `http://host:port` or `https://...` (from `secure`), no trailing slash. */
  baseUrl: string;
  target: InfluxTarget;
  /** Measurement = text before the first `/` of the metric name, field = the rest. */
  withFields: boolean;
  /** Value of the `cluster_name` tag on every point (dropped when empty). */
  clusterName: string;
  /** Skip the cumulative counters that have a rate (`cpu/usage`, `network/rx`, ...). */
  disableCounterMetrics: boolean;
  /** Skip TLS certificate verification. */
  insecureSsl: boolean;
  /** Write requests in flight at most. */
  concurrency: number;
  /**
   * Points kept waiting (for a write slot, or for InfluxDB to come back); past it the oldest
   * are dropped. `auto`: twice the newest batch, at least {@link minAutoBufferPoints}.
   */
  bufferPoints: number | 'auto';
  /** Bytes (in MiB) the waiting chunks may take at most, whatever `bufferPoints` allows. */
  bufferMiB: number;
  /** Lines per write request. */
  batchLines: number;
}

/** Heapgraph's limit on lines per write request (the bound; Heapster used 10,000 points). */
export const maxBatchLines = 5_000;

/**
 * The least an automatic buffer holds (the fixed default before it was sized from the batch):
 * a small cluster still rides out minutes of outage (a 20-node × 30-pod batch is ~47,000 points).
 */
export const minAutoBufferPoints = 1_000_000;

/**
 * Defaults, Heapster's where Heapster had the option — except `concurrency` (Heapster: 1). Four
 * writes in flight, measured through the sink with `bench/influx-write.ts` against influxd 1.6.7
 * on 127.0.0.1 (2 cores, 2026-11-27; medians of 3–5 interleaved rounds): at 100 nodes × 30 pods
 * concurrency 1 gave 54k points/s, 2 77–88k, 4 90–118k, 8 123–162k; at 1,000 nodes 4 gave 56k
 * and 8 43k, because influxd then refuses writes while its cache is full (HTTP 500
 * `cache-max-memory-size exceeded`) and the sink backs off. 4 is the most that holds at both sizes.
 */
export const influxDefaults = {
  host: 'localhost:8086',
  user: 'root',
  pw: 'root',
  db: 'k8s',
  clusterName: 'default',
  concurrency: 4,
  bufferPoints: 'auto',
  bufferMiB: 512,
  batchLines: maxBatchLines,
} as const;

const v1Options = ['user', 'pw', 'db', 'retention'] as const;
const v2Options = ['org', 'bucket', 'token'] as const;

/** Every option the URI may carry. */
export const influxOptionNames: readonly string[] = [
  ...v1Options,
  'secure',
  'insecuressl',
  'withfields',
  'cluster_name',
  'disable_counter_metrics',
  'concurrency',
  'api',
  ...v2Options,
  'bufferPoints',
  'bufferMiB',
  'batchLines',
];

function fail(option: string, message: string, uri: string): never {
  throw new InfluxError('invalid_option', message, { option, uri });
}

/** Go's `strconv.ParseBool`, with Heapster's wrapping of its error. */
function parseBool(option: string, text: string, uri: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return fail(option, `failed to parse \`${option}\` flag - strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`, uri);
}

/** Go's `strconv.Atoi`, with Heapster's wrapping of its error. */
function parseInt(option: string, text: string, uri: string): number {
  if (!/^[+-]?\d+$/.test(text)) fail(option, `failed to parse \`${option}\` flag - strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`, uri);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) fail(option, `failed to parse \`${option}\` flag - strconv.Atoi: parsing ${goQuote(text)}: value out of range`, uri);
  return value;
}

const durationUnitsMs: Record<string, number> = { ns: 1e-6, u: 1e-3, 'µ': 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3_600e3, d: 86_400e3, w: 604_800e3 };

/**
 * The `retention` value as an InfluxQL duration literal. Heapster pasted the text into the query
 * unchecked (an injection and a source of late failures); here it must be `INF`, `0` (Heapster's
 * default, meaning infinite) or a duration of at least 1h, InfluxDB's minimum.
 */
function parseRetention(text: string, uri: string): string {
  if (text === '0' || text.toUpperCase() === 'INF') return 'INF';
  const parts = /^(?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+$/.test(text) ? [...text.matchAll(/(\d+)(ns|u|µ|ms|s|m|h|d|w)/g)] : [];
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * durationUnitsMs[unit!]!, 0);
  if (parts.length === 0 || ms < 3_600e3) {
    fail('retention', `\`retention\` flag must be INF, 0 or an InfluxQL duration of at least 1h such as 7d or 168h, received ${goQuote(text)}`, uri);
  }
  return text;
}

/** Splits `<scheme>://<authority>[/][?query]` (the scheme is ignored); an empty location means Heapster's default host. */
function splitLocation(location: string, uri: string): { host: string; query: string } {
  if (location === '' || location.startsWith('?')) return { host: influxDefaults.host, query: location.slice(1) };
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(location);
  if (!match) return fail('url', `influxdb sink URL must look like http://host:8086?options, received ${goQuote(location)}`, uri);
  const [, authority = '', path = '', query = ''] = match;
  if (path !== '' && path !== '/') fail('url', `influxdb sink URL must not have a path, received ${goQuote(path)}`, uri);
  if (authority.includes('@')) fail('url', 'influxdb sink URL must not carry credentials; use the `user` and `pw` (or `token`) options', uri);
  if (authority === '') return { host: influxDefaults.host, query };
  try {
    new URL(`http://${authority}`);
  } catch {
    fail('url', `influxdb sink URL has an invalid host ${goQuote(authority)}`, uri);
  }
  return { host: authority, query };
}

/**
 * Parses one `influxdb` sink URI (`influxdb:http://host:8086?db=k8s&...`). Throws
 * `InfluxError('invalid_option')` naming the option and what it received.
 */
export function parseInfluxSinkUri(uri: string): InfluxSinkSpec {
  const colon = uri.indexOf(':');
  const kind = colon === -1 ? uri : uri.slice(0, colon);
  if (kind.trim() !== 'influxdb') fail('kind', `not an influxdb sink URI: ${goQuote(uri)}`, uri);
  const { host, query } = splitLocation(colon === -1 ? '' : uri.slice(colon + 1).trim(), uri);

  const params = new URLSearchParams(query);
  const known = new Set(influxOptionNames);
  for (const name of params.keys()) {
    if (!known.has(name)) fail(name, `unknown option \`${name}\` in influxdb sink URI (known: ${influxOptionNames.join(', ')})`, uri);
  }
  const opt = (name: string): string | undefined => params.get(name) ?? undefined; // first value, as Heapster
  const bool = (name: string): boolean => {
    const text = opt(name);
    return text === undefined ? false : parseBool(name, text, uri);
  };

  // Heapster's order of checks, so the first error reported is the one Heapster reported.
  const withFields = bool('withfields');
  const secure = bool('secure');
  const insecureSsl = bool('insecuressl');
  const disableCounterMetrics = bool('disable_counter_metrics');
  const concurrencyText = opt('concurrency');
  const concurrency = concurrencyText === undefined ? influxDefaults.concurrency : parseInt('concurrency', concurrencyText, uri);
  if (concurrency <= 0) fail('concurrency', '`concurrency` flag can only be positive', uri);

  const api = opt('api') ?? 'v1';
  if (api !== 'v1' && api !== 'v2') fail('api', `\`api\` flag can only be v1 or v2, received ${goQuote(api)}`, uri);

  let target: InfluxTarget;
  if (api === 'v2') {
    for (const name of v1Options) {
      if (opt(name) !== undefined) fail(name, `\`${name}\` flag does not apply to api=v2 (use org, bucket and token)`, uri);
    }
    const required = (name: (typeof v2Options)[number]): string => {
      const value = opt(name);
      return value ? value : fail(name, `\`${name}\` flag is required with api=v2`, uri);
    };
    target = { api: 'v2', org: required('org'), bucket: required('bucket'), token: required('token') };
  } else {
    for (const name of v2Options) {
      if (opt(name) !== undefined) fail(name, `\`${name}\` flag applies only to api=v2`, uri);
    }
    const db = opt('db') ?? influxDefaults.db;
    if (db === '') fail('db', '`db` flag must not be empty', uri);
    const retention = opt('retention');
    target = {
      api: 'v1',
      db,
      user: opt('user') ?? influxDefaults.user,
      password: opt('pw') ?? influxDefaults.pw,
      retention: retention === undefined ? 'INF' : parseRetention(retention, uri),
      retentionGiven: retention !== undefined,
    };
  }

  const batchLinesText = opt('batchLines');
  const batchLines = batchLinesText === undefined ? influxDefaults.batchLines : parseInt('batchLines', batchLinesText, uri);
  if (batchLines < 1 || batchLines > maxBatchLines) fail('batchLines', `\`batchLines\` flag must be between 1 and ${maxBatchLines}, received ${batchLines}`, uri);

  const bufferText = opt('bufferPoints') ?? influxDefaults.bufferPoints;
  const bufferPoints = bufferText === 'auto' ? 'auto' : parseInt('bufferPoints', bufferText, uri);
  if (bufferPoints !== 'auto' && bufferPoints < batchLines) fail('bufferPoints', `\`bufferPoints\` flag must be auto or at least batchLines (${batchLines}), received ${bufferPoints}`, uri);

  const bufferMiBText = opt('bufferMiB');
  const bufferMiB = bufferMiBText === undefined ? influxDefaults.bufferMiB : parseInt('bufferMiB', bufferMiBText, uri);
  if (bufferMiB < 1) fail('bufferMiB', `\`bufferMiB\` flag must be at least 1, received ${bufferMiB}`, uri);

  return {
    kind: 'influxdb',
    uri,
    baseUrl: `${secure ? 'https' : 'http'}://${host}`,
    target,
    withFields,
    clusterName: opt('cluster_name') ?? influxDefaults.clusterName,
    disableCounterMetrics,
    insecureSsl,
    concurrency,
    bufferPoints,
    bufferMiB,
    batchLines,
  };
}
