/**
 * End to end: Heapgraph run on its embedded simulator with `--sink=influxdb:<url>?db=...` and
 * `--historical_source` naming the same sink, against a real InfluxDB 1.6. Once its batches are
 * flushed, `/api/v1/historical` answers the same points, pod-UID lookups and bucketed
 * aggregations as `/api/v1/model` does for the same entities and range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestSurface } from '../../../src/api/rest/index.js';
import { toConfig } from '../../../src/cli/config.js';
import { parseFlags } from '../../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../../src/cli/heapgraph.js';
import { silentLogger } from '../../../src/core/log.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { rawGet } from './fixtureApi.js';

requireInfluxdUnderCi();

const batchesWanted = 5;

describe.skipIf(!influxdPath)(withInfluxd('Heapgraph with --historical_source against influxd 1.x'), () => {
  let influxd: Influxd;
  let app: Heapgraph;
  let start: string;

  const json = async (path: string) => {
    const res = await rawGet(`${app.url}${path}`);
    expect([res.status, res.status === 200 ? '' : res.text], path).toEqual([200, '']);
    return res.json();
  };

  beforeAll(async () => {
    influxd = await startInfluxd();
    const sink = `influxdb:${influxd.url}?db=e2e`;
    const result = toConfig(
      parseFlags(['--source=sim:?nodes=2&podsPerNode=3&seed=5', '--metric_resolution=1s', '--heapster_port=0', '--listen_ip=127.0.0.1', `--sink=${sink}`, `--historical_source=${sink}`]),
    );
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
    app = await runHeapgraph(result.config, silentLogger(), { surfaces: [createRestSurface()] });
    const deadline = Date.now() + 30_000;
    while (app.query.timestamps().length < batchesWanted) {
      if (Date.now() > deadline) throw new Error('no batches within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100)); // waits for another component's real timer
    }
    // No more batches; every one written is in InfluxDB once the sinks are flushed.
    await app.manager.stop();
    await app.sinks.stop(20_000);
    // Half a second before the first batch: inside the model's inclusive range and InfluxDB's exclusive one.
    start = new Date(app.query.timestamps()[0]! - 500).toISOString();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await influxd?.dispose();
  });

  it('is mounted by --historical_source and lists the simulated nodes from InfluxDB', async () => {
    expect(await json('/api/v1/historical/nodes')).toEqual(app.sim!.cluster.nodes.map((n) => n.name).sort());
    const namespaces: string[] = await json('/api/v1/historical/namespaces');
    expect(namespaces).toEqual(expect.arrayContaining(app.query.namespaces().map((n) => n.labels.namespace_name!)));
  });

  it('answers the points the model API has for the same node, pod and container over the same range', async () => {
    const node = app.sim!.cluster.nodes[0]!.name;
    const pod = app.query.pods().find((p) => app.query.containers(p.labels.namespace_name!, p.labels.pod_name!).length > 0)!;
    const [ns, name] = [pod.labels.namespace_name!, pod.labels.pod_name!];
    const container = app.query.containers(ns, name)[0]!.labels.container_name!;
    const paths = [
      `/metrics/cpu/usage_rate`,
      `/nodes/${node}/metrics/cpu/usage_rate`,
      `/nodes/${node}/metrics/memory-working`,
      `/namespaces/${ns}/metrics/memory/usage`,
      `/namespaces/${ns}/pods/${name}/metrics/memory/usage`,
      `/namespaces/${ns}/pods/${name}/containers/${container}/metrics/cpu/usage_rate`,
      `/nodes/${node}/freecontainers/kubelet/metrics/memory/usage`,
    ];
    for (const path of paths) {
      const model = await json(`/api/v1/model${path}?start=${start}`);
      // Rates start with the second batch.
      expect(model.metrics.length, path).toBeGreaterThanOrEqual(app.query.timestamps().length - 1);
      expect(await json(`/api/v1/historical${path}?start=${start}`), path).toEqual(model);
    }
  });

  it('finds a pod and its container by UID through the pod_id tag the sink wrote', async () => {
    const pod = app.query.pods().find((p) => p.labels.pod_id && app.query.containers(p.labels.namespace_name!, p.labels.pod_name!).length > 0)!;
    const [ns, name, uid] = [pod.labels.namespace_name!, pod.labels.pod_name!, pod.labels.pod_id!];
    const container = app.query.containers(ns, name)[0]!.labels.container_name!;
    const byName = await json(`/api/v1/model/namespaces/${ns}/pods/${name}/metrics/memory/usage?start=${start}`);
    expect(await json(`/api/v1/historical/pod-id/${uid}/metrics/memory/usage?start=${start}`)).toEqual(byName);
    expect(await json(`/api/v1/historical/pod-id-list/${uid},${uid}/metrics/memory/usage?start=${start}`)).toEqual({ items: [byName, byName] });
    expect(await json(`/api/v1/historical/pod-id/${uid}/containers/${container}/metrics/cpu/usage_rate?start=${start}`)).toEqual(
      await json(`/api/v1/model/namespaces/${ns}/pods/${name}/containers/${container}/metrics/cpu/usage_rate?start=${start}`),
    );
  });

  it('aggregates into the same buckets with the same values as the model aggregations', async () => {
    const node = app.sim!.cluster.nodes[1]!.name;
    const tail = `metrics-aggregated/max,min,count,median,95-perc/cpu/usage_rate?start=${start}&bucket=2s`;
    for (const prefix of ['', `/nodes/${node}`]) {
      const model = await json(`/api/v1/model${prefix}/${tail}`);
      expect(model.buckets.length, prefix).toBeGreaterThanOrEqual(2);
      expect(await json(`/api/v1/historical${prefix}/${tail}`), prefix).toEqual(model);
    }
    const model = await json(`/api/v1/model/nodes/${node}/metrics-aggregated/average/memory/usage?start=${start}&bucket=2s`);
    const historical = await json(`/api/v1/historical/nodes/${node}/metrics-aggregated/average/memory/usage?start=${start}&bucket=2s`);
    expect(historical.buckets.map((b: { timestamp: string }) => b.timestamp)).toEqual(model.buckets.map((b: { timestamp: string }) => b.timestamp));
    historical.buckets.forEach((b: { average: { floatValue?: number; intValue?: number } }, i: number) => {
      const expected = model.buckets[i].average;
      expect(b.average.floatValue ?? b.average.intValue).toBeCloseTo(expected.floatValue ?? expected.intValue, 6);
    });
  });
});
