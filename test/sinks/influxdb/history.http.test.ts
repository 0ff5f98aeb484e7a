/**
 * The history backend's requests and answer parsing against an HTTP fake: v2 targets query the
 * v1-compatible `/query` of their bucket with the token; answers are matched by position.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfluxError } from '../../../src/sinks/influxdb/errors.js';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { startFakeInflux, type FakeInflux } from './fakeInflux.js';

describe('the InfluxDB history backend over HTTP', () => {
  let fake: FakeInflux;
  let history: InfluxHistory;
  const start = Date.parse('2024-05-01T12:00:00Z');

  beforeEach(async () => {
    fake = await startFakeInflux();
    history = createInfluxHistory(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${fake.port}?api=v2&org=acme&bucket=k8s&token=tok`));
  });

  afterEach(async () => {
    history.close();
    await fake.close();
  });

  it('sends the statements of many keys as one request to the bucket with the token, and matches answers by position', async () => {
    fake.answer(() => ({
      status: 200,
      json: {
        results: [
          { statement_id: 0, series: [{ name: 'cpu/usage_rate', columns: ['time', 'value'], values: [[start + 60_000, 250], [start + 120_000, 260]] }] },
          { statement_id: 1 },
          { statement_id: 2, series: [{ name: 'cpu/usage_rate', columns: ['time', 'value'], values: [[start + 60_000, 0.5]] }] },
        ],
      },
    }));
    const keys = [
      { kind: 'node', node: 'n1' },
      { kind: 'node', node: 'n2' },
      { kind: 'node', node: 'n3' },
    ] as const;
    const results = await history.series(keys, 'cpu/usage_rate', undefined, { startMs: start });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.url).toBe('/query?epoch=ms&db=k8s');
    expect(request!.headers.authorization).toBe('Token tok');
    expect(new URLSearchParams(request!.body).get('q')).toBe(
      keys.map((k) => `SELECT time, "value" FROM "cpu/usage_rate" WHERE type = 'node' AND nodename = '${k.node}' AND time > '2024-05-01T12:00:00Z'`).join('; '),
    );
    expect(results).toEqual([
      { valueType: 'int64', points: [{ timestamp: start + 60_000, value: 250 }, { timestamp: start + 120_000, value: 260 }] },
      { valueType: 'float', points: [] },
      { valueType: 'float', points: [{ timestamp: start + 60_000, value: 0.5 }] },
    ]);
  });

  it('reads aggregation columns by position, with counts and per-aggregation value types', async () => {
    fake.answer(() => ({
      status: 200,
      json: { results: [{ statement_id: 0, series: [{ name: 'm', columns: ['time', 'mean', 'max', 'count', 'percentile'], values: [[start, 12.5, 20, 10, 19], [start + 300_000, 11, 15, 4, null]] }] }] },
    }));
    const [result] = await history.aggregate([{ kind: 'cluster' }], 'cpu/usage_rate', ['average', 'max', 'count', '95-perc'], { startMs: start, bucketMs: 300_000 });
    expect(result).toEqual({
      bucketSizeMs: 300_000,
      buckets: [
        { timestamp: start, average: 12.5, maximum: 20, count: 10, percentiles: { '95': 19 } },
        { timestamp: start + 300_000, average: 11, maximum: 15, count: 4 },
      ],
      valueTypes: { average: 'float', max: 'int64', '95-perc': 'int64' },
    });
  });

  it('unions the values of every series of SHOW TAG VALUES, sorted', async () => {
    fake.answer(() => ({
      status: 200,
      json: {
        results: [
          {
            statement_id: 0,
            series: [
              { name: 'cpu/usage_rate', columns: ['key', 'value'], values: [['pod_name', 'web-2'], ['pod_name', 'web-1']] },
              { name: 'uptime', columns: ['key', 'value'], values: [['pod_name', 'web-1'], ['pod_name', 'db-0']] },
            ],
          },
        ],
      },
    }));
    expect(await history.podsOf('shop')).toEqual(['db-0', 'web-1', 'web-2']);
    expect(new URLSearchParams(fake.requests[0]!.body).get('q')).toBe(`SHOW TAG VALUES WITH KEY = "pod_name" WHERE type = 'pod' AND namespace_name = 'shop'`);
  });

  it.each([
    ['a statement error', { status: 200, json: { results: [{ statement_id: 0, error: 'shard is disabled' }] } }, 'query_failed', 'statement 1: shard is disabled'],
    ['an answer cut short by max-row-limit', { status: 200, json: { results: [{ statement_id: 0, series: [{ columns: ['time', 'value'], values: [[1, 1]], partial: true }] }] } }, 'query_failed', 'statement 1: InfluxDB cut the answer short (max-row-limit); ask for a shorter range'],
    ['a parse error', { status: 400, json: { error: 'error parsing query: found EOF' } }, 'http_status', 'query: InfluxDB answered 400: error parsing query: found EOF'],
    ['a missing results array', { status: 200, json: { whatever: 1 } }, 'malformed_response', 'query: the answer has no `results` array'],
    ['a string where a number belongs', { status: 200, json: { results: [{ statement_id: 0, series: [{ columns: ['time', 'value'], values: [[1, 'x']] }] }] } }, 'malformed_response', 'statement 1: value "x" is not a number'],
  ])('rejects %s with a typed error', async (_case, answer, code, message) => {
    fake.answer(() => answer);
    const error = await history.series([{ kind: 'cluster' }], 'uptime', undefined, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfluxError);
    expect((error as InfluxError).code).toBe(code);
    expect((error as InfluxError).message).toBe(message);
  });

  it('splits a v2 bucket written db/rp into the db and rp of /query', async () => {
    const other = createInfluxHistory(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${fake.port}?api=v2&org=acme&bucket=k8s%2Fdefault&token=tok`));
    fake.answer(() => ({ status: 200, json: { results: [{ statement_id: 0 }] } }));
    await other.nodes();
    other.close();
    expect(fake.requests[0]!.url).toBe('/query?epoch=ms&db=k8s&rp=default');
  });

  it('refuses unsafe input before sending anything', async () => {
    const error = await history.podsOf("x' OR '1'='1").catch((e: unknown) => e);
    expect((error as InfluxError).code).toBe('invalid_input');
    expect((error as InfluxError).message).toBe(`Invalid namespace name "x' OR '1'='1"`);
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a refused connection as a connection error', async () => {
    await fake.close();
    const error = await history.nodes().catch((e: unknown) => e);
    expect((error as InfluxError).code).toBe('connection');
    fake = await startFakeInflux(); // for afterEach
  });
});
