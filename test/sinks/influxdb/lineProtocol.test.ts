import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { metricTypesOf, rateMetricsMapping } from '../../../src/core/metrics.js';
import { createMetricSet, type DataBatch, type MetricSet } from '../../../src/core/types.js';
import { blacklistedTags, createLineEncoder, nanoseconds } from '../../../src/sinks/influxdb/lineProtocol.js';
import { simBatches } from './simBatches.js';

const t = Date.UTC(2016, 8, 14, 10, 1, 0); // 1473847260000, Heapster's example timestamp

function batchOf(sets: Record<string, MetricSet>, timestamp = t): DataBatch {
  return { timestamp, metricSets: new Map(Object.entries(sets)) };
}

function webContainer(extra: Record<string, string> = {}): MetricSet {
  const set = createMetricSet({ type: 'pod_container', container_name: 'nginx', namespace_name: 'default', nodename: 'node-1', pod_name: 'web-1', ...extra });
  set.metricValues.set('cpu/usage_rate', 15);
  return set;
}

describe('createLineEncoder', () => {
  it("writes Heapster's documented example line", () => {
    const { lines } = createLineEncoder().encode(batchOf({ c: webContainer() }));
    expect(lines).toEqual(['cpu/usage_rate,cluster_name=default,container_name=nginx,namespace_name=default,nodename=node-1,pod_name=web-1,type=pod_container value=15i 1473847260000000000']);
  });

  it('drops namespace_id, hostname, host_id and empty labels but keeps pod_id as a tag', () => {
    const set = webContainer({ pod_id: '0f9a-11', namespace_id: 'ns-uid', hostname: 'node-1.example', host_id: 'i-123', container_base_image: '' });
    const [line] = createLineEncoder().encode(batchOf({ c: set })).lines;
    expect(line).toBe('cpu/usage_rate,cluster_name=default,container_name=nginx,namespace_name=default,nodename=node-1,pod_id=0f9a-11,pod_name=web-1,type=pod_container value=15i 1473847260000000000');
    for (const tag of blacklistedTags) expect(line).not.toContain(`${tag}=`);
  });

  it('uses the configured cluster_name, over a label of that name, and drops the tag when it is empty', () => {
    expect(createLineEncoder({ clusterName: 'prod eu' }).encode(batchOf({ c: webContainer() })).lines[0]).toContain(',cluster_name=prod\\ eu,');
    expect(createLineEncoder({ clusterName: 'prod' }).encode(batchOf({ c: webContainer({ cluster_name: 'stored' }) })).lines[0]).toContain(',cluster_name=prod,');
    expect(createLineEncoder({ clusterName: '' }).encode(batchOf({ c: webContainer() })).lines[0]).not.toContain('cluster_name');
  });

  it('writes floats without a suffix and integers with i', () => {
    const set = createMetricSet({ type: 'node', nodename: 'n1' });
    set.metricValues.set('cpu/node_utilization', 0.25);
    set.metricValues.set('memory/node_capacity', 2);
    set.metricValues.set('uptime', 86_400_000);
    set.metricValues.set('network/rx_rate', 1e-7);
    // Lines follow the values' order: the metric catalogue's, not the order they were set in.
    expect(createLineEncoder().encode(batchOf({ n: set })).lines).toEqual([
      'uptime,cluster_name=default,nodename=n1,type=node value=86400000i 1473847260000000000',
      'network/rx_rate,cluster_name=default,nodename=n1,type=node value=1e-7 1473847260000000000',
      'memory/node_capacity,cluster_name=default,nodename=n1,type=node value=2 1473847260000000000',
      'cpu/node_utilization,cluster_name=default,nodename=n1,type=node value=0.25 1473847260000000000',
    ]);
  });

  it('gives each labeled metric the set tags plus its own labels', () => {
    const set = createMetricSet({ type: 'node', nodename: 'n1', hostname: 'n1' });
    set.labeledMetrics.push({ name: 'filesystem/usage', labels: { resource_id: '/' }, value: 1024 });
    set.labeledMetrics.push({ name: 'filesystem/usage', labels: { resource_id: 'Volume:data dir' }, value: 2048 });
    set.labeledMetrics.push({ name: 'accelerator/duty_cycle', labels: { make: 'nvidia', model: 'tesla-p100', accelerator_id: 'GPU-1', host_id: 'x' }, value: 42 });
    expect(createLineEncoder().encode(batchOf({ n: set })).lines).toEqual([
      'filesystem/usage,cluster_name=default,nodename=n1,resource_id=/,type=node value=1024i 1473847260000000000',
      'filesystem/usage,cluster_name=default,nodename=n1,resource_id=Volume:data\\ dir,type=node value=2048i 1473847260000000000',
      'accelerator/duty_cycle,accelerator_id=GPU-1,cluster_name=default,make=nvidia,model=tesla-p100,nodename=n1,type=node value=42i 1473847260000000000',
    ]);
  });

  it('splits measurement and field at the first slash with withFields', () => {
    const set = createMetricSet({ type: 'cluster' });
    set.metricValues.set('cpu/usage_rate', 15);
    set.metricValues.set('uptime', 1);
    set.metricValues.set('custom/foo/bar', 0.5);
    expect(createLineEncoder({ withFields: true }).encode(batchOf({ cluster: set })).lines).toEqual([
      'uptime,cluster_name=default,type=cluster value=1i 1473847260000000000',
      'cpu,cluster_name=default,type=cluster usage_rate=15i 1473847260000000000',
      'custom,cluster_name=default,type=cluster foo/bar=0.5 1473847260000000000',
    ]);
  });

  it('skips every counter that has a rate with disableCounterMetrics, labeled ones too, and keeps the rates', () => {
    const set = createMetricSet({ type: 'node', nodename: 'n1' });
    for (const [counter, rate] of rateMetricsMapping) {
      set.metricValues.set(counter, 100);
      set.metricValues.set(rate, 1.5);
    }
    set.labeledMetrics.push({ name: 'disk/io_read_bytes', labels: { resource_id: 'sda' }, value: 9 });
    set.labeledMetrics.push({ name: 'disk/io_read_bytes_rate', labels: { resource_id: 'sda' }, value: 0.5 });
    const measurements = createLineEncoder({ disableCounterMetrics: true })
      .encode(batchOf({ n: set }))
      .lines.map((line) => line.slice(0, line.indexOf(',')));
    expect(measurements.sort()).toEqual([...rateMetricsMapping.values(), 'disk/io_read_bytes_rate'].sort());
    // The points a batch makes (what the sink sizes its buffer by) leave the skipped counters out too.
    expect(createLineEncoder({ disableCounterMetrics: true }).countPoints(batchOf({ n: set }))).toBe(measurements.length);
    expect(createLineEncoder().countPoints(batchOf({ n: set }))).toBe(2 * rateMetricsMapping.size + 2);
  });

  it('escapes commas, spaces and equals signs in names and tags', () => {
    const set = createMetricSet({ type: 'pod', labels: 'app:web,tier:front', pod_name: 'a=b c' });
    set.metricValues.set('custom/requests, total', 3.5);
    expect(createLineEncoder().encode(batchOf({ p: set })).lines).toEqual([
      'custom/requests\\,\\ total,cluster_name=default,labels=app:web\\,tier:front,pod_name=a\\=b\\ c,type=pod value=3.5 1473847260000000000',
    ]);
  });

  it('skips and counts values line protocol cannot carry', () => {
    const set = createMetricSet({ type: 'node', nodename: 'n1' });
    // Neither a set's values nor its labeled values hold NaN (storing it is a no-op); both hold infinities.
    set.labeledMetrics.push({ name: 'a', labels: {}, value: Number.NEGATIVE_INFINITY });
    set.metricValues.set('b', Number.POSITIVE_INFINITY);
    set.metricValues.set('memory/limit', 2 ** 64); // an int64 metric beyond int64
    set.metricValues.set('ends\\', 1);
    set.metricValues.set('memory/usage', 1);
    const broken = createMetricSet({ type: 'node', nodename: 'bad\nname' });
    broken.metricValues.set('uptime', 5);
    const trailing = createMetricSet({ type: 'node', nodename: 'n2\\' });
    trailing.metricValues.set('uptime', 5);
    const { lines, skipped } = createLineEncoder().encode(batchOf({ n: set, broken, trailing }));
    expect(lines).toEqual(['memory/usage,cluster_name=default,nodename=n1,type=node value=1i 1473847260000000000']);
    expect(skipped).toBe(6);
  });

  it('encodes chunks of at most maxLines lines as UTF-8, however long a line is', () => {
    const wide = 'é'.repeat(400_000); // 800 KB of UTF-8: the chunk outgrows its first buffer
    const sets: Record<string, MetricSet> = {};
    for (let i = 0; i < 7; i++) sets[`c${i}`] = webContainer({ pod_name: `web-${i}`, ...(i === 3 ? { app: wide } : { app: 'café' }) });
    const encoder = createLineEncoder();
    const chunked = encoder.chunks(batchOf(sets), 3);
    // A body is reused two chunks later, so each is read as it comes.
    const chunks: Array<{ text: string; bytes: number; lines: number }> = [];
    for (const { body, lines } of chunked) chunks.push({ text: body.toString('utf8'), bytes: body.byteLength, lines });
    expect(chunks.map((c) => c.lines)).toEqual([3, 3, 1]);
    const decoded = chunks.flatMap((c) => c.text.split('\n'));
    expect(decoded).toHaveLength(7);
    expect(decoded[3]).toContain(`app=${wide},`);
    expect(decoded[0]).toContain('app=café,');
    expect(decoded).toEqual(encoder.encode(batchOf(sets)).lines);
    expect(chunks.reduce((sum, c) => sum + c.bytes, 0)).toBe(Buffer.byteLength(decoded.join('\n')) - 2); // two chunk boundaries, no newline there
    expect(chunked.encoded).toBe(7);
    expect(encoder.countPoints(batchOf(sets))).toBe(7);
  });

  it('writes millisecond timestamps as nanoseconds, fractions included', () => {
    expect(nanoseconds(t)).toBe('1473847260000000000');
    expect(nanoseconds(t + 0.5)).toBe('1473847260000500000');
    expect(nanoseconds(0)).toBe('0');
  });

  it("writes for every value of simulated batches exactly the line the client's Point writes", () => {
    const batches = simBatches({ startMs: t, count: 2 });
    const encoder = createLineEncoder();
    for (const batch of batches) {
      const expected: string[] = [];
      for (const set of batch.metricSets.values()) {
        const points = [
          ...[...set.metricValues].map(([name, value]) => ({ name, value, labels: set.labels })),
          ...set.labeledMetrics.toArray().map((lm) => ({ name: lm.name, value: lm.value, labels: { ...set.labels, ...lm.labels } })),
        ];
        for (const { name, value, labels } of points) {
          const point = new Point(name).tag('cluster_name', 'default').timestamp(`${batch.timestamp}000000`);
          for (const [key, v] of Object.entries(labels)) if (!blacklistedTags.has(key)) point.tag(key, v);
          if (metricTypesOf(name).valueType === 'int64') point.intField('value', value);
          else point.floatField('value', value);
          expected.push(point.toLineProtocol()!);
        }
      }
      const { lines, skipped } = encoder.encode(batch);
      expect(skipped).toBe(0);
      expect(lines.length).toBeGreaterThan(1_000);
      expect([...lines].sort()).toEqual(expected.sort());
    }
  });
});
