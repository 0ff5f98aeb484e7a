/**
 * The `/api/v1/model` tree over real HTTP, on three batches of the v1.26 capture: every route,
 * each alias, the time and label parameters, pod-list order and duplicates, lists after pods
 * came and went, and the error cases. Expected values are computed here from the summaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatGoTime } from '../../../src/api/rest/goTime.js';
import { namespaceAggregatedMetrics } from '../../../src/core/metrics.js';
import { legacySystemContainerNames } from '../../../src/sources/summary/decode.js';
import { comer, fixtureSummaries, hostname, leaver, nodeName, nowMs, startFixtureApi, times, type FixtureApi, type Stats } from './fixtureApi.js';

const summaries = fixtureSummaries();
const newest = summaries[2];
const m = '/api/v1/model';

/** Heapster's integer CPU rate between two stats blocks. */
const cpuRate = (before: Stats, after: Stats) =>
  Math.trunc((1000 * ((after.usageCoreNanoSeconds as number) - (before.usageCoreNanoSeconds as number))) / ((Date.parse(after.time!) - Date.parse(before.time!)) * 1e6));
const point = (timestamp: number, value: number) => ({ timestamp: formatGoTime(timestamp), value });
const result = (points: Array<{ timestamp: string }>) => ({ metrics: points, latestTimestamp: points.length ? points[points.length - 1]!.timestamp : '0001-01-01T00:00:00Z' });
const empty = { metrics: [], latestTimestamp: '0001-01-01T00:00:00Z' };
const findPod = (i: number, ns: string, name: string) => summaries[i]!.pods.find((p) => p.podRef.namespace === ns && p.podRef.name === name);
const sorted = (values: string[]) => [...values].sort();

