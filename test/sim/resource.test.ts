import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import { formatGoFloat } from '../../src/sim/kubelet/prometheus.js';
import { renderResourceMetrics } from '../../src/sim/kubelet/resource.js';
import { renderSummary } from '../../src/sim/kubelet/summary.js';
import { readFixture } from '../helpers/fixtures.js';
import { createMapStore } from './map-store.js';

const capture = readFixture('kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt');
const startMs = Date.UTC(2024, 3, 2, 10, 0, 0);

const helpLine = /^# HELP ([a-z_]+) (.+)$/;
const typeLine = /^# TYPE ([a-z_]+) (counter|gauge)$/;
const sampleLine = /^([a-z_]+)(?:\{((?:[a-z_]+="[^"\\]*",?)*)\})? (\S+)(?: (\d+))?$/;

interface Sample {
  name: string;
  labels: Record<string, string>;
  valueText: string;
  timestampMs: number | undefined;
}

/** Reads Prometheus text line by line; throws on any line that is not HELP, TYPE or a sample. */
function parseLines(text: string) {
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const families: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let match = helpLine.exec(line);
    if (match) {
      help.set(match[1]!, match[2]!);
      families.push(match[1]!);
      continue;
    }
    match = typeLine.exec(line);
    if (match) {
      types.set(match[1]!, match[2]!);
      continue;
    }
    match = sampleLine.exec(line);
    if (!match) throw new Error(`unparsable line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, valueText: match[3]!, timestampMs: match[4] === undefined ? undefined : Number(match[4]) });
  }
  return { help, types, samples, families };
}

function simResource() {
  const cluster = createSimCluster({ nodes: 2, podsPerNode: 25, seed: 4, clock: () => startMs, store: createMapStore() });
  const node = cluster.nodes[0]!;
  return { cluster, node, text: renderResourceMetrics(cluster.sample(node)), summary: JSON.parse(renderSummary(cluster.sample(node))) };
}

describe('the simulated /metrics/resource', () => {
  it('formats every value of the capture exactly as the Go client wrote it', () => {
    const { samples } = parseLines(capture);
    expect(samples.length).toBeGreaterThan(280);
    for (const sample of samples) expect(formatGoFloat(Number(sample.valueText))).toBe(sample.valueText);
  });

  it('formats Go corner cases: exponents, small values, zero', () => {
    expect(formatGoFloat(1_000_000)).toBe('1e+06');
    expect(formatGoFloat(999_999)).toBe('999999');
    expect(formatGoFloat(0.0001)).toBe('0.0001');
    expect(formatGoFloat(0.00001234)).toBe('1.234e-05');
    expect(formatGoFloat(1633253812.125)).toBe('1.633253812125e+09');
    expect(formatGoFloat(0)).toBe('0');
  });

  it('parses line by line into the capture\'s families and help texts, plus container start times', () => {
    const { text } = simResource();
    const sim = parseLines(text);
    const fixture = parseLines(capture);
    expect(sim.families).toEqual(
      [...fixture.families, 'container_start_time_seconds'].sort(),
    );
    for (const [name, help] of fixture.help) expect(sim.help.get(name)).toBe(help);
    for (const [name, type] of fixture.types) expect(sim.types.get(name)).toBe(type);
    expect(sim.help.get('container_start_time_seconds')).toBe('[ALPHA] Start time of the container since unix epoch in seconds');
    expect(text.endsWith('scrape_error 0\n')).toBe(true);
  });

  it('labels rows as the capture does and sorts them by label values', () => {
    const { text } = simResource();
    const { samples } = parseLines(text);
    const fixture = parseLines(capture).samples;
    const labelNames = (list: Sample[], name: string) => new Set(list.filter((s) => s.name === name).map((s) => Object.keys(s.labels).join(',')));
    for (const name of ['container_cpu_usage_seconds_total', 'pod_memory_working_set_bytes', 'node_cpu_usage_seconds_total']) {
      expect(labelNames(samples, name)).toEqual(labelNames(fixture, name));
    }
    const rows = samples.filter((s) => s.name === 'container_cpu_usage_seconds_total').map((s) => [s.labels.container, s.labels.namespace, s.labels.pod].join('\u0000'));
    expect(rows).toEqual([...rows].sort());
  });

  it('reports the same CPU, working set and start times as the summary', () => {
    const { text, summary } = simResource();
    const { samples } = parseLines(text);
    const find = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(Number(find('node_cpu_usage_seconds_total', {})!.valueText)).toBeCloseTo(summary.node.cpu.usageCoreNanoSeconds / 1e9, 6);
    expect(Number(find('node_memory_working_set_bytes', {})!.valueText)).toBe(summary.node.memory.workingSetBytes);
    for (const pod of summary.pods) {
      const podLabels = { namespace: pod.podRef.namespace, pod: pod.podRef.name };
      expect(Number(find('pod_cpu_usage_seconds_total', podLabels)!.valueText)).toBeCloseTo(pod.cpu.usageCoreNanoSeconds / 1e9, 6);
      expect(Number(find('pod_memory_working_set_bytes', podLabels)!.valueText)).toBe(pod.memory.workingSetBytes);
      for (const container of pod.containers) {
        const labels = { ...podLabels, container: container.name };
        expect(Number(find('container_cpu_usage_seconds_total', labels)!.valueText)).toBeCloseTo(container.cpu.usageCoreNanoSeconds / 1e9, 6);
        expect(Number(find('container_memory_working_set_bytes', labels)!.valueText)).toBe(container.memory.workingSetBytes);
        const start = find('container_start_time_seconds', labels)!;
        expect(Number(start.valueText) * 1000).toBe(Date.parse(container.startTime));
        expect(start.timestampMs).toBe(Date.parse(container.startTime));
      }
    }
  });

  it('stamps usage rows with the clock in milliseconds', () => {
    const { samples } = parseLines(simResource().text);
    const stamped = samples.filter((s) => s.name !== 'scrape_error' && s.name !== 'container_start_time_seconds');
    expect(stamped.every((s) => s.timestampMs === startMs)).toBe(true);
  });
});
