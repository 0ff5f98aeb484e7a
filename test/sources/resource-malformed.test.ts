import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.js';
import { decodeResourceMetrics } from '../../src/sources/resource/decode.js';
import type { DecodedNode, NodeInfo } from '../../src/sources/types.js';
import { readFixture } from '../helpers/fixtures.js';

const text = readFixture('kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt');
const node: NodeInfo = { nodeName: 'e2e-control-plane', hostname: 'e2e-control-plane', hostId: '' };
const nowMs = 1_633_253_900_000;
const reference = decodeResourceMetrics(text, node, { nowMs });

function decodeError(body: string | Uint8Array): unknown {
  try {
    decodeResourceMetrics(body, node, { nowMs });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodeResourceMetrics rejects bodies it cannot read', () => {
  const cut = text.indexOf('pod="coredns-558bd4d5db-kjc9p"') + 10;
  it.each([
    ['binary garbage that is not UTF-8', new Uint8Array([0xff, 0xfe, 0x00, 0x9c, 0x80, 0x0a]), /not valid UTF-8/],
    ['binary garbage that is UTF-8', '\u0000\u0007\u00e9\u2603\n', /invalid Prometheus text: line 1/],
    ['a body truncated inside a line', text.slice(0, cut), /line 4, .*truncated body/],
    ['a line cut short inside a label value', `${text.slice(0, cut)}\n${text}`, /line 4, .*no closing quote/],
    ['a body truncated at the end of a value', text.slice(0, text.length - 2), /truncated/],
    ['a label without closing brace', 'container_cpu_usage_seconds_total{container="a",namespace="b",pod="c" 1\n', /expected "," or "}" after label pod/],
    ['a label set cut at the end of the line', 'container_cpu_usage_seconds_total{container="a",\n', /no closing brace/],
    ['a value that is a word', 'node_cpu_usage_seconds_total abc 1633253809720\n', /"abc" of node_cpu_usage_seconds_total is not a number/],
    ['a timestamp that is not an integer', 'node_cpu_usage_seconds_total 1 16332538.5\n', /timestamp/],
    ['an empty body', '', /no kubelet resource metrics/],
    ['an HTML error page', '<html><body>403 Forbidden</body></html>\n', /invalid Prometheus text/],
    ['a body of other families only', '# TYPE up gauge\nup 1\n', /no kubelet resource metrics/],
    ['scrape_error 1 without samples', '# HELP scrape_error [ALPHA] 1 if there was an error\n# TYPE scrape_error gauge\nscrape_error 1\n', /kubelet reported scrape_error/],
    ['resource_scrape_error 1 without samples', 'scrape_error 0\nresource_scrape_error 1\n', /kubelet reported scrape_error/],
    ['scrape_error 1 with only unusable samples', 'node_cpu_usage_seconds_total -1\nscrape_error 1\n', /kubelet reported scrape_error/],
  ])('gives SourceError malformed for %s', (_case, body, message) => {
    const error = decodeError(body);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('malformed');
    expect((error as SourceError).message).toMatch(message);
    expect((error as SourceError).context['node']).toBe(node.nodeName);
  });

  it('locates a syntax error by line and column in the error context', () => {
    const error = decodeError('scrape_error 0\nnode_cpu_usage_seconds_total{ 1\n') as SourceError;
    expect(error.context).toEqual({ node: node.nodeName, line: 2, column: 31 });
  });
});

