/**
 * The `metrics-aggregated` routes over real HTTP on three batches of the v1.26 capture:
 * every entity kind, buckets, the JSON of Heapster's `MetricAggregationResult`, and the errors.
 * Expected statistics are computed here with InfluxDB's definitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatGoTime } from '../../../src/api/rest/goTime.js';
import { comer, fixtureSummaries, leaver, nodeName, startFixtureApi, times, type FixtureApi, type Stats } from './fixtureApi.js';

const summaries = fixtureSummaries();
const m = '/api/v1/model';

/** InfluxDB MEAN, MAX, MIN, MEDIAN, PERCENTILE (nearest rank) over values. */
function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const percentile = (p: number) => s[Math.min(n - 1, Math.max(0, Math.floor((n * p) / 100 + 0.5) - 1))]!;
  return {
    average: s.reduce((a, b) => a + b, 0) / n,
    maximum: s[n - 1]!,
    minimum: s[0]!,
    median: n % 2 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2,
    p50: percentile(50),
    p95: percentile(95),
    p99: percentile(99),
  };
}
const typed = (v: number, asInt: boolean) => (asInt ? { intValue: v } : { floatValue: v });

/** The bucket JSON for all eight aggregations over one bucket's values. */
function allBucket(timestamp: number, values: number[], intColumns = values.every(Number.isInteger)) {
  const s = stats(values);
  const as = (v: number) => typed(v, intColumns && Number.isInteger(v));
  return {
    timestamp: formatGoTime(timestamp),
    count: values.length,
    average: as(s.average),
    maximum: as(s.maximum),
    minimum: as(s.minimum),
    median: as(s.median),
    percentiles: { '50': as(s.p50), '95': as(s.p95), '99': as(s.p99) },
  };
}

const all = 'average,max,min,median,count,50-perc,95-perc,99-perc';
const workingSets = (select: (i: number) => { memory?: Stats } | undefined) =>
  [0, 1, 2].flatMap((i) => {
    const v = select(i)?.memory?.workingSetBytes;
    return typeof v === 'number' ? [v] : [];
  });