describe('the /api/v1/model tree on the v1.26 capture', () => {
  let api: FixtureApi;
  beforeAll(async () => {
    api = await startFixtureApi();
  });
  afterAll(async () => api.close());

  describe('lists', () => {
    it('lists nodes by their hostname label (quirk 2), with or without the trailing slash', async () => {
      for (const path of [`${m}/nodes`, `${m}/nodes/`]) expect((await api.get(path)).json()).toEqual([hostname]);
    });

    it('lists the namespaces that have pods in the newest batch', async () => {
      const expected = [...new Set(newest.pods.map((p) => p.podRef.namespace))];
      expect(sorted((await api.get(`${m}/namespaces/`)).json())).toEqual(sorted(expected));
    });

    it('lists pods of the newest batch only: the newcomer is in, the departed pod is out', async () => {
      for (const ns of ['scraper', 'kube-system']) {
        const expected = newest.pods.filter((p) => p.podRef.namespace === ns).map((p) => p.podRef.name);
        expect(sorted((await api.get(`${m}/namespaces/${ns}/pods/`)).json()), ns).toEqual(sorted(expected));
      }
      const scraper: string[] = (await api.get(`${m}/namespaces/scraper/pods`)).json();
      expect(scraper).toContain(comer.name);
      expect(scraper).not.toContain(leaver.name);
      expect((await api.get(`${m}/namespaces/nowhere/pods`)).json()).toEqual([]);
    });

    it('lists the containers of a pod, and none of a departed pod', async () => {
      for (const pod of newest.pods) {
        const path = `${m}/namespaces/${pod.podRef.namespace}/pods/${pod.podRef.name}/containers`;
        expect((await api.get(path)).json()).toEqual(pod.containers.map((c) => c.name));
      }
      expect((await api.get(`${m}/namespaces/${leaver.namespace}/pods/${leaver.name}/containers/`)).json()).toEqual([]);
    });

    it('lists free containers by hostname and none by node name (quirk 2)', async () => {
      const expected = newest.node.systemContainers.map((c) => legacySystemContainerNames.get(c.name) ?? c.name);
      expect(sorted((await api.get(`${m}/nodes/${hostname}/freecontainers/`)).json())).toEqual(sorted(expected));
      expect((await api.get(`${m}/nodes/${nodeName}/freecontainers`)).json()).toEqual([]);
    });

    it('lists every metric-set key of the newest batch', async () => {
      const keys: string[] = (await api.get(`${m}/debug/allkeys`)).json();
      expect(sorted(keys)).toEqual(sorted(api.store.keys()));
      for (const pod of newest.pods) {
        const podKey = `namespace:${pod.podRef.namespace}/pod:${pod.podRef.name}`;
        expect(keys).toContain(podKey);
        for (const c of pod.containers) expect(keys).toContain(`${podKey}/container:${c.name}`);
      }
      expect(keys).toEqual(expect.arrayContaining(['cluster', `node:${nodeName}`, 'namespace:scraper', `node:${nodeName}/container:kubelet`]));
      expect(keys).not.toContain(`namespace:${leaver.namespace}/pod:${leaver.name}`);
    });
  });

  describe('metric-name lists', () => {
    it('gives the cluster its six aggregated metrics', async () => {
      expect((await api.get(`${m}/metrics/`)).json()).toEqual(sorted([...namespaceAggregatedMetrics]));
      expect((await api.get(`${m}/namespaces/scraper/metrics`)).json()).toEqual(sorted([...namespaceAggregatedMetrics]));
    });

    it('lists unlabeled metric names only, for nodes, pods, containers and free containers', async () => {
      const node: string[] = (await api.get(`${m}/nodes/${nodeName}/metrics/`)).json();
      expect(node).toEqual(expect.arrayContaining(['cpu/usage_rate', 'memory/working_set', 'memory/page_faults_rate', 'network/rx_rate', 'cpu/node_utilization']));
      expect(node).toEqual(sorted(node));
      expect(node.some((n) => n.startsWith('filesystem/'))).toBe(false);
      const pod = newest.pods[0]!;
      const podPath = `${m}/namespaces/${pod.podRef.namespace}/pods/${pod.podRef.name}`;
      expect((await api.get(`${podPath}/metrics`)).json()).toEqual(expect.arrayContaining(['cpu/usage_rate', 'memory/working_set', 'network/rx']));
      expect((await api.get(`${podPath}/containers/${pod.containers[0]!.name}/metrics`)).json()).toEqual(expect.arrayContaining(['cpu/usage', 'memory/working_set']));
      expect((await api.get(`${m}/nodes/${nodeName}/freecontainers/kubelet/metrics/`)).json()).toEqual(expect.arrayContaining(['cpu/usage_rate', 'memory/working_set']));
    });

    it('keeps listing a departed pod\'s metrics while they are retained, and [] for unknown entities', async () => {
      expect((await api.get(`${m}/namespaces/${leaver.namespace}/pods/${leaver.name}/metrics`)).json()).toContain('memory/working_set');
      expect((await api.get(`${m}/nodes/nowhere/metrics`)).json()).toEqual([]);
    });
  });

  describe('metric routes', () => {
    it('returns every retained point of a node metric, pretty-printed with one space', async () => {
      const res = await api.get(`${m}/nodes/${nodeName}/metrics/memory/working_set`);
      const expected = result(summaries.map((s, i) => point(times[i]!, s.node.memory.workingSetBytes as number)));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.json()).toEqual(expected);
      expect(res.text).toBe(`${JSON.stringify(expected, null, 1)}\n`);
    });

    it('serves each deprecated alias as its canonical metric', async () => {
      const aliases: Array<[string, string, string]> = [
        ['cpu-usage', 'cpu/usage_rate', `${m}/nodes/${nodeName}/metrics/`],
        ['memory-working', 'memory/working_set', `${m}/nodes/${nodeName}/metrics/`],
        ['memory-usage', 'memory/usage', `${m}/namespaces/scraper/metrics/`],
        ['cpu-limit', 'cpu/limit', `${m}/metrics/`],
        ['memory-limit', 'memory/limit', `${m}/metrics/`],
      ];
      for (const [alias, name, base] of aliases) {
        const viaAlias = (await api.get(`${base}${alias}`)).json();
        expect(viaAlias, alias).toEqual((await api.get(`${base}${name}`)).json());
        expect(viaAlias.metrics.length, alias).toBeGreaterThan(0);
      }
      const rates = summaries.slice(1).map((s, i) => point(times[i + 1]!, cpuRate(summaries[i]!.node.cpu, s.node.cpu)));
      expect((await api.get(`${m}/nodes/${nodeName}/metrics/cpu-usage`)).json()).toEqual(result(rates));
    });

    it('sums pod memory into namespaces and the cluster', async () => {
      const usage = (i: number, ns?: string) => summaries[i]!.pods.filter((p) => ns === undefined || p.podRef.namespace === ns).reduce((t, p) => t + (p.memory!.usageBytes as number), 0);
      expect((await api.get(`${m}/namespaces/scraper/metrics/memory-usage`)).json()).toEqual(result(times.map((t, i) => point(t, usage(i, 'scraper')))));
      expect((await api.get(`${m}/metrics/memory/usage/`)).json()).toEqual(result(times.map((t, i) => point(t, usage(i)))));
    });

    it('returns pod, container and free-container series, the free container keyed by node name', async () => {
      const pod = newest.pods.find((p) => p.podRef.name === comer.name)!;
      const podPath = `${m}/namespaces/${comer.namespace}/pods/${comer.name}`;
      // The newcomer has points from the second batch on, and a rate only from the third.
      expect((await api.get(`${podPath}/metrics/memory/working_set`)).json()).toEqual(
        result([1, 2].map((i) => point(times[i]!, findPod(i, comer.namespace, comer.name)!.memory!.workingSetBytes as number))),
      );
      expect((await api.get(`${podPath}/metrics/cpu/usage_rate`)).json()).toEqual(
        result([point(times[2], cpuRate(findPod(1, comer.namespace, comer.name)!.cpu!, pod.cpu!))]),
      );
      const c = pod.containers[0]!;
      expect((await api.get(`${podPath}/containers/${c.name}/metrics/memory-working`)).json()).toEqual(
        result([1, 2].map((i) => point(times[i]!, findPod(i, comer.namespace, comer.name)!.containers[0]!.memory!.workingSetBytes as number))),
      );
      const kubelet = (i: number) => summaries[i]!.node.systemContainers.find((s) => s.name === 'kubelet')!;
      expect((await api.get(`${m}/nodes/${nodeName}/freecontainers/kubelet/metrics/memory/working_set`)).json()).toEqual(
        result(times.map((t, i) => point(t, kubelet(i).memory!.workingSetBytes as number))),
      );
      expect((await api.get(`${m}/nodes/${hostname}/freecontainers/kubelet/metrics/memory/working_set`)).json()).toEqual(empty);
    });

    it('keeps a departed pod\'s retained points', async () => {
      const path = `${m}/namespaces/${leaver.namespace}/pods/${leaver.name}/metrics/memory/working_set`;
      expect((await api.get(path)).json()).toEqual(result([0, 1].map((i) => point(times[i]!, findPod(i, leaver.namespace, leaver.name)!.memory!.workingSetBytes as number))));
    });

    it('gives float metrics an integer value and the exact floatValue', async () => {
      const body = (await api.get(`${m}/nodes/${nodeName}/metrics/memory/page_faults_rate`)).json();
      expect(body.metrics).toHaveLength(2);
      body.metrics.forEach((p: { value: number; floatValue: number }, i: number) => {
        const [before, after] = [summaries[i]!.node.memory, summaries[i + 1]!.node.memory];
        const rate = ((after.pageFaults as number) - (before.pageFaults as number)) / ((Date.parse(after.time!) - Date.parse(before.time!)) / 1000);
        expect(p.floatValue).toBeCloseTo(rate, 9);
        expect(p.value).toBe(Math.trunc(rate));
      });
      const utilisation = (await api.get(`${m}/nodes/${nodeName}/metrics/cpu/node_utilization`)).json();
      // A ratio below 1 keeps value 0 (Heapster's quirk 1); floatValue carries it.
      expect(utilisation.metrics.every((p: { value: number; floatValue: number }) => p.value === 0 && p.floatValue >= 0 && p.floatValue < 1)).toBe(true);
      expect(utilisation.metrics.at(-1).floatValue).toBeGreaterThan(0);
    });

    it('bounds the range inclusively with start and end', async () => {
      const path = `${m}/nodes/${nodeName}/metrics/memory/working_set`;
      const at = (i: number) => point(times[i]!, summaries[i]!.node.memory.workingSetBytes as number);
      const iso = (i: number) => new Date(times[i]!).toISOString();
      expect((await api.get(`${path}?start=${iso(1)}`)).json()).toEqual(result([at(1), at(2)]));
      expect((await api.get(`${path}?end=${iso(1)}`)).json()).toEqual(result([at(0), at(1)]));
      expect((await api.get(`${path}?start=${iso(1)}&end=${iso(1)}`)).json()).toEqual(result([at(1)]));
      expect((await api.get(`${path}?start=2022-12-28T00:35:00%2B01:00`)).json()).toEqual(result([at(2)]));
      expect((await api.get(`${path}?start=${new Date(nowMs).toISOString()}`)).json()).toEqual(empty);
    });

    it('looks labeled metrics up by their exact label set', async () => {
      const path = `${m}/nodes/${nodeName}/metrics/filesystem/usage`;
      expect((await api.get(`${path}?labels=resource_id:/`)).json()).toEqual(result(times.map((t, i) => point(t, summaries[i]!.node.fs!.usedBytes as number))));
      expect((await api.get(path)).json()).toEqual(empty);
      expect((await api.get(`${path}?labels=resource_id:/,extra:x`)).json()).toEqual(empty);
      const volume = newest.pods[0]!;
      const volumePath = `${m}/namespaces/${volume.podRef.namespace}/pods/${volume.podRef.name}/metrics/filesystem/usage`;
      const name = (volume as unknown as { volume: Array<{ name: string; usedBytes: number }> }).volume[0]!;
      expect((await api.get(`${volumePath}?labels=${encodeURIComponent(`resource_id:Volume:${name.name}`)}`)).json().metrics.at(-1).value).toBe(name.usedBytes);
    });

    it('answers unknown entities and metrics with an empty result, never 404', async () => {
      for (const path of [`${m}/nodes/nowhere/metrics/cpu/usage_rate`, `${m}/metrics/no/such/metric`, `${m}/namespaces/a/pods/b/containers/c/metrics/memory/usage`]) {
        const res = await api.get(path);
        expect(res.status, path).toBe(200);
        expect(res.json(), path).toEqual(empty);
      }
    });
  });

  describe('pod lists', () => {
    it('answers one compact item per listed pod, in order, duplicates and unknown pods included', async () => {
      const names = [leaver.name, comer.name, 'nobody', comer.name];
      const res = await api.get(`${m}/namespaces/scraper/pod-list/${names.join(',')}/metrics/memory-working`);
      const body = res.json();
      expect(res.text).toBe(`${JSON.stringify(body)}\n`);
      const series = (name: string) =>
        result([0, 1, 2].flatMap((i) => {
          const pod = findPod(i, 'scraper', name);
          return pod ? [point(times[i]!, pod.memory!.workingSetBytes as number)] : [];
        }));
      expect(body).toEqual({ items: [series(leaver.name), series(comer.name), empty, series(comer.name)] });
    });

    it('applies start, end and labels to every listed pod', async () => {
      const pods = newest.pods.filter((p) => p.podRef.namespace === 'scraper').slice(0, 2);
      const iso = new Date(times[2]).toISOString();
      const body = (await api.get(`${m}/namespaces/scraper/pod-list/${pods.map((p) => p.podRef.name).join(',')}/metrics/memory/working_set?start=${iso}`)).json();
      expect(body.items).toEqual(pods.map((p) => result([point(times[2], p.memory!.workingSetBytes as number)])));
    });
  });

  describe('errors', () => {
    it.each([
      ['start=yesterday', 'timestamp argument cannot be parsed: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
      ['end=2016-09-14T10:00:00', 'timestamp argument cannot be parsed: parsing time "2016-09-14T10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
      ['labels=resource_id', 'invalid label pair "resource_id"'],
      ['labels=abc:', 'invalid label pair "abc:"'],
    ])('answers %s with a plain-text 400 on single and pod-list routes', async (params, message) => {
      for (const path of [`${m}/nodes/${nodeName}/metrics/filesystem/usage?${params}`, `${m}/namespaces/scraper/pod-list/a,b/metrics/memory/usage?${params}`]) {
        const res = await api.get(path);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(res.text).toBe(message);
      }
    });

    it('checks the time range before the labels, as Heapster did', async () => {
      const res = await api.get(`${m}/metrics/memory/usage?labels=bad&start=bad`);
      expect(res.text).toMatch(/^timestamp argument cannot be parsed/);
    });
  });
});
