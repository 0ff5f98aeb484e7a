import { describe, expect, it } from 'vitest';
import { clusterKey, namespaceKey, nodeKey, podContainerKey, podKey, systemContainerKey, workloadKey } from '../../../src/core/keys.js';
import { InfluxError } from '../../../src/sinks/influxdb/errors.js';
import {
  aggregateStatement,
  historicalKeyFromModelKey,
  historicalKeyString,
  influxTime,
  keyPredicate,
  rawStatement,
  requireSeries,
} from '../../../src/sinks/influxdb/historyQuery.js';
import type { HistoricalKey } from '../../../src/sinks/influxdb/historyTypes.js';

const start = Date.parse('2016-09-14T10:00:00Z');
const end = Date.parse('2016-09-14T11:00:00Z');

function thrown(f: () => unknown): InfluxError {
  try {
    f();
  } catch (error) {
    if (error instanceof InfluxError) return error;
    throw error;
  }
  throw new Error('nothing thrown');
}

describe('historical InfluxQL', () => {
  it.each<[HistoricalKey, string]>([
    [{ kind: 'cluster' }, "type = 'cluster'"],
    [{ kind: 'node', node: 'n1' }, "type = 'node' AND nodename = 'n1'"],
    [{ kind: 'systemContainer', node: 'n1', container: 'kubelet' }, "type = 'sys_container' AND container_name = 'kubelet' AND nodename = 'n1'"],
    [{ kind: 'namespace', namespace: 'cheese' }, "type = 'ns' AND namespace_name = 'cheese'"],
    [{ kind: 'pod', namespace: 'cheese', pod: 'cheddar' }, "type = 'pod' AND namespace_name = 'cheese' AND pod_name = 'cheddar'"],
    [{ kind: 'podUid', podId: 'aa-bb' }, "type = 'pod' AND pod_id = 'aa-bb'"],
    [{ kind: 'podContainer', namespace: 'cheese', pod: 'cheddar', container: 'whey' }, "type = 'pod_container' AND namespace_name = 'cheese' AND pod_name = 'cheddar' AND container_name = 'whey'"],
    [{ kind: 'podUidContainer', podId: 'aa-bb', container: 'whey' }, "type = 'pod_container' AND pod_id = 'aa-bb' AND container_name = 'whey'"],
    [{ kind: 'workload', namespace: 'shop', workloadKind: 'Deployment', workload: 'web' }, "type = 'workload' AND namespace_name = 'shop' AND workload_kind = 'Deployment' AND workload_name = 'web'"],
  ])("selects %j with Heapster's predicate", (key, predicate) => {
    expect(keyPredicate(key)).toBe(predicate);
  });

  it('writes one raw statement per lookup with exclusive bounds', () => {
    expect(rawStatement({ key: { kind: 'node', node: 'n1' }, metric: 'cpu/usage_rate', startMs: start, endMs: end }, false)).toBe(
      `SELECT time, "value" FROM "cpu/usage_rate" WHERE type = 'node' AND nodename = 'n1' AND time > '2016-09-14T10:00:00Z' AND time < '2016-09-14T11:00:00Z'`,
    );
    expect(rawStatement({ key: { kind: 'cluster' }, metric: 'memory/usage' }, false)).toBe(`SELECT time, "value" FROM "memory/usage" WHERE type = 'cluster'`);
  });

  it('adds label predicates in key order and keeps milliseconds of the bounds', () => {
    const statement = rawStatement({ key: { kind: 'node', node: 'n1' }, metric: 'filesystem/usage', labels: { resource_id: '/', other: 'v2.3:4' }, startMs: start + 250 }, false);
    expect(statement).toBe(`SELECT time, "value" FROM "filesystem/usage" WHERE type = 'node' AND nodename = 'n1' AND "other" = 'v2.3:4' AND "resource_id" = '/' AND time > '2016-09-14T10:00:00.250Z'`);
  });

  it('reads measurement and field from the metric name with withfields', () => {
    expect(rawStatement({ key: { kind: 'cluster' }, metric: 'cpu/usage_rate' }, true)).toBe(`SELECT time, "usage_rate" FROM "cpu" WHERE type = 'cluster'`);
    expect(rawStatement({ key: { kind: 'cluster' }, metric: 'uptime' }, true)).toBe(`SELECT time, "value" FROM "uptime" WHERE type = 'cluster'`);
    expect(rawStatement({ key: { kind: 'cluster' }, metric: 'custom/a/b' }, true)).toBe(`SELECT time, "a/b" FROM "custom" WHERE type = 'cluster'`);
  });

  it("writes Heapster's aggregation statement with buckets in microseconds and fill(none)", () => {
    const statement = aggregateStatement({
      key: { kind: 'node', node: 'n1' },
      metric: 'cpu/usage_rate',
      aggregations: ['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'],
      startMs: start,
      endMs: end,
      bucketMs: 300_000,
      withFields: false,
    });
    expect(statement).toBe(
      `SELECT MEAN("value"), MAX("value"), MIN("value"), MEDIAN("value"), COUNT("value"), PERCENTILE("value", 50), PERCENTILE("value", 95), PERCENTILE("value", 99) FROM "cpu/usage_rate" WHERE type = 'node' AND nodename = 'n1' AND time > '2016-09-14T10:00:00Z' AND time < '2016-09-14T11:00:00Z' GROUP BY time(300000000u) fill(none)`,
    );
  });

  it('bounds a bucketed aggregation without bounds by now() and leaves an unbucketed one ungrouped', () => {
    const common = { key: { kind: 'cluster' } as const, metric: 'memory/usage', aggregations: ['max'] as const, withFields: false };
    expect(aggregateStatement({ ...common, bucketMs: 60_000 })).toBe(`SELECT MAX("value") FROM "memory/usage" WHERE type = 'cluster' AND time < now() GROUP BY time(60000000u) fill(none)`);
    expect(aggregateStatement({ ...common, startMs: start })).toBe(`SELECT MAX("value") FROM "memory/usage" WHERE type = 'cluster' AND time > '2016-09-14T10:00:00Z'`);
  });

  it.each<[string, () => unknown, string]>([
    ['a quote in a node name', () => keyPredicateChecked({ kind: 'node', node: "n1' OR 1=1 --" }), `Invalid node name "n1' OR 1=1 --"`],
    ['a slash in a container name', () => keyPredicateChecked({ kind: 'systemContainer', node: 'n1', container: 'system.slice/docker' }), 'Invalid container name "system.slice/docker"'],
    ['a space in a namespace', () => keyPredicateChecked({ kind: 'namespace', namespace: 'a b' }), 'Invalid namespace name "a b"'],
    ['an empty pod name', () => keyPredicateChecked({ kind: 'pod', namespace: 'a', pod: '' }), 'Invalid pod name ""'],
    ['a semicolon in a pod id', () => keyPredicateChecked({ kind: 'podUid', podId: 'x;DROP' }), 'Invalid pod id "x;DROP"'],
    ['a quote in a metric name', () => rawStatement({ key: { kind: 'cluster' }, metric: 'cpu" FROM x' }, false), 'Invalid metric name "cpu\\" FROM x"'],
    ['a space in a label name', () => rawStatement({ key: { kind: 'cluster' }, metric: 'filesystem/usage', labels: { 'resource id': '/' } }, false), 'Invalid label name "resource id"'],
    ["a ' in a label value", () => rawStatement({ key: { kind: 'cluster' }, metric: 'filesystem/usage', labels: { resource_id: "x' OR '1'='1" } }, false), `Invalid label value "x' OR '1'='1"`],
    ['a " in a label value', () => rawStatement({ key: { kind: 'cluster' }, metric: 'filesystem/usage', labels: { resource_id: 'x"' } }, false), 'Invalid label value "x\\""'],
    ['a control character in a label value', () => rawStatement({ key: { kind: 'cluster' }, metric: 'filesystem/usage', labels: { resource_id: 'a\u0007' } }, false), 'Invalid label value "a\\u0007"'],
    ['an unknown aggregation', () => aggregateStatement({ key: { kind: 'cluster' }, metric: 'm', aggregations: ['sum' as 'max'], withFields: false }), 'Unknown aggregation "sum"'],
  ])('refuses %s with an invalid_input error', (_case, run, message) => {
    const error = thrown(run);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(message);
  });

  it('accepts printable label values with spaces, colons and non-ASCII letters', () => {
    expect(rawStatement({ key: { kind: 'cluster' }, metric: 'filesystem/usage', labels: { resource_id: 'Volume:données 1' } }, false)).toContain(`"resource_id" = 'Volume:données 1'`);
  });

  it("prints keys as Heapster's messages did and reports a key without points as Heapster's 500", () => {
    expect(historicalKeyString({ kind: 'pod', namespace: 'cheese', pod: 'cheddar' })).toBe('(pod)ns:cheese/pod:cheddar');
    expect(historicalKeyString({ kind: 'podUidContainer', podId: 'u1', container: 'c' })).toBe('(pod_container)poduid:u1/container:c');
    expect(historicalKeyString({ kind: 'cluster' })).toBe('(cluster)[cluster]');
    const keys: HistoricalKey[] = [{ kind: 'node', node: 'n1' }, { kind: 'node', node: 'n2' }];
    const error = thrown(() => requireSeries('cpu/usage_rate', keys, [{ valueType: 'int64', points: [{ timestamp: 1, value: 2 }] }, { valueType: 'float', points: [] }]));
    expect(error.code).toBe('no_results');
    expect(error.message).toBe('No results for metric "cpu/usage_rate" describing "(node)node:n2"');
  });

  it('turns every model-store key into its historical key', () => {
    expect(historicalKeyFromModelKey(clusterKey())).toEqual({ kind: 'cluster' });
    expect(historicalKeyFromModelKey(nodeKey('n1'))).toEqual({ kind: 'node', node: 'n1' });
    expect(historicalKeyFromModelKey(namespaceKey('kube-system'))).toEqual({ kind: 'namespace', namespace: 'kube-system' });
    expect(historicalKeyFromModelKey(podKey('a', 'p-1'))).toEqual({ kind: 'pod', namespace: 'a', pod: 'p-1' });
    expect(historicalKeyFromModelKey(podContainerKey('a', 'p-1', 'c'))).toEqual({ kind: 'podContainer', namespace: 'a', pod: 'p-1', container: 'c' });
    expect(historicalKeyFromModelKey(systemContainerKey('n1', 'system.slice/docker.service'))).toEqual({ kind: 'systemContainer', node: 'n1', container: 'system.slice/docker.service' });
    expect(historicalKeyFromModelKey(workloadKey('a', 'StatefulSet', 'db'))).toEqual({ kind: 'workload', namespace: 'a', workloadKind: 'StatefulSet', workload: 'db' });
    expect(historicalKeyFromModelKey('namespace:a/gadget:x')).toBeUndefined();
  });

  it('prints whole seconds as Heapster did and keeps milliseconds otherwise', () => {
    expect(influxTime(start)).toBe('2016-09-14T10:00:00Z');
    expect(influxTime(start + 1)).toBe('2016-09-14T10:00:00.001Z');
  });
});

/** The predicate after the same checks the statements run. */
function keyPredicateChecked(key: HistoricalKey): string {
  return rawStatement({ key, metric: 'uptime' }, false);
}