describe('decodeResourceMetrics drops and counts entities with unusable values', () => {
  const container = 'namespace:kube-system/pod:coredns-558bd4d5db-4dpjz/container:coredns';
  const series = '{container="coredns",namespace="kube-system",pod="coredns-558bd4d5db-4dpjz"}';
  const replaceLine = (prefix: string, replacement: string): string => {
    const start = text.indexOf(`\n${prefix}`) + 1;
    const end = text.indexOf('\n', start);
    expect(start).toBeGreaterThan(0);
    return text.slice(0, start) + replacement + text.slice(end);
  };
  const nodeKey = `node:${node.nodeName}`;

  it.each([
    ['a negative container cpu', replaceLine(`container_cpu_usage_seconds_total${series}`, `container_cpu_usage_seconds_total${series} -4.7 1633253812125`), container],
    ['a container cpu too large for int64 nanoseconds', replaceLine(`container_cpu_usage_seconds_total${series}`, `container_cpu_usage_seconds_total${series} 1e10 1`), container],
    ['a container cpu beyond the float range', replaceLine(`container_cpu_usage_seconds_total${series}`, `container_cpu_usage_seconds_total${series} 1e400 1`), container],
    ['a NaN working set', replaceLine(`container_memory_working_set_bytes${series}`, `container_memory_working_set_bytes${series} NaN 1`), container],
    ['an infinite working set', replaceLine(`container_memory_working_set_bytes${series}`, `container_memory_working_set_bytes${series} +Inf 1`), container],
    ['a working set beyond int64', replaceLine(`container_memory_working_set_bytes${series}`, `container_memory_working_set_bytes${series} 9.3e18 1`), container],
    ['a negative node cpu', replaceLine('node_cpu_usage_seconds_total', 'node_cpu_usage_seconds_total -357.35491 1633253809720'), nodeKey],
    ['a negative pod working set', replaceLine('pod_memory_working_set_bytes{namespace="kube-system",pod="coredns-558bd4d5db-4dpjz"}', 'pod_memory_working_set_bytes{namespace="kube-system",pod="coredns-558bd4d5db-4dpjz"} -1 1'), 'namespace:kube-system/pod:coredns-558bd4d5db-4dpjz'],
    ['a negative container start time', `${text}container_start_time_seconds${series} -5\n`, container],
  ])('drops only the entity with %s', (_case, body, droppedKey) => {
    const result = decodeResourceMetrics(body, node, { nowMs });
    expect(result.droppedEntities).toBe(1);
    expect(result.metricSets.has(droppedKey)).toBe(false);
    expect([...result.metricSets.keys()].sort()).toEqual([...reference.metricSets.keys()].filter((k) => k !== droppedKey).sort());
  });

  it.each([
    ['without namespace', 'container_cpu_usage_seconds_total{container="x",pod="p"} 1 1\ncontainer_memory_working_set_bytes{container="x",pod="p"} 1 1\n'],
    ['with an empty container name', 'container_cpu_usage_seconds_total{container="",namespace="n",pod="p"} 1 1\n'],
    ['without pod', 'pod_cpu_usage_seconds_total{namespace="n"} 1 1\n'],
  ])('counts samples %s as one dropped entity and keeps the rest', (_case, extra) => {
    const result = decodeResourceMetrics(text + extra, node, { nowMs });
    expect(result.droppedEntities).toBe(1);
    expect([...result.metricSets.keys()].sort()).toEqual([...reference.metricSets.keys()].sort());
  });

  it('keeps a container whose pod-level samples were unusable, without recreating the pod', () => {
    const body = 'pod_cpu_usage_seconds_total{namespace="n",pod="p"} -1 1\ncontainer_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1 1\n';
    const result = decodeResourceMetrics(body, node, { nowMs });
    expect([...result.metricSets.keys()]).toEqual([`node:${node.nodeName}`, 'namespace:n/pod:p/container:c']);
    expect(result.droppedEntities).toBe(1);
  });
});

describe('decodeResourceMetrics never throws anything but SourceError malformed', () => {
  /** A deterministic PRNG (mulberry32), so every run mutates the same way. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const alphabet = ['{', '}', '"', '\\', ' ', '\n', ',', '=', '#', '-', 'e', 'N', '\u0000', '\ufffd', '9', '.'];

  it('survives 1,000 random edits and truncations of the capture', () => {
    const next = random(20211003);
    const outcomes = { decoded: 0, malformed: 0 };
    const invalidValues: number[] = [];
    for (let round = 0; round < 1000; round++) {
      let body = text;
      for (let edit = 0; edit < 1 + Math.floor(next() * 3); edit++) {
        const at = Math.floor(next() * body.length);
        const insert = next() < 0.2 ? '' : alphabet[Math.floor(next() * alphabet.length)]!;
        body = body.slice(0, at) + insert + body.slice(at + 1);
      }
      if (next() < 0.1) body = body.slice(0, Math.floor(next() * body.length));
      let result: DecodedNode | undefined;
      try {
        result = decodeResourceMetrics(next() < 0.5 ? body : new TextEncoder().encode(body), node, { nowMs });
      } catch (error) {
        if (!(error instanceof SourceError) || error.code !== 'malformed') throw error;
        outcomes.malformed++;
        continue;
      }
      outcomes.decoded++;
      for (const set of result.metricSets.values()) {
        for (const value of set.metricValues.values()) {
          if (!Number.isInteger(value) || value < 0) invalidValues.push(value);
        }
      }
    }
    expect(invalidValues).toEqual([]);
    expect(outcomes.decoded).toBeGreaterThan(0);
    expect(outcomes.malformed).toBeGreaterThan(0);
  });
});
