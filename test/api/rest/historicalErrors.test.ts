/**
 * The historical routes against an HTTP fake of InfluxDB (no `influxd` needed): the InfluxQL
 * each route sends (Heapster's statements, exclusive bounds, one request per list), client
 * mistakes answered 400 before InfluxDB is asked, and every way InfluxDB can fail — an error
 * status, a failed statement, a refused connection, no answer at all — answered 500 with a text
 * that says so, within the request timeout, the server serving on afterwards.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { defaultAnswer, startFakeInflux, type FakeInflux } from '../../sinks/influxdb/fakeInflux.js';
import { startHistoricalApi, type HistoricalApi } from './historicalApi.js';

const nowMs = Date.UTC(2024, 4, 3, 7, 0, 0);
const h = '/api/v1/historical';
const start = 'start=2024-05-03T06:00:00Z';
const requestTimeoutMs = 300;

/** The InfluxQL of a recorded `/query` request. */
const statementOf = (body: string) => new URLSearchParams(body).get('q') ?? '';

describe('the historical routes against an InfluxDB fake', () => {
  let fake: FakeInflux;
  let history: InfluxHistory;
  let api: HistoricalApi;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    fake = await startFakeInflux();
    history = createInfluxHistory(parseInfluxSinkUri(`influxdb:${fake.url}?db=k8s`), { requestTimeoutMs });
    api = await startHistoricalApi({ history, nowMs });
  });
  afterEach(() => {
    release?.();
    release = undefined;
    fake.answer(defaultAnswer);
    fake.requests.length = 0;
  });
  afterAll(async () => {
    await api?.close();
    history?.close();
    await fake?.close();
  });

  const sent = async (path: string) => {
    fake.requests.length = 0;
    const res = await api.get(path);
    expect(fake.requests, path).toHaveLength(1);
    expect(fake.requests[0]!.url).toBe('/query?epoch=ms&db=k8s');
    return { res, statement: statementOf(fake.requests[0]!.body) };
  };

  it.each([
    [`${h}/nodes/n1/metrics/cpu-usage?${start}&end=2024-05-03T06:03:00Z`, `SELECT time, "value" FROM "cpu/usage_rate" WHERE type = 'node' AND nodename = 'n1' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T06:03:00Z'`],
    [`${h}/metrics/memory/usage?${start}`, `SELECT time, "value" FROM "memory/usage" WHERE type = 'cluster' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z'`],
    [`${h}/nodes/n1/metrics/filesystem/usage?${start}&labels=resource_id:/dev/sda1`, `SELECT time, "value" FROM "filesystem/usage" WHERE type = 'node' AND nodename = 'n1' AND "resource_id" = '/dev/sda1' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z'`],
    [`${h}/pod-id/6f1c-77/containers/app/metrics/cpu/usage_rate?start=1500-01-01T00:00:00Z&end=2500-01-01T00:00:00Z`, `SELECT time, "value" FROM "cpu/usage_rate" WHERE type = 'pod_container' AND pod_id = '6f1c-77' AND container_name = 'app' AND time > '1677-09-21T00:12:43.146Z' AND time < '2262-04-11T23:47:16.854Z'`],
    [`${h}/pod-id-list/u1,u2/metrics/memory/usage?${start}`, `SELECT time, "value" FROM "memory/usage" WHERE type = 'pod' AND pod_id = 'u1' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z'; SELECT time, "value" FROM "memory/usage" WHERE type = 'pod' AND pod_id = 'u2' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z'`],
    [`${h}/nodes/n1/freecontainers/kubelet/metrics-aggregated/average,95-perc,count/memory/usage?${start}&bucket=2m`, `SELECT MEAN("value"), PERCENTILE("value", 95), COUNT("value") FROM "memory/usage" WHERE type = 'sys_container' AND container_name = 'kubelet' AND nodename = 'n1' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z' GROUP BY time(120000000u) fill(none)`],
    [`${h}/namespaces/ns/pod-list/a,b/metrics-aggregated/max/memory/usage?${start}`, `SELECT MAX("value") FROM "memory/usage" WHERE type = 'pod' AND namespace_name = 'ns' AND pod_name = 'a' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z'; SELECT MAX("value") FROM "memory/usage" WHERE type = 'pod' AND namespace_name = 'ns' AND pod_name = 'b' AND time > '2024-05-03T06:00:00Z' AND time < '2024-05-03T07:00:00Z'`],
    [`${h}/nodes/`, 'SHOW TAG VALUES WITH KEY = "nodename"'],
    [`${h}/namespaces/ns/pods/`, `SHOW TAG VALUES WITH KEY = "pod_name" WHERE type = 'pod' AND namespace_name = 'ns'`],
    [`${h}/namespaces/ns/pods/p/containers/c/metrics`, `SHOW MEASUREMENTS WHERE type = 'pod_container' AND namespace_name = 'ns' AND pod_name = 'p' AND container_name = 'c'`],
  ])('sends Heapster\'s InfluxQL for %s', async (path, statement) => {
    expect((await sent(path)).statement).toBe(statement);
  });

  it('reads the pod containers list from memory, as Heapster did, without asking InfluxDB', async () => {
    const res = await api.get(`${h}/namespaces/ns/pods/p/containers`);
    expect([res.status, res.json()]).toEqual([200, []]);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [`${h}/metrics/cpu/usage_rate`, 'no start time (or a start time of zero) provided'],
    [`${h}/pod-id/u/metrics/cpu/usage_rate?start=0001-01-01T00:00:00Z`, 'no start time (or a start time of zero) provided'],
    [`${h}/pod-id-list/u/metrics/cpu/usage_rate?end=2024-05-03T06:00:00Z`, 'no start time (or a start time of zero) provided'],
    [`${h}/namespaces/ns/pod-list/a/metrics-aggregated/max/memory/usage`, 'no start time (or a start time of zero) provided'],
    [`${h}/metrics/cpu/usage_rate?start=yesterday`, 'timestamp argument cannot be parsed: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    [`${h}/nodes/n/metrics/filesystem/usage?${start}&labels=resource_id`, 'invalid label pair "resource_id"'],
    [`${h}/metrics-aggregated/mean/cpu/usage_rate?${start}`, 'Unknown aggregation "mean"'],
    [`${h}/metrics-aggregated/max/cpu/usage_rate?${start}&bucket=5y`, 'unable to parse bucket size: "5y" has no known duration suffix'],
    // Heapster's order: time range, bucket, aggregations, labels.
    [`${h}/metrics-aggregated/mean/cpu/usage_rate?bucket=5y`, 'no start time (or a start time of zero) provided'],
    [`${h}/metrics-aggregated/mean/cpu/usage_rate?${start}&bucket=5y`, 'unable to parse bucket size: "5y" has no known duration suffix'],
    [`${h}/pod-id-list/u/metrics-aggregated/mean/cpu/usage_rate?${start}&labels=x`, 'Unknown aggregation "mean"'],
    [`${h}/pod-id-list/u,,v/metrics/cpu/usage_rate?${start}`, 'Invalid pod id ""'],
    [`${h}/nodes/n/freecontainers/system.slice%2Fdocker.service/metrics/cpu/usage_rate?${start}`, '404: Page Not Found'],
  ])('answers %s with a 400 (or 404) before asking InfluxDB: %s', async (path, text) => {
    const res = await api.get(path);
    expect([res.status, res.text]).toEqual([text.startsWith('404') ? 404 : 400, text]);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['an error status', { status: 401, json: { error: 'authorization failed' } }, 'InfluxDB query failed: query: InfluxDB answered 401: authorization failed'],
    ['a failed statement', { status: 200, json: { results: [{ statement_id: 0, error: 'database not found: k8s' }] } }, 'InfluxDB query failed: statement 1: database not found: k8s'],
    ['a layout it does not document', { status: 200, json: { answer: 42 } }, 'InfluxDB query failed: query: the answer has no `results` array'],
  ])('answers %s of InfluxDB with a 500 saying what failed', async (_, answer, text) => {
    fake.answer(() => answer);
    for (const path of [`${h}/nodes/n1/metrics/cpu/usage_rate?${start}`, `${h}/metrics-aggregated/max/cpu/usage_rate?${start}`, `${h}/namespaces`]) {
      const res = await api.get(path);
      expect([res.status, res.text], path).toEqual([500, text]);
    }
  });

  it('answers 500 within the request timeout when InfluxDB never answers, and serves on', async () => {
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.answer(async () => {
      await held;
      return { status: 200, json: { results: [{ statement_id: 0 }] } };
    });
    const began = performance.now();
    const res = await api.get(`${h}/nodes/n1/metrics/cpu/usage_rate?${start}`);
    const tookMs = performance.now() - began;
    expect([res.status, res.text]).toEqual([500, `InfluxDB did not answer: query: no answer within ${requestTimeoutMs} ms`]);
    expect(tookMs).toBeGreaterThanOrEqual(requestTimeoutMs - 10);
    expect(tookMs).toBeLessThan(requestTimeoutMs + 2_000);
    fake.answer(defaultAnswer);
    expect((await api.get(`${h}/nodes`)).status).toBe(200);
  });

  it('answers 500 at once when nothing listens where InfluxDB should be', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dead = createInfluxHistory(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${port}?db=k8s`), { requestTimeoutMs: 10_000 });
    const deadApi = await startHistoricalApi({ history: dead, nowMs });
    try {
      for (const path of [`${h}/nodes/n1/metrics/cpu/usage_rate?${start}`, `${h}/pod-id-list/a,b/metrics-aggregated/max/cpu/usage_rate?${start}`, `${h}/nodes/n1/metrics`]) {
        const res = await deadApi.get(path);
        expect(res.status, path).toBe(500);
        expect(res.text, path).toMatch(new RegExp(`^InfluxDB did not answer: query: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
      }
    } finally {
      await deadApi.close();
      dead.close();
    }
  });
});
