import { describe, expect, it } from 'vitest';
import { InfluxError } from '../../../src/sinks/influxdb/errors.js';
import { parseInfluxSinkUri, type InfluxSinkSpec } from '../../../src/sinks/influxdb/options.js';

const base = 'influxdb:http://127.0.0.1:8086';

function defaults(uri: string): InfluxSinkSpec {
  return {
    kind: 'influxdb',
    uri,
    baseUrl: 'http://127.0.0.1:8086',
    target: { api: 'v1', db: 'k8s', user: 'root', password: 'root', retention: 'INF', retentionGiven: false },
    withFields: false,
    clusterName: 'default',
    disableCounterMetrics: false,
    insecureSsl: false,
    concurrency: 4,
    bufferPoints: 'auto',
    bufferMiB: 512,
    batchLines: 5_000,
  };
}

type V1Target = Extract<InfluxSinkSpec['target'], { api: 'v1' }>;

/** A change of the v1 target's defaults. */
const v1 = (patch: Partial<V1Target>) => (spec: InfluxSinkSpec) => {
  spec.target = { ...(spec.target as V1Target), ...patch };
};

function errorOf(uri: string): InfluxError {
  try {
    parseInfluxSinkUri(uri);
  } catch (error) {
    if (error instanceof InfluxError) return error;
    throw error;
  }
  throw new Error(`${uri} was accepted`);
}

