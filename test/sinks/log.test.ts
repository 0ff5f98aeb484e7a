import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { nodeKey, podContainerKey } from '../../src/core/keys.js';
import { createMetricSet, type DataBatch } from '../../src/core/types.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import { createLogSink, formatBatch } from '../../src/sinks/log.js';
import { readFixture, readFixtureJson } from '../helpers/fixtures.js';

const timestamp = Date.UTC(2024, 0, 1, 10, 1, 0);

/** Two sets, each with labels, metrics and labeled metrics inserted out of order. */
function handBuiltBatch(): DataBatch {
  const container = createMetricSet({ type: 'pod_container', pod_name: 'web-1', namespace_name: 'default', container_name: 'nginx' });
  container.metricValues.set('memory/usage', 4_194_304);
  container.metricValues.set('cpu/usage_rate', 15);
  container.metricValues.set('cpu/usage', 123_456_789);
  container.labeledMetrics.push(
    { name: 'filesystem/usage', labels: { resource_id: 'logs' }, value: 8_192 },
    { name: 'accelerator/duty_cycle', labels: { model: 'tesla-p100', make: 'nvidia', accelerator_id: 'GPU-1' }, value: 40 },
  );
  const node = createMetricSet({ type: 'node', nodename: 'node-1', hostname: 'node-1.example', labels: '' });
  node.metricValues.set('memory/node_utilization', 0.25);
  return {
    timestamp,
    metricSets: new Map([
      [podContainerKey('default', 'web-1', 'nginx'), container],
      [nodeKey('node-1'), node],
    ]),
  };
}

describe('formatBatch', () => {
  it('prints the timestamp, then every set by sorted key with sorted labels, sorted metrics and labeled metrics', () => {
    expect(formatBatch(handBuiltBatch()).split('\n')).toEqual([
      'DataBatch     Timestamp: 2024-01-01T10:01:00.000Z',
      '',
      'MetricSet: namespace:default/pod:web-1/container:nginx',
      '\tlabels:',
      '\t\tcontainer_name = nginx',
      '\t\tnamespace_name = default',
      '\t\tpod_name = web-1',
      '\t\ttype = pod_container',
      '\tmetrics:',
      '\t\tcpu/usage = 123456789',
      '\t\tcpu/usage_rate = 15',
      '\t\tmemory/usage = 4194304',
      '\tlabeled metrics:',
      '\t\tfilesystem/usage{resource_id:logs} = 8192',
      '\t\taccelerator/duty_cycle{accelerator_id:GPU-1,make:nvidia,model:tesla-p100} = 40',
      '',
      'MetricSet: node:node-1',
      '\tlabels:',
      '\t\thostname = node-1.example',
      '\t\tlabels = ',
      '\t\tnodename = node-1',
      '\t\ttype = node',
      '\tmetrics:',
      '\t\tmemory/node_utilization = 0.25',
      '',
    ]);
  });

  it('prints only the header for an empty batch', () => {
    expect(formatBatch({ timestamp, metricSets: new Map() })).toBe('DataBatch     Timestamp: 2024-01-01T10:01:00.000Z\n');
  });

  it('prints one block per set of the decoded v1.26 capture, in key order, with every metric', () => {
    const fixture = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
    const summary = readFixtureJson(fixture);
    const { metricSets } = decodeSummary(readFixture(fixture), { nodeName: summary.node.nodeName, hostname: summary.node.nodeName, hostId: '' }, { nowMs: timestamp });
    const text = formatBatch({ timestamp, metricSets });
    const keys = [...text.matchAll(/^MetricSet: (.*)$/gm)].map((m) => m[1]);
    expect(keys).toEqual([...metricSets.keys()].sort());
    // 1 node + system containers + pods + containers of the capture
    expect(keys).toHaveLength(1 + summary.node.systemContainers.length + summary.pods.length + summary.pods.reduce((n: number, p: any) => n + p.containers.length, 0));
    const metricLines = text.split('\n').filter((line) => /^\t\t[^{]+ = /.test(line) && !line.includes('{'));
    const labelLines = [...metricSets.values()].reduce((n, s) => n + Object.keys(s.labels).length, 0);
    const valueLines = [...metricSets.values()].reduce((n, s) => n + s.metricValues.size, 0);
    expect(metricLines).toHaveLength(labelLines + valueLines);
    const labeledLines = text.split('\n').filter((line) => /^\t\t\S+\{.*\} = /.test(line));
    expect(labeledLines).toHaveLength([...metricSets.values()].reduce((n, s) => n + s.labeledMetrics.length, 0));
  });
});

describe('createLogSink', () => {
  it('logs each batch at info level as Heapster did, under the name Log Sink', async () => {
    const lines: Array<{ level: number; msg: string; sets: number }> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const sink = createLogSink(logger);
    expect(sink.name).toBe('Log Sink');
    const batch = handBuiltBatch();
    await sink.export(batch, new AbortController().signal);
    await sink.stop(new AbortController().signal);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(lines).toEqual([expect.objectContaining({ level: 30, sets: 2, msg: formatBatch(batch) })]);
  });
});
