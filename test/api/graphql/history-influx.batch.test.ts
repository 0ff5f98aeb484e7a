/**
 * GraphQL's InfluxDB lookups against an HTTP fake of InfluxDB (no `influxd` needed): every older
 * part of an operation travels in ONE `/query` request, whatever the depth of its fields, with
 * exclusive bounds ending at memory's oldest batch; answers go back to their fields by position;
 * ranges memory holds never reach InfluxDB; and when InfluxDB fails, refuses or hangs, the fields
 * that need it fail with a GraphQL error while every other field answers.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DataBatch } from '../../../src/core/types.js';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { defaultAnswer, startFakeInflux, type FakeInflux, type RecordedRequest } from '../../sinks/influxdb/fakeInflux.js';
import { simBatches } from '../../sinks/influxdb/simBatches.js';
import { startHistoryGraphql, timed, valuesIn, type HistoryGraphql } from './history-influxApi.js';

const requestTimeoutMs = 300;
const batches: DataBatch[] = simBatches({ nodes: 2, podsPerNode: 2, seed: 3, startMs: Date.UTC(2024, 4, 3, 6, 0, 0), stepMs: 1_000, count: 6 });
const t = batches.map((b) => b.timestamp);
/** Memory keeps t3, t4, t5, and answers from t2 + 1 ms on (it has run a whole retention). */
const retentionMs = 3_000;
const memoryStart = t[2]! + 1;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const nodes = [...new Set([...batches[0]!.metricSets.values()].filter((s) => s.labels.type === 'node').map((s) => s.labels.nodename!))].sort();
const containerKey = [...batches[0]!.metricSets.keys()].find((k) => k.includes('/container:') && k.startsWith('namespace:'))!;
const [, namespace, pod, containerName] = /^namespace:([^/]+)\/pod:([^/]+)\/container:(.+)$/.exec(containerKey)!;

const statementsOf = (request: RecordedRequest): string[] => (new URLSearchParams(request.body).get('q') ?? '').split('; ');

/** Answers statement i with one point, 1 ms after its lower bound, of value 1000 + i. */
function numberedAnswer(request: RecordedRequest) {
  if (!request.url.startsWith('/query')) return defaultAnswer(request);
  const results = statementsOf(request).map((statement, i) => {
    const after = Date.parse(/time > '([^']+)'/.exec(statement)![1]!);
    return { statement_id: i, series: [{ name: 'm', columns: ['time', 'value'], values: [[after + 1, 1000 + i]] }] };
  });
  return { status: 200, json: { results } };
}

