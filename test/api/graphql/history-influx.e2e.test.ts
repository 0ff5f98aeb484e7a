/**
 * End to end: Heapgraph on its embedded simulator with `--sink=influxdb:<url>?db=...`,
 * `--historical_source` naming the same sink, a 3 s model retention and 1 s batches, against a
 * real InfluxDB 1.6. Once several batches have been stored (and the older ones evicted from
 * memory), a GraphQL query over the last 20 s answers every batch it produced, in order: the
 * evicted ones from InfluxDB, the rest from memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlSurface } from '../../../src/api/graphql/index.js';
import { toConfig } from '../../../src/cli/config.js';
import { parseFlags } from '../../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../../src/cli/heapgraph.js';
import { silentLogger } from '../../../src/core/log.js';
import type { DataBatch } from '../../../src/core/types.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { bucketFields, expectedBuckets, timed, valuesIn } from './history-influxApi.js';

requireInfluxdUnderCi();

const batchesWanted = 8;

describe.skipIf(!influxdPath)(withInfluxd('Heapgraph with --historical_source: GraphQL over memory and influxd 1.x'), () => {
  let influxd: Influxd;
  let app: Heapgraph;
  const produced: DataBatch[] = [];

  beforeAll(async () => {
    influxd = await startInfluxd();
    const sink = `influxdb:${influxd.url}?db=gqle2e`;
    const flags = ['--source=sim:?nodes=2&podsPerNode=3&seed=5', '--metric_resolution=1s', '--model_retention=3s', '--heapster_port=0', '--listen_ip=127.0.0.1', `--sink=${sink}`, `--historical_source=${sink}`];
    const result = toConfig(parseFlags(flags));
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
    app = await runHeapgraph(result.config, silentLogger(), { surfaces: [createGraphqlSurface()] });
    // The manager's first tick is a resolution away: listening now sees every batch stored.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${produced.length} batches within 30 s`)), 30_000);
      const unsubscribe = app.feed.onBatch((batch) => {
        produced.push(batch);
        if (produced.length < batchesWanted) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
    // No more batches; every one written is in InfluxDB once the sinks are flushed.
    await app.manager.stop();
    await app.sinks.stop(20_000);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await influxd?.dispose();
  });

  const gql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    expect([response.status, body.errors]).toEqual([200, undefined]);
    return body.data;
  };

  it('keeps only the last three batches in memory', () => {
    const timestamps = app.query.timestamps();
    expect(timestamps).toEqual(produced.slice(-3).map((b) => b.timestamp));
    expect(produced.length).toBeGreaterThanOrEqual(batchesWanted);
  });

  it('answers the last 20 s with every batch produced: series, a labeled filesystem series and an aggregation', async () => {
    const node = app.sim!.cluster.nodes[0]!.name;
    const first = produced[0]!.timestamp;
    const newest = produced.at(-1)!.timestamp;
    expect(newest - first).toBeLessThan(20_000);
    const data = await gql(
      `query($node: String!) {
        cluster { metric(name: "memory/usage", range: { last: "20s" }) { points { timestamp value } } }
        node(name: $node) {
          metric(name: "memory/working_set", range: { last: "20s" }) { points { timestamp value } }
          labeledMetric(name: "filesystem/usage", range: { last: "20s" }) { resourceId points { timestamp value } }
          aggregate(name: "memory/usage", range: { last: "20s" }, bucket: "2s") { ${bucketFields} }
        }
      }`,
      { node },
    );
    const all = (key: string, metric: string, labels?: Record<string, string>) => valuesIn(produced, key, metric, first, newest, labels);
    expect(all('cluster', 'memory/usage')).toHaveLength(produced.length);
    expect(timed(data.cluster.metric.points)).toEqual(all('cluster', 'memory/usage'));
    expect(timed(data.node.metric.points)).toEqual(all(`node:${node}`, 'memory/working_set'));
    expect(data.node.labeledMetric.map((s: any) => [s.resourceId, timed(s.points)])).toEqual([['/', all(`node:${node}`, 'filesystem/usage', { resource_id: '/' })]]);
    expect(data.node.aggregate.buckets).toEqual(expectedBuckets(all(`node:${node}`, 'memory/usage'), 2_000));
  });
});