describe('metrics-aggregated routes on the v1.26 capture', () => {
  let api: FixtureApi;
  beforeAll(async () => {
    api = await startFixtureApi();
  });
  afterAll(async () => api.close());

  it('aggregates a node series into one bucket starting at its first point, bucketSize 0', async () => {
    const values = workingSets((i) => summaries[i]!.node);
    const res = await api.get(`${m}/nodes/${nodeName}/metrics-aggregated/${all}/memory/working_set`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ buckets: [allBucket(times[0], values)], bucketSize: 0 });
    expect(res.text).toBe(`${JSON.stringify(res.json(), null, 1)}\n`);
  });

  it('starts the single bucket at start when one is given', async () => {
    const values = workingSets((i) => summaries[i]!.node).slice(1);
    const body = (await api.get(`${m}/nodes/${nodeName}/metrics-aggregated/max,count/memory-working?start=2022-12-27T23:33:30Z`)).json();
    expect(body).toEqual({ buckets: [{ timestamp: '2022-12-27T23:33:30Z', count: 2, maximum: { intValue: Math.max(...values) } }], bucketSize: 0 });
  });

  it('groups points into epoch-aligned buckets and reports the bucket size in nanoseconds', async () => {
    const values = workingSets((i) => summaries[i]!.node);
    const twoMinutes = 120_000;
    const body = (await api.get(`${m}/nodes/${nodeName}/metrics-aggregated/max,min/memory/working_set?bucket=2m`)).json();
    const groups = new Map<number, number[]>();
    times.forEach((t, i) => {
      const start = Math.floor(t / twoMinutes) * twoMinutes;
      groups.set(start, [...(groups.get(start) ?? []), values[i]!]);
    });
    expect(body).toEqual({
      buckets: [...groups].map(([start, v]) => ({ timestamp: formatGoTime(start), maximum: { intValue: Math.max(...v) }, minimum: { intValue: Math.min(...v) } })),
      bucketSize: twoMinutes * 1e6,
    });
    expect(body.buckets).toHaveLength(2);
    const perMinute = (await api.get(`${m}/nodes/${nodeName}/metrics-aggregated/count/memory/working_set?bucket=60s`)).json();
    expect(perMinute).toEqual({ buckets: times.map((t) => ({ timestamp: formatGoTime(t), count: 1 })), bucketSize: 60e9 });
  });

  it('types a column of float results as floatValue', async () => {
    const rates = [1, 2].map((i) => {
      const [a, b] = [summaries[i - 1]!.node.memory, summaries[i]!.node.memory];
      return ((b.pageFaults as number) - (a.pageFaults as number)) / ((Date.parse(b.time!) - Date.parse(a.time!)) / 1000);
    });
    const body = (await api.get(`${m}/nodes/${nodeName}/metrics-aggregated/average,max/memory/page_faults_rate`)).json();
    expect(body.buckets).toHaveLength(1);
    expect(body.buckets[0].average.floatValue).toBeCloseTo(stats(rates).average, 9);
    expect(body.buckets[0].maximum.floatValue).toBeCloseTo(stats(rates).maximum, 9);
    expect(body.buckets[0].count).toBeUndefined();
  });

  it('answers the cluster, namespace, pod, container and free-container routes from their own series', async () => {
    const usage = (ns?: string) => [0, 1, 2].map((i) => summaries[i]!.pods.filter((p) => !ns || p.podRef.namespace === ns).reduce((t, p) => t + (p.memory!.usageBytes as number), 0));
    const pod = (i: number) => summaries[i]!.pods.find((p) => p.podRef.name === comer.name);
    const cases: Array<[string, number[], number]> = [
      [`${m}/metrics-aggregated/${all}/memory/usage`, usage(), times[0]],
      [`${m}/namespaces/kube-system/metrics-aggregated/${all}/memory-usage`, usage('kube-system'), times[0]],
      [`${m}/namespaces/scraper/pods/${comer.name}/metrics-aggregated/${all}/memory/working_set`, workingSets(pod), times[1]],
      [`${m}/namespaces/scraper/pods/${comer.name}/containers/busybox/metrics-aggregated/${all}/memory/working_set`, workingSets((i) => pod(i)?.containers[0]), times[1]],
      [`${m}/nodes/${nodeName}/freecontainers/kubelet/metrics-aggregated/${all}/memory/working_set`, workingSets((i) => summaries[i]!.node.systemContainers.find((c) => c.name === 'kubelet')), times[0]],
    ];
    for (const [path, values, first] of cases) {
      expect(values.length, path).toBeGreaterThan(1);
      expect((await api.get(path)).json(), path).toEqual({ buckets: [allBucket(first, values)], bucketSize: 0 });
    }
  });

  it('pools the label sets a labels query matches', async () => {
    const values = [0, 1, 2].map((i) => summaries[i]!.node.fs!.usedBytes as number);
    const body = (await api.get(`${m}/nodes/${nodeName}/metrics-aggregated/min,count/filesystem/usage?labels=resource_id:/`)).json();
    expect(body).toEqual({ buckets: [{ timestamp: formatGoTime(times[0]), count: 3, minimum: { intValue: Math.min(...values) } }], bucketSize: 0 });
  });

  it('answers a compact list per pod, in request order, empty for unknown pods', async () => {
    const pod = (name: string) => (i: number) => summaries[i]!.pods.find((p) => p.podRef.name === name);
    const res = await api.get(`${m}/namespaces/scraper/pod-list/${leaver.name},nobody,${comer.name},${leaver.name}/metrics-aggregated/max,count/memory/working_set?bucket=1h`);
    const hour = (t: number) => Math.floor(t / 3_600_000) * 3_600_000;
    const one = (values: number[]) => ({ buckets: [{ timestamp: formatGoTime(hour(times[0])), count: values.length, maximum: { intValue: Math.max(...values) } }], bucketSize: 3_600e9 });
    const none = { buckets: [], bucketSize: 0 };
    expect(res.json()).toEqual({ items: [one(workingSets(pod(leaver.name))), none, one(workingSets(pod(comer.name))), one(workingSets(pod(leaver.name)))] });
    expect(res.text).toBe(`${JSON.stringify(res.json())}\n`);
  });

  it('answers an unknown entity with no buckets', async () => {
    expect((await api.get(`${m}/nodes/nowhere/metrics-aggregated/max/cpu/usage_rate`)).json()).toEqual({ buckets: [], bucketSize: 0 });
  });

  it.each([
    ['/metrics-aggregated/mean/memory/usage', 'Unknown aggregation "mean"'],
    ['/metrics-aggregated/max,99perc/memory/usage', 'Unknown aggregation "99perc"'],
    ['/metrics-aggregated/max/memory/usage?bucket=5y', 'unable to parse bucket size: "5y" has no known duration suffix'],
    ['/metrics-aggregated/max/memory/usage?bucket=m', 'unable to parse bucket size: "m" is too short to be a duration'],
    ['/metrics-aggregated/max/memory/usage?bucket=fives', 'strconv.ParseUint: parsing "five": invalid syntax'],
    ['/metrics-aggregated/max/memory/usage?labels=x', 'invalid label pair "x"'],
    ['/namespaces/scraper/pod-list/a,b/metrics-aggregated/max/memory/usage?end=soon', 'timestamp argument cannot be parsed: parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006"'],
    // Heapster's order: time range, bucket, aggregations, labels.
    ['/metrics-aggregated/mean/memory/usage?bucket=5y&labels=x', 'unable to parse bucket size: "5y" has no known duration suffix'],
    ['/metrics-aggregated/mean/memory/usage?labels=x', 'Unknown aggregation "mean"'],
  ])('answers %s with a plain-text 400', async (path, message) => {
    const res = await api.get(`${m}${path}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe(message);
  });
});