describe('parseInfluxSinkUri', () => {
  it("gives Heapster's defaults for a bare host, and Heapgraph's for the write path", () => {
    expect(parseInfluxSinkUri(base)).toEqual(defaults(base));
  });

  it.each<[string, string, (spec: InfluxSinkSpec) => void]>([
    ['db', '?db=metrics', v1({ db: 'metrics' })],
    ['user and pw', '?user=heap&pw=s3cret', v1({ user: 'heap', password: 's3cret' })],
    ['an empty user and pw (no basic auth)', '?user=&pw=', v1({ user: '', password: '' })],
    ['retention as an InfluxQL duration', '?retention=7d', v1({ retention: '7d', retentionGiven: true })],
    ["retention=0, Heapster's infinite", '?retention=0', v1({ retention: 'INF', retentionGiven: true })],
    ['a multi-unit retention', '?retention=1h30m', v1({ retention: '1h30m', retentionGiven: true })],
    ['withfields=true', '?withfields=true', (s) => (s.withFields = true)],
    ['withfields takes Go boolean spellings', '?withfields=T', (s) => (s.withFields = true)],
    ['cluster_name', '?cluster_name=prod-eu', (s) => (s.clusterName = 'prod-eu')],
    ['an empty cluster_name (the tag is then dropped)', '?cluster_name=', (s) => (s.clusterName = '')],
    ['insecuressl=1', '?insecuressl=1', (s) => (s.insecureSsl = true)],
    ['disable_counter_metrics=True', '?disable_counter_metrics=True', (s) => (s.disableCounterMetrics = true)],
    ["concurrency=1, Heapster's default", '?concurrency=1', (s) => (s.concurrency = 1)],
    ['secure=true switches to https, whatever the scheme', '?secure=true', (s) => (s.baseUrl = 'https://127.0.0.1:8086')],
    ['bufferPoints', '?bufferPoints=20000', (s) => (s.bufferPoints = 20_000)],
    ['bufferPoints=auto', '?bufferPoints=auto', (s) => (s.bufferPoints = 'auto')],
    ['bufferMiB', '?bufferMiB=64', (s) => (s.bufferMiB = 64)],
    ['batchLines', '?batchLines=1000', (s) => (s.batchLines = 1_000)],
    ['the first of repeated values, as Go url.Query', '?db=first&db=second', v1({ db: 'first' })],
  ])('reads %s (defaults + one override)', (_name, query, change) => {
    const uri = `${base}${query}`;
    const expected = defaults(uri);
    change(expected);
    expect(parseInfluxSinkUri(uri)).toEqual(expected);
  });

  it.each([
    ['influxdb:', 'http://localhost:8086'],
    ['influxdb', 'http://localhost:8086'],
    ['influxdb:?db=x', 'http://localhost:8086'],
    ['influxdb:https://monitoring-influxdb:8086', 'http://monitoring-influxdb:8086'],
    ['influxdb:http://monitoring-influxdb', 'http://monitoring-influxdb'],
    ['influxdb:http://[::1]:8086/', 'http://[::1]:8086'],
    ['influxdb:https://influx.example:443?secure=true', 'https://influx.example:443'],
  ])('takes the host of %s and ignores the scheme', (uri, baseUrl) => {
    expect(parseInfluxSinkUri(uri).baseUrl).toBe(baseUrl);
  });

  it('reads a v2 target', () => {
    const spec = parseInfluxSinkUri(`${base}?api=v2&org=acme&bucket=k8s%2Fautogen&token=abc%3D%3D`);
    expect(spec.target).toEqual({ api: 'v2', org: 'acme', bucket: 'k8s/autogen', token: 'abc==' });
  });

  it.each([
    ['?withfields=yes', 'withfields', 'failed to parse `withfields` flag - strconv.ParseBool: parsing "yes": invalid syntax'],
    ['?withfields=', 'withfields', 'failed to parse `withfields` flag - strconv.ParseBool: parsing "": invalid syntax'],
    ['?secure=2', 'secure', 'failed to parse `secure` flag - strconv.ParseBool: parsing "2": invalid syntax'],
    ['?insecuressl=on', 'insecuressl', 'failed to parse `insecuressl` flag - strconv.ParseBool: parsing "on": invalid syntax'],
    ['?disable_counter_metrics=nope', 'disable_counter_metrics', 'failed to parse `disable_counter_metrics` flag - strconv.ParseBool: parsing "nope": invalid syntax'],
    ['?concurrency=two', 'concurrency', 'failed to parse `concurrency` flag - strconv.Atoi: parsing "two": invalid syntax'],
    ['?concurrency=', 'concurrency', 'failed to parse `concurrency` flag - strconv.Atoi: parsing "": invalid syntax'],
    ['?concurrency=0', 'concurrency', '`concurrency` flag can only be positive'],
    ['?concurrency=-3', 'concurrency', '`concurrency` flag can only be positive'],
    ['?concurrency=99999999999999999999', 'concurrency', 'failed to parse `concurrency` flag - strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['?retention=30m', 'retention', '`retention` flag must be INF, 0 or an InfluxQL duration of at least 1h such as 7d or 168h, received "30m"'],
    ['?retention=7d%3B DROP DATABASE k8s', 'retention', '`retention` flag must be INF, 0 or an InfluxQL duration of at least 1h such as 7d or 168h, received "7d; DROP DATABASE k8s"'],
    ['?retention=', 'retention', '`retention` flag must be INF, 0 or an InfluxQL duration of at least 1h such as 7d or 168h, received ""'],
    ['?db=', 'db', '`db` flag must not be empty'],
    ['?dbname=k8s', 'dbname', 'unknown option `dbname` in influxdb sink URI (known: user, pw, db, retention, secure, insecuressl, withfields, cluster_name, disable_counter_metrics, concurrency, api, org, bucket, token, bufferPoints, bufferMiB, batchLines)'],
    ['?api=v3', 'api', '`api` flag can only be v1 or v2, received "v3"'],
    ['?api=v2&org=a&bucket=b', 'token', '`token` flag is required with api=v2'],
    ['?api=v2&bucket=b&token=t', 'org', '`org` flag is required with api=v2'],
    ['?api=v2&org=a&bucket=b&token=t&db=k8s', 'db', '`db` flag does not apply to api=v2 (use org, bucket and token)'],
    ['?token=t', 'token', '`token` flag applies only to api=v2'],
    ['?batchLines=5001', 'batchLines', '`batchLines` flag must be between 1 and 5000, received 5001'],
    ['?batchLines=0', 'batchLines', '`batchLines` flag must be between 1 and 5000, received 0'],
    ['?bufferPoints=100', 'bufferPoints', '`bufferPoints` flag must be auto or at least batchLines (5000), received 100'],
    ['?bufferPoints=lots', 'bufferPoints', 'failed to parse `bufferPoints` flag - strconv.Atoi: parsing "lots": invalid syntax'],
    ['?bufferMiB=0', 'bufferMiB', '`bufferMiB` flag must be at least 1, received 0'],
  ])('refuses %s naming `%s`', (query, option, message) => {
    const error = errorOf(`${base}${query}`);
    expect(error.code).toBe('invalid_option');
    expect(error.context.option).toBe(option);
    expect(error.message).toBe(message);
  });

  it.each([
    ['influxdb:http://h:8086/influx', 'influxdb sink URL must not have a path, received "/influx"'],
    ['influxdb:http://u:p@h:8086', 'influxdb sink URL must not carry credentials; use the `user` and `pw` (or `token`) options'],
    ['influxdb:h:8086', 'influxdb sink URL must look like http://host:8086?options, received "h:8086"'],
    ['influxdb:http://h:99999', 'influxdb sink URL has an invalid host "h:99999"'],
    ['log:', 'not an influxdb sink URI: "log:"'],
  ])('refuses the location of %s', (uri, message) => {
    expect(errorOf(uri).message).toBe(message);
  });

  it('keeps the URI as given, for --historical_source matching', () => {
    const uri = 'influxdb:http://monitoring-influxdb:8086?withfields=true';
    expect(parseInfluxSinkUri(uri).uri).toBe(uri);
  });
});
