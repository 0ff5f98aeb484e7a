/**
 * The sink's requests, checked byte for byte against an HTTP fake on 127.0.0.1: the v2 API
 * (no v2 server is packaged here), v1 database setup, chunking, retries, refusals, and that
 * export never waits for InfluxDB.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetricSet, type DataBatch } from '../../../src/core/types.js';
import { createInfluxMetrics } from '../../../src/sinks/influxdb/metrics.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { createInfluxSink, type InfluxSink, type InfluxSinkOptions } from '../../../src/sinks/influxdb/sink.js';
import { defaultAnswer, startFakeInflux, type FakeInflux, type RecordedRequest } from './fakeInflux.js';

const t = Date.UTC(2024, 4, 1, 12, 0, 0);

function nodeBatch(timestamp = t, nodes = 1): DataBatch {
  const metricSets = new Map();
  for (let i = 0; i < nodes; i++) {
    const set = createMetricSet({ type: 'node', nodename: `n${i}`, hostname: `n${i}`, host_id: 'i-1' });
    set.metricValues.set('cpu/usage_rate', 250 + i);
    set.metricValues.set('memory/node_utilization', 0.5);
    metricSets.set(`node:n${i}`, set);
  }
  return { timestamp, metricSets };
}

/** A batch of `count` points: `count` node sets with one metric each. */
function bigBatch(count: number): DataBatch {
  const metricSets = new Map();
  for (let i = 0; i < count; i++) {
    const set = createMetricSet({ type: 'node', nodename: `n${i}` });
    set.metricValues.set('uptime', i);
    metricSets.set(`node:n${i}`, set);
  }
  return { timestamp: t, metricSets };
}

/** Waits for the sink's requests to reach the fake (network I/O, so polled). */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const never = () => new AbortController().signal;
const writes = (fake: FakeInflux) => fake.requests.filter((r) => !r.url.startsWith('/query'));
const statements = (fake: FakeInflux) => fake.requests.filter((r) => r.url.startsWith('/query')).map((r) => new URLSearchParams(r.body).get('q'));

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

