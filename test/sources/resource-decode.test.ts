import { describe, expect, it } from 'vitest';
import { describeMetric, metricTypesOf } from '../../src/core/metrics.js';
import { decodeResourceMetrics } from '../../src/sources/resource/decode.js';
import type { NodeInfo } from '../../src/sources/types.js';
import { readFixture } from '../helpers/fixtures.js';

const fixture = 'kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt';
const node: NodeInfo = { nodeName: 'e2e-control-plane', hostname: 'e2e-control-plane.local', hostId: 'kind://e2e' };
const nowMs = 1_633_253_900_000;

interface Line {
  name: string;
  labels: Record<string, string>;
  value: string;
  timestampMs: number | undefined;
}

/** The fixture's sample lines, read with a regex (the resource capture has no escapes). */
function fixtureLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\w+)(?:\{([^}]*)\})? (\S+)(?: (\d+))?$/.exec(l);
      if (!m) throw new Error(`unexpected fixture line ${l}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { name: m[1]!, labels, value: m[3]!, timestampMs: m[4] === undefined ? undefined : Number(m[4]) };
    });
}

/** round(decimal × 10^scale), computed exactly on the digits, for values written like `4.710169` or `1.6e+09`. */
function scaled(decimal: string, scale: number): number {
  const [mantissa, exponent = '0'] = decimal.toLowerCase().split('e');
  const [whole, fraction = ''] = mantissa!.split('.');
  const shift = scale + Number(exponent) - fraction.length;
  const digits = BigInt(whole! + fraction);
  if (shift >= 0) return Number(digits * 10n ** BigInt(shift));
  const divisor = 10n ** BigInt(-shift);
  return Number((digits * 2n + divisor) / (2n * divisor));
}

const text = readFixture(fixture);
const lines = fixtureLines(text);
const decoded = decodeResourceMetrics(text, node, { nowMs });
const nodeLabels = { nodename: node.nodeName, hostname: node.hostname, host_id: node.hostId };

describe('decodeResourceMetrics on the kind 1.21 capture', () => {
  const podLines = lines.filter((l) => l.name.startsWith('pod_'));
  const containerLines = lines.filter((l) => l.name.startsWith('container_'));
  const pods = new Set(podLines.map((l) => `${l.labels['namespace']}/${l.labels['pod']}`));
  const containers = new Set(containerLines.map((l) => `${l.labels['namespace']}/${l.labels['pod']}/${l.labels['container']}`));

  it('decodes every one of the 70 pods and each of their containers, and nothing else', () => {
    expect(pods.size).toBe(70);
    const expectedKeys = [
      `node:${node.nodeName}`,
      ...[...pods].map((p) => `namespace:${p.split('/')[0]}/pod:${p.split('/')[1]}`),
      ...[...containers].map((c) => {
        const [ns, pod, container] = c.split('/');
        return `namespace:${ns}/pod:${pod}/container:${container}`;
      }),
    ];
    expect([...decoded.metricSets.keys()].sort()).toEqual(expectedKeys.sort());
    expect(decoded.droppedEntities).toBe(0);
  });

  it('gives the node its CPU in nanoseconds, its working set, the summary labels and the CPU sample time', () => {
    const cpu = lines.find((l) => l.name === 'node_cpu_usage_seconds_total')!;
    const memory = lines.find((l) => l.name === 'node_memory_working_set_bytes')!;
    const set = decoded.metricSets.get(`node:${node.nodeName}`)!;
    expect(set.labels).toEqual({ type: 'node', ...nodeLabels });
    expect(set.metricValues.get('cpu/usage')).toBe(scaled(cpu.value, 9));
    expect(set.metricValues.get('memory/working_set')).toBe(scaled(memory.value, 0));
    expect([...set.metricValues.keys()].sort()).toEqual(['cpu/usage', 'memory/working_set']);
    expect(set.scrapeTime).toBe(cpu.timestampMs);
    expect(set.collectionStartTime).toBe(0);
  });

  it.each([
    ['pod', 'pod_cpu_usage_seconds_total', 'pod_memory_working_set_bytes'],
    ['pod_container', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
  ] as const)('matches every %s value, label and scrape time to the lines of the capture', (type, cpuName, memoryName) => {
    const entityOf = (l: Line) => `${l.labels['namespace']}|${l.labels['pod']}|${l.labels['container'] ?? ''}`;
    const memoryByEntity = new Map(lines.filter((l) => l.name === memoryName).map((l) => [entityOf(l), l]));
    const cpuLines = lines.filter((l) => l.name === cpuName);
    expect(cpuLines).toHaveLength(70);
    for (const cpu of cpuLines) {
      const { namespace, pod, container } = cpu.labels as Record<string, string>;
      const key = type === 'pod' ? `namespace:${namespace}/pod:${pod}` : `namespace:${namespace}/pod:${pod}/container:${container}`;
      const set = decoded.metricSets.get(key)!;
      const memory = memoryByEntity.get(entityOf(cpu))!;
      expect(set.labels).toEqual({
        type,
        ...nodeLabels,
        pod_name: pod,
        namespace_name: namespace,
        ...(type === 'pod_container' ? { container_name: container } : {}),
      });
      expect(set.metricValues.get('cpu/usage')).toBe(scaled(cpu.value, 9));
      expect(set.metricValues.get('memory/working_set')).toBe(scaled(memory.value, 0));
      expect(set.scrapeTime).toBe(cpu.timestampMs);
      expect(set.metricValues.has('uptime')).toBe(false);
    }
  });

  it('leaves pod_id absent for the pod enricher to fill', () => {
    for (const set of decoded.metricSets.values()) expect('pod_id' in set.labels).toBe(false);
  });

  it('gives every value the type and value type of the metric catalogue', () => {
    for (const set of decoded.metricSets.values()) {
      for (const [name, value] of set.metricValues) {
        const descriptor = describeMetric(name)!;
        // Values carry no types: every decoded name must type its values as the catalogue does.
        const { metricType, valueType } = metricTypesOf(name);
        expect([name, metricType, valueType]).toEqual([name, descriptor.type, descriptor.valueType]);
        expect(Number.isInteger(value)).toBe(true);
      }
    }
  });

  it('decodes the bytes of the body exactly as its text', () => {
    const fromBytes = decodeResourceMetrics(new TextEncoder().encode(text), node, { nowMs });
    expect(fromBytes).toEqual(decoded);
  });
});

describe('decodeResourceMetrics on variations of the capture', () => {
  const podCpu = lines.find((l) => l.name === 'container_cpu_usage_seconds_total')!;
  const { namespace, pod, container } = podCpu.labels as Record<string, string>;
  const containerKey = `namespace:${namespace}/pod:${pod}/container:${container}`;
  const series = `{container="${container}",namespace="${namespace}",pod="${pod}"}`;

  it('sets a container start time as its collection start and derives uptime from now', () => {
    const startSeconds = '1633253000.25';
    const body = `${text}# TYPE container_start_time_seconds gauge\ncontainer_start_time_seconds${series} ${startSeconds}\n`;
    const set = decodeResourceMetrics(body, node, { nowMs }).metricSets.get(containerKey)!;
    expect(set.collectionStartTime).toBe(scaled(startSeconds, 3));
    expect(set.metricValues.get('uptime')).toBe(nowMs - scaled(startSeconds, 3));
  });

  it('gives uptime 0, never a negative one, to a container that starts after now', () => {
    const body = `${text}container_start_time_seconds${series} ${(nowMs + 5000) / 1000}\n`;
    const set = decodeResourceMetrics(body, node, { nowMs }).metricSets.get(containerKey)!;
    expect(set.metricValues.get('uptime')).toBe(0);
    expect(set.collectionStartTime).toBe(nowMs + 5000);
  });

  it('uses now as the scrape time of samples without timestamps', () => {
    const stripped = text.replace(/^([^#].* \S+) \d+$/gm, '$1');
    expect(stripped).not.toBe(text);
    const result = decodeResourceMetrics(stripped, node, { nowMs });
    for (const set of result.metricSets.values()) expect(set.scrapeTime).toBe(nowMs);
    expect(result.metricSets.size).toBe(decoded.metricSets.size);
  });

  it('takes the memory sample time when the CPU sample is missing', () => {
    const withoutNodeCpu = text.replace(/^node_cpu_usage_seconds_total .*\n/m, '');
    const memory = lines.find((l) => l.name === 'node_memory_working_set_bytes')!;
    const set = decodeResourceMetrics(withoutNodeCpu, node, { nowMs }).metricSets.get(`node:${node.nodeName}`)!;
    expect(set.scrapeTime).toBe(memory.timestampMs);
    expect(set.metricValues.has('cpu/usage')).toBe(false);
  });

  it('keeps the later of two samples of one series', () => {
    const body = `${text}container_cpu_usage_seconds_total${series} 1 1\ncontainer_cpu_usage_seconds_total${series} 999 ${podCpu.timestampMs! + 1}\n`;
    const set = decodeResourceMetrics(body, node, { nowMs }).metricSets.get(containerKey)!;
    expect(set.metricValues.get('cpu/usage')).toBe(999e9);
    expect(set.scrapeTime).toBe(podCpu.timestampMs! + 1);
  });

  it('creates the pod set of a container whose pod has no pod-level samples', () => {
    const body = 'container_cpu_usage_seconds_total{container="c",namespace="ns",pod="p"} 2 1000\nscrape_error 0\n';
    const result = decodeResourceMetrics(body, node, { nowMs });
    expect([...result.metricSets.keys()]).toEqual([`node:${node.nodeName}`, 'namespace:ns/pod:p', 'namespace:ns/pod:p/container:c']);
    expect(result.metricSets.get('namespace:ns/pod:p')!.labels).toEqual({ type: 'pod', ...nodeLabels, pod_name: 'p', namespace_name: 'ns' });
    expect(result.metricSets.get('namespace:ns/pod:p')!.metricValues.size).toBe(0);
    expect(result.metricSets.get(`node:${node.nodeName}`)!.metricValues.size).toBe(0);
  });

  it('ignores the swap families of newer kubelets and reads resource_scrape_error', () => {
    const body = [
      'node_swap_usage_bytes 5 1000',
      'container_swap_usage_bytes{container="c",namespace="ns",pod="p"} 7 1000',
      'node_memory_working_set_bytes 10 1000',
      'resource_scrape_error 0',
      '',
    ].join('\n');
    const result = decodeResourceMetrics(body, node, { nowMs });
    expect([...result.metricSets.keys()]).toEqual([`node:${node.nodeName}`]);
    expect([...result.metricSets.get(`node:${node.nodeName}`)!.metricValues.keys()]).toEqual(['memory/working_set']);
  });

  it('decodes the samples of a body that also reports scrape_error 1', () => {
    const body = text.replace(/^scrape_error 0$/m, 'scrape_error 1');
    expect(body).not.toBe(text);
    expect(decodeResourceMetrics(body, node, { nowMs })).toEqual(decoded);
  });

  it('treats a non-positive timestamp (a zero Go time) as no timestamp', () => {
    const body = 'node_cpu_usage_seconds_total 1 -62135596800000\nscrape_error 0\n';
    expect(decodeResourceMetrics(body, node, { nowMs }).metricSets.get(`node:${node.nodeName}`)!.scrapeTime).toBe(nowMs);
  });
});