describe('GraphQL lookups older than memory against an InfluxDB fake', () => {
  let fake: FakeInflux;
  let history: InfluxHistory;
  let api: HistoryGraphql;

  beforeAll(async () => {
    fake = await startFakeInflux();
    history = createInfluxHistory(parseInfluxSinkUri(`influxdb:${fake.url}?db=k8s`), { requestTimeoutMs });
    api = await startHistoryGraphql({ history, inMemory: batches, retentionMs });
  });
  let release: (() => void) | undefined;
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

  const queries = () => fake.requests.filter((r) => r.url.startsWith('/query'));

  it('holds t3–t5 in memory', () => {
    expect(api.store.timestamps()).toEqual(t.slice(3));
    expect(iso(memoryStart)).toMatch(/\.001Z$/);
  });

  it('sends the older parts of every field of an operation, at every depth, as one request, and answers each field from its statement', async () => {
    fake.answer(numberedAnswer);
    const range = `{ start: ${t[0]}, end: ${t[4]} }`;
    const { data, errors } = await api.gql(`query($ns: String!, $pod: String!) {
      cluster { metric(name: "memory/usage", range: ${range}) { points { timestamp value } } }
      nodes { nodes { name metric(name: "cpu/usage_rate", range: ${range}) { points { timestamp value } } } }
      pod(namespace: $ns, name: $pod) { containers { name
        metric(name: "memory/usage", range: ${range}) { points { timestamp value } }
        labeledMetric(name: "filesystem/usage", range: ${range}) { resourceId points { timestamp value } }
        aggregate(name: "memory/usage", range: ${range}) { buckets { count } }
      } }
    }`, { ns: namespace, pod });
    expect(errors).toBeUndefined();
    expect(queries()).toHaveLength(1);
    expect(queries()[0]!.url).toBe('/query?epoch=ms&db=k8s');
    const statements = statementsOf(queries()[0]!);
    const bounds = `time > '${new Date(t[0]! - 1).toISOString()}' AND time < '${iso(memoryStart)}'`;
    const container = `type = 'pod_container' AND namespace_name = '${namespace}' AND pod_name = '${pod}' AND container_name = '${containerName}'`;
    const expectedStatements = [
      `SELECT time, "value" FROM "memory/usage" WHERE type = 'cluster' AND ${bounds}`,
      ...nodes.map((n) => `SELECT time, "value" FROM "cpu/usage_rate" WHERE type = 'node' AND nodename = '${n}' AND ${bounds}`),
      // The container's series and its aggregation are the same lookup: asked once.
      `SELECT time, "value" FROM "memory/usage" WHERE ${container} AND ${bounds}`,
      `SELECT time, "value" FROM "filesystem/usage" WHERE ${container} AND "resource_id" = '/' AND ${bounds}`,
      `SELECT time, "value" FROM "filesystem/usage" WHERE ${container} AND "resource_id" = 'logs' AND ${bounds}`,
    ];
    expect([...statements].sort()).toEqual([...expectedStatements].sort());

    // Each field: InfluxDB's point (1 ms after the lower bound, valued by its statement's position), then memory's.
    const older = (statement: string) => ({ timestamp: t[0]!, value: 1000 + statements.indexOf(statement) });
    const memory = (key: string, metric: string, labels?: Record<string, string>) => valuesIn(batches, key, metric, t[3]!, t[4]!, labels);
    expect(timed(data!.cluster.metric.points)).toEqual([older(expectedStatements[0]!), ...memory('cluster', 'memory/usage')]);
    for (const [i, n] of nodes.entries()) {
      const node = data!.nodes.nodes.find((x: any) => x.name === n);
      expect(timed(node.metric.points)).toEqual([older(expectedStatements[1 + i]!), ...memory(`node:${n}`, 'cpu/usage_rate')]);
    }
    const mine = data!.pod.containers.find((c: any) => c.name === containerName);
    const series = [older(expectedStatements[nodes.length + 1]!), ...memory(containerKey, 'memory/usage')];
    expect(timed(mine.metric.points)).toEqual(series);
    expect(mine.aggregate.buckets).toEqual([{ count: series.length }]);
    expect(mine.labeledMetric.map((s: any) => [s.resourceId, timed(s.points)])).toEqual([
      ['/', [older(expectedStatements[nodes.length + 2]!), ...memory(containerKey, 'filesystem/usage', { resource_id: '/' })]],
      ['logs', [older(expectedStatements[nodes.length + 3]!), ...memory(containerKey, 'filesystem/usage', { resource_id: 'logs' })]],
    ]);
  });

  it('asks InfluxDB once per operation: two operations, two requests', async () => {
    const query = `{ cluster { a: metric(name: "memory/usage", range: { start: ${t[1]} }) { points { value } } b: metric(name: "memory/usage", range: { start: ${t[1]} }) { points { value } } } }`;
    expect((await api.gql(query)).errors).toBeUndefined();
    expect((await api.gql(query)).errors).toBeUndefined();
    expect(queries().map((r) => statementsOf(r).length)).toEqual([1, 1]);
  });

  it('never asks InfluxDB for ranges memory holds, ranges without a start, latest values or metric names', async () => {
    const { data, errors } = await api.gql(`{ cluster {
      inside: metric(name: "memory/usage", range: { start: ${t[3]} }) { points { timestamp value } }
      unbounded: metric(name: "memory/usage", range: { end: ${t[5]} }) { points { timestamp value } }
      whole: metric(name: "memory/usage") { points { timestamp value } }
      last: metric(name: "memory/usage", range: { last: "3s" }) { points { timestamp value } }
      latest(name: "memory/usage") { value }
      metricNames
    } }`);
    expect(errors).toBeUndefined();
    expect(queries()).toHaveLength(0);
    const inMemory = valuesIn(batches, 'cluster', 'memory/usage', t[3]!, t[5]!);
    for (const field of ['inside', 'unbounded', 'whole', 'last']) expect(timed(data!.cluster[field].points), field).toEqual(inMemory);
  });

  it('right after a start, asks InfluxDB for everything before memory\'s oldest batch; with no batch at all, for the whole range', async () => {
    const young = await startHistoryGraphql({ history, inMemory: batches.slice(4), retentionMs: 10_000 });
    const empty = await startHistoryGraphql({ history, inMemory: [], retentionMs: 10_000 });
    try {
      expect((await young.gql(`{ cluster { metric(name: "memory/usage", range: { last: "10s" }) { points { value } } } }`)).errors).toBeUndefined();
      expect((await empty.gql(`{ cluster { metric(name: "memory/usage", range: { start: ${t[0]}, end: ${t[5]} }) { points { value } } } }`)).errors).toBeUndefined();
      expect(queries().map(statementsOf)).toEqual([
        [`SELECT time, "value" FROM "memory/usage" WHERE type = 'cluster' AND time > '${iso(t[5]! - 10_000)}' AND time < '${iso(t[4]!)}'`],
        [`SELECT time, "value" FROM "memory/usage" WHERE type = 'cluster' AND time > '${new Date(t[0]! - 1).toISOString()}' AND time < '${new Date(t[5]! + 1).toISOString()}'`],
      ]);
    } finally {
      await young.close();
      await empty.close();
    }
  });

  it('clamps a start before 1677 to InfluxDB\'s time range', async () => {
    const { errors } = await api.gql(`{ cluster { metric(name: "memory/usage", range: { start: -15000000000000 }) { points { value } } } }`);
    expect(errors).toBeUndefined();
    expect(statementsOf(queries()[0]!)).toEqual([`SELECT time, "value" FROM "memory/usage" WHERE type = 'cluster' AND time > '1677-09-21T00:12:43.146Z' AND time < '${iso(memoryStart)}'`]);
  });

  it('refuses a label value InfluxQL cannot quote on that field alone, without asking InfluxDB', async () => {
    const { data, errors } = await api.gql(`query($ns: String!, $pod: String!) { pod(namespace: $ns, name: $pod) { containers { name
      bad: labeledMetric(name: "filesystem/usage", range: { start: ${t[0]} }, labels: [{ key: "resource_id", value: "C:\\\\data" }]) { points { value } }
      fine: metric(name: "memory/usage", range: { start: ${t[3]} }) { points { value } }
    } } }`, { ns: namespace, pod });
    expect(queries()).toHaveLength(0);
    expect(errors!.length).toBeGreaterThan(0);
    for (const error of errors!) {
      expect([error.message, error.extensions?.code, error.path?.at(-1)]).toEqual(['Invalid label value "C:\\\\data"', 'BAD_USER_INPUT', 'bad']);
    }
    for (const container of data!.pod.containers) expect(container.fine.points.length).toBe(3);
  });

  const mixed = `query($ns: String!, $pod: String!) {
    cluster { older: metric(name: "memory/usage", range: { start: ${t[0]} }) { points { value } } recent: metric(name: "memory/usage", range: { start: ${t[4]} }) { points { timestamp value } } latest(name: "memory/usage") { value } }
    pod(namespace: $ns, name: $pod) { name aggregate(name: "memory/usage", range: { start: ${t[1]} }, bucket: "2s") { buckets { count } } }
  }`;

  /** The cluster's memory-only fields answered, the two fields needing InfluxDB failed with `code` and `message`. */
  async function expectHistoryFailure(code: string, message: RegExp) {
    const response = await api.gql(mixed, { ns: namespace, pod });
    expect(response.status).toBe(200);
    expect(response.data!.cluster.older).toBeNull();
    expect(response.data!.pod.aggregate).toBeNull();
    expect(timed(response.data!.cluster.recent.points)).toEqual(valuesIn(batches, 'cluster', 'memory/usage', t[4]!, t[5]!));
    expect(response.data!.cluster.latest.value).toBe(valuesIn(batches, 'cluster', 'memory/usage', t[5]!, t[5]!)[0]!.value);
    expect(response.data!.pod.name).toBe(pod);
    expect(response.errors!.map((e) => e.path)).toEqual(expect.arrayContaining([['cluster', 'older'], ['pod', 'aggregate']]));
    expect(response.errors).toHaveLength(2);
    for (const error of response.errors!) {
      expect(error.extensions?.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    return response;
  }

  it('fails only the fields that need InfluxDB when it answers an error, saying what failed', async () => {
    const logged = api.logLines.length;
    fake.answer(() => ({ status: 200, json: { results: [{ statement_id: 0, error: 'database not found: k8s' }, { statement_id: 1 }] } }));
    await expectHistoryFailure('HISTORY_FAILED', /^InfluxDB query failed: statement 1: database not found: k8s$/);
    expect(queries()).toHaveLength(1);
    fake.answer(() => ({ status: 401, json: { error: 'authorization failed' } }));
    const response = await expectHistoryFailure('HISTORY_FAILED', /^InfluxDB query failed: query: InfluxDB answered 401: authorization failed$/);
    expect(response.errors![0]!.extensions?.status).toBe(401);
    // Heard of once per failed request, not once per field.
    expect(api.logLines.slice(logged).filter((l) => l.includes('graphql history query failed'))).toHaveLength(2);
  });

  it('fails those fields within the request timeout when InfluxDB never answers', async () => {
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.answer(async () => {
      await held;
      return { status: 200, json: { results: [] } };
    });
    const began = performance.now();
    await expectHistoryFailure('HISTORY_UNAVAILABLE', new RegExp(`^InfluxDB did not answer: query: no answer within ${requestTimeoutMs} ms$`));
    const tookMs = performance.now() - began;
    expect(tookMs).toBeGreaterThanOrEqual(requestTimeoutMs - 10);
    expect(tookMs).toBeLessThan(requestTimeoutMs + 2_000);
  });

  it('fails those fields at once when nothing listens where InfluxDB should be, and serves on', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dead = createInfluxHistory(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${port}?db=k8s`), { requestTimeoutMs: 10_000 });
    const deadApi = await startHistoryGraphql({ history: dead, inMemory: batches, retentionMs });
    const saved = api;
    try {
      api = deadApi;
      const response = await expectHistoryFailure('HISTORY_UNAVAILABLE', new RegExp(`^InfluxDB did not answer: query: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
      expect(response.errors![0]!.extensions?.errno).toBe('ECONNREFUSED');
      const memoryOnly = await deadApi.gql(`{ cluster { metric(name: "memory/usage", range: { last: "3s" }) { points { value } } } }`);
      expect([memoryOnly.errors, memoryOnly.data!.cluster.metric.points.length]).toEqual([undefined, 3]);
    } finally {
      api = saved;
      await deadApi.close();
      dead.close();
    }
  });
});

describe('GraphQL without a historical source', () => {
  it('answers ranges older than memory from memory alone, as before', async () => {
    const api = await startHistoryGraphql({ inMemory: batches, retentionMs });
    try {
      const { data, errors } = await api.gql(`{ cluster {
        metric(name: "memory/usage", range: { start: ${t[0]} }) { points { timestamp value } }
        aggregate(name: "memory/usage", range: { start: ${t[0]} }) { buckets { start count } }
      } }`);
      expect(errors).toBeUndefined();
      expect(timed(data!.cluster.metric.points)).toEqual(valuesIn(batches, 'cluster', 'memory/usage', t[3]!, t[5]!));
      expect(data!.cluster.aggregate.buckets).toEqual([{ start: new Date(t[0]!).toISOString(), count: 3 }]);
    } finally {
      await api.close();
    }
  });
});