describe('the InfluxDB sink over HTTP', () => {
  let fake: FakeInflux;
  let registry: Registry;
  const sinks: InfluxSink[] = [];

  function sink(query: string, options: Partial<InfluxSinkOptions> = {}): InfluxSink {
    const created = createInfluxSink(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${fake.port}${query}`), {
      metrics: createInfluxMetrics(registry),
      retryInitialMs: 1,
      retryJitter: 0,
      ...options,
    });
    sinks.push(created);
    return created;
  }

  beforeEach(async () => {
    fake = await startFakeInflux();
    registry = new Registry();
  });

  afterEach(async () => {
    const stopped = AbortSignal.timeout(2_000);
    await Promise.all(sinks.splice(0).map((s) => s.stop(stopped)));
    await fake.close();
  });

  it('writes a v2 batch as one gzipped POST to /api/v2/write with org, bucket, token and nanosecond precision', async () => {
    const s = sink('?api=v2&org=acme&bucket=k8s%2Fautogen&token=s3cr%2Bt&cluster_name=eu-1');
    await s.export(nodeBatch(), never());
    expect(await s.drain(AbortSignal.timeout(5_000))).toBe(true);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests as [RecordedRequest];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v2/write?org=acme&bucket=k8s%2Fautogen&precision=ns');
    expect(request.headers.authorization).toBe('Token s3cr+t');
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request.headers['user-agent']).toBe('heapgraph');
    expect(request.gzipped).toBe(true);
    expect(request.body).toBe(
      [
        'cpu/usage_rate,cluster_name=eu-1,nodename=n0,type=node value=250i 1714564800000000000',
        'memory/node_utilization,cluster_name=eu-1,nodename=n0,type=node value=0.5 1714564800000000000',
      ].join('\n'),
    );
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(2);
  });

  it('creates the v1 database and policy, then writes to /write with basic auth and rp=default', async () => {
    const s = sink('?db=metrics&user=heap&pw=pa%3Ass');
    await s.export(nodeBatch(), never());
    await s.drain(AbortSignal.timeout(5_000));

    const [create, write] = fake.requests as [RecordedRequest, RecordedRequest];
    const basic = `Basic ${Buffer.from('heap:pa:ss').toString('base64')}`;
    expect(create.url).toBe('/query?epoch=ms');
    expect(create.headers.authorization).toBe(basic);
    expect(create.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(create.body).get('q')).toBe('CREATE DATABASE "metrics" WITH DURATION INF REPLICATION 1 NAME "default"');
    expect(write.url).toBe('/write?db=metrics&rp=default&precision=ns');
    expect(write.headers.authorization).toBe(basic);
    expect(write.headers['content-encoding']).toBe('gzip');
    expect(write.body.split('\n')).toEqual([
      'cpu/usage_rate,cluster_name=default,nodename=n0,type=node value=250i 1714564800000000000',
      'memory/node_utilization,cluster_name=default,nodename=n0,type=node value=0.5 1714564800000000000',
    ]);

    await s.export(nodeBatch(t + 60_000), never());
    await s.drain(AbortSignal.timeout(5_000));
    expect(statements(fake)).toHaveLength(1); // once per connection, not per write
  });

  it('sends no Authorization header when user and pw are empty', async () => {
    const s = sink('?user=&pw=');
    await s.export(nodeBatch(), never());
    await s.drain(AbortSignal.timeout(5_000));
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
  });

  it.each([
    ['', ['CREATE DATABASE "k8s" WITH DURATION INF REPLICATION 1 NAME "default"', 'CREATE RETENTION POLICY "default" ON "k8s" DURATION INF REPLICATION 1 DEFAULT']],
    [
      '?retention=168h',
      [
        'CREATE DATABASE "k8s" WITH DURATION 168h REPLICATION 1 NAME "default"',
        'CREATE RETENTION POLICY "default" ON "k8s" DURATION 168h REPLICATION 1 DEFAULT',
        'ALTER RETENTION POLICY "default" ON "k8s" DURATION 168h DEFAULT',
      ],
    ],
  ])('on a database that exists with other policies (retention option %j) runs %j', async (query, expected) => {
    fake.answer((request) => {
      const q = new URLSearchParams(request.body).get('q') ?? '';
      if (q.startsWith('CREATE DATABASE')) return { status: 200, json: { results: [{ statement_id: 0, error: 'retention policy conflicts with an existing policy' }] } };
      if (q.startsWith('CREATE RETENTION')) return { status: 200, json: { results: [{ statement_id: 0, error: 'retention policy already exists' }] } };
      return defaultAnswer(request);
    });
    const s = sink(query);
    await s.export(nodeBatch(), never());
    await s.drain(AbortSignal.timeout(5_000));
    expect(statements(fake)).toEqual(expected);
    expect(writes(fake)).toHaveLength(1);
  });

  it('splits a batch into requests of at most 5,000 lines with at most `concurrency` in flight', async () => {
    let open = 0;
    let most = 0;
    const release: Array<() => void> = [];
    fake.answer((request) => {
      if (request.url.startsWith('/query')) return defaultAnswer(request);
      open++;
      most = Math.max(most, open);
      return new Promise((resolve) => {
        release.push(() => {
          open--;
          resolve({ status: 204 });
        });
      });
    });
    const s = sink('?concurrency=2');
    await s.export(bigBatch(12_001), never());
    const drained = s.drain(AbortSignal.timeout(10_000));
    await until(() => open === 2); // nothing is answered before two requests are open
    release.shift()!();
    await until(() => writes(fake).length === 3);
    while (release.length > 0 || open > 0) {
      release.splice(0).forEach((answer) => answer());
      await until(() => release.length > 0 || open === 0);
    }
    expect(await drained).toBe(true);
    expect(writes(fake).map((r) => r.body.split('\n').length)).toEqual([5_000, 5_000, 2_001]);
    expect(most).toBe(2);
    const uptimes = writes(fake).flatMap((r) => r.body.split('\n')).map((line) => Number(/value=(\d+)i/.exec(line)![1]));
    expect(new Set(uptimes).size).toBe(12_001);
  });

  it('streams one batch at a time: export waits for the previous batch, and gives a batch up as overflow when its deadline passes first', async () => {
    const s = sink('?concurrency=1');
    await s.export(bigBatch(50_000), never()); // returns with the batch still streaming
    expect(s.bufferedPoints).toBe(50_000);
    await expect(s.export(nodeBatch(), AbortSignal.abort(new Error('export timed out after 20000 ms')))).rejects.toThrow('export timed out after 20000 ms');
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total', { reason: 'overflow' })).toBe(2);
    await s.export(nodeBatch(t + 60_000), never()); // waits for the first batch, then streams
    expect(await s.drain(AbortSignal.timeout(10_000))).toBe(true);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(50_000 + 2);
    const lines = writes(fake).flatMap((r) => r.body.split('\n'));
    expect(lines).toHaveLength(50_002);
    expect(lines.slice(-2).every((line) => line.endsWith(' 1714564860000000000'))).toBe(true); // the second batch last
  });

  it('keeps points through 503s and writes them exactly once when InfluxDB answers again', async () => {
    let failuresLeft = 3;
    fake.answer((request) => {
      if (request.url.startsWith('/write') && failuresLeft-- > 0) return { status: 503, json: { error: 'overloaded' } };
      return defaultAnswer(request);
    });
    const s = sink('');
    await s.export(nodeBatch(), never());
    expect(await s.drain(AbortSignal.timeout(5_000))).toBe(true);
    const bodies = writes(fake).map((r) => r.body);
    expect(bodies).toHaveLength(4);
    expect(new Set(bodies).size).toBe(1);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(2);
    expect(await metricValue(registry, 'heapgraph_influxdb_write_errors_total', { code: 'http_status' })).toBe(3);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total')).toBe(0);
    expect(await metricValue(registry, 'heapgraph_influxdb_buffered_points')).toBe(0);
  });

  it('gives up a write that gets no answer within requestTimeoutMs as a connection error and sends it again', async () => {
    let hang = true;
    fake.answer((request) => {
      if (request.url.startsWith('/write') && hang) {
        hang = false;
        return new Promise(() => {}); // InfluxDB never answers this one
      }
      return defaultAnswer(request);
    });
    const s = sink('', { requestTimeoutMs: 200 });
    await s.export(nodeBatch(), never());
    expect(await s.drain(AbortSignal.timeout(5_000))).toBe(true);
    expect(writes(fake)).toHaveLength(2);
    expect(await metricValue(registry, 'heapgraph_influxdb_write_errors_total', { code: 'connection' })).toBe(1);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(2);
  });

  it('creates the database again after a write answers `database not found`', async () => {
    let dropped = false;
    fake.answer((request) => {
      if (request.url.startsWith('/write') && !dropped) {
        dropped = true;
        return { status: 404, json: { error: 'database not found: "k8s"' } };
      }
      return defaultAnswer(request);
    });
    const s = sink('');
    await s.export(nodeBatch(), never());
    await s.drain(AbortSignal.timeout(5_000));
    expect(fake.requests.map((r) => r.url.split('?')[0])).toEqual(['/query', '/write', '/query', '/write']);
  });

  it('drops what InfluxDB refuses with a 400 and counts it; a partial write counts only its dropped points', async () => {
    let answer = 0;
    fake.answer((request) => {
      if (!request.url.startsWith('/write')) return defaultAnswer(request);
      answer++;
      if (answer === 1) return { status: 400, json: { error: 'unable to parse points' } };
      return { status: 400, json: { error: 'partial write: field type conflict: input field "value" on measurement "cpu/usage_rate" is type integer, already exists as type float dropped=1' } };
    });
    const s = sink('');
    await s.export(nodeBatch(t, 2), never());
    await s.drain(AbortSignal.timeout(5_000));
    await s.export(nodeBatch(t + 60_000), never());
    await s.drain(AbortSignal.timeout(5_000));
    expect(writes(fake)).toHaveLength(2);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total', { reason: 'rejected' })).toBe(4 + 1);
    expect(await metricValue(registry, 'heapgraph_influxdb_points_written_total')).toBe(1);
  });

  it('returns from export before InfluxDB answers, and stop gives up when its signal aborts', async () => {
    let answered = false;
    fake.answer(() => new Promise(() => {})); // InfluxDB hangs
    const s = createInfluxSink(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${fake.port}?api=v2&org=o&bucket=b&token=t`), {
      metrics: createInfluxMetrics(registry),
    });
    await s.export(nodeBatch(), never()).then(() => (answered = true));
    expect(answered).toBe(true);
    expect(s.bufferedPoints).toBe(2);
    const stop = new AbortController();
    const stopping = s.stop(stop.signal);
    stop.abort();
    await stopping;
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total', { reason: 'shutdown' })).toBe(2);
  });

  it('counts values it cannot encode as unencodable', async () => {
    const s = sink('?api=v2&org=o&bucket=b&token=t');
    const batch = nodeBatch();
    // Infinity, not NaN: setting NaN removes a value, infinity stays and has no line protocol.
    batch.metricSets.get('node:n0')!.metricValues.set('cpu/node_reservation', Number.POSITIVE_INFINITY);
    await s.export(batch, never());
    await s.drain(AbortSignal.timeout(5_000));
    expect(await metricValue(registry, 'heapgraph_influxdb_points_dropped_total', { reason: 'unencodable' })).toBe(1);
    expect(fake.requests[0]!.body.split('\n')).toHaveLength(2);
  });
});
