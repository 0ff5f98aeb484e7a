import { describe, expect, it } from 'vitest';
import { metricTypesOf } from '../../src/core/metrics.js';
import { SourceError } from '../../src/sources/errors.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import { summaryLimits } from '../../src/sources/summary/schema.js';
import { createTimestampReader, parseRfc3339Ms } from '../../src/sources/summary/timestamp.js';
import type { NodeInfo } from '../../src/sources/types.js';
import { readFixture, readFixtureJson } from '../helpers/fixtures.js';

type Json = any;

const beats = 'kubelet-summary/summary-2017-gke-docker-beats.json';
const k126 = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
const info: NodeInfo = { nodeName: 'node-a', hostname: 'node-a.example', hostId: 'id-a' };
const nowMs = Date.parse('2017-04-20T08:10:00Z');

/** The 2017 capture, modified by `change`, decoded; dropped entities collected with their reasons. */
function decodeModified(change: (summary: Json) => void, fixture: string = beats) {
  const summary: Json = readFixtureJson(fixture);
  change(summary);
  const dropped: string[] = [];
  const decoded = decodeSummary(JSON.stringify(summary), info, {
    nowMs,
    onDroppedEntity: (path, reason) => dropped.push(`${path}: ${reason}`),
  });
  return { summary, decoded, dropped };
}

function decodeError(body: string | Uint8Array): SourceError {
  try {
    decodeSummary(body, info, { nowMs });
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('decodeSummary did not throw');
}

const beatsJson: Json = readFixtureJson(beats);
const beatsNode = `node:${beatsJson.node.nodeName}`;
const beatsPodRef = beatsJson.pods[0].podRef;
const beatsPod = `namespace:${beatsPodRef.namespace}/pod:${beatsPodRef.name}`;
const beatsContainer = `${beatsPod}/container:${beatsJson.pods[0].containers[0].name}`;
const beatsKubelet = `${beatsNode}/container:kubelet`;
const container0 = (s: Json) => s.pods[0].containers[0];

describe('decodeSummary with containers reported twice in one pod', () => {
  const withDuplicate = (startTime: string, usage: number, position: 'after' | 'before') =>
    decodeModified((s) => {
      const copy = structuredClone(container0(s));
      copy.startTime = startTime;
      copy.cpu.usageCoreNanoSeconds = usage;
      if (position === 'after') s.pods[0].containers.push(copy);
      else s.pods[0].containers.unshift(copy);
    });
  const original = beatsJson.pods[0].containers[0];

  it.each(['after', 'before'] as const)('keeps the newer container when the older one comes %s it', (position) => {
    const { decoded } = withDuplicate('2017-04-18T16:00:00Z', 1, position);
    const set = decoded.metricSets.get(beatsContainer)!;
    expect(set.collectionStartTime).toBe(Date.parse(original.startTime));
    expect(set.metricValues.get('cpu/usage')).toBe(original.cpu.usageCoreNanoSeconds);
    expect(decoded.droppedEntities).toBe(0);
  });

  it.each(['after', 'before'] as const)('takes the restarted container when it comes %s the old one', (position) => {
    const { decoded } = withDuplicate('2017-04-19T10:00:00Z', 7, position);
    const set = decoded.metricSets.get(beatsContainer)!;
    expect(set.collectionStartTime).toBe(Date.parse('2017-04-19T10:00:00Z'));
    expect(set.metricValues.get('cpu/usage')).toBe(7);
    expect(set.metricValues.get('uptime')).toBe(nowMs - Date.parse('2017-04-19T10:00:00Z'));
  });

  it('lets the later entry win when both started at the same time, as Heapster did', () => {
    const { decoded } = withDuplicate(original.startTime, 5, 'after');
    expect(decoded.metricSets.get(beatsContainer)!.metricValues.get('cpu/usage')).toBe(5);
  });
});

describe('decodeSummary with user-defined metrics and accelerators', () => {
  const accelerators = [
    { make: 'nvidia', model: 'tesla-p100', id: 'GPU-0a1b', memoryTotal: 17_071_734_784, memoryUsed: 1_048_576, dutyCycle: 42 },
    { make: 'nvidia', model: 'tesla-k80', id: 'GPU-77ff', memoryTotal: 11_996_954_624, memoryUsed: 0, dutyCycle: 0 },
  ];
  const userDefinedMetrics = [
    { name: 'queue_depth', type: 'gauge', units: 'count', time: '2017-04-20T08:06:34Z', value: 12.5 },
    { name: 'requests', type: 'cumulative', units: 'count', time: '2017-04-20T08:06:34Z', value: 1000 },
    { name: 'errors', type: 'delta', units: 'count', time: '2017-04-20T08:06:34Z', value: -3 },
    { name: 'histogram', type: 'histogram', units: 'count', time: '2017-04-20T08:06:34Z', value: 1 },
  ];
  const { decoded } = decodeModified((s) => {
    container0(s).accelerators = accelerators;
    container0(s).userDefinedMetrics = userDefinedMetrics;
  });
  const set = decoded.metricSets.get(beatsContainer)!;

  it('labels each accelerator metric with make, model and accelerator_id', () => {
    const expected = accelerators.flatMap((a) =>
      (
        [
          ['accelerator/memory_total', a.memoryTotal],
          ['accelerator/memory_used', a.memoryUsed],
          ['accelerator/duty_cycle', a.dutyCycle],
        ] as const
      ).map(([name, value]) => ({
        name,
        labels: { make: a.make, model: a.model, accelerator_id: a.id },
        value,
      })),
    );
    expect(set.labeledMetrics.toArray().filter((m) => m.name.startsWith('accelerator/'))).toEqual(expected);
  });

  it('stores gauge, cumulative and delta metrics as custom/<name> floats and skips unknown types', () => {
    const custom = Object.fromEntries([...set.metricValues].filter(([name]) => name.startsWith('custom/')));
    expect(custom).toEqual({ 'custom/queue_depth': 12.5, 'custom/requests': 1000, 'custom/errors': -3 });
    // Values carry no types: decoding declares each custom metric's type from its first value.
    const types = Object.fromEntries(Object.keys(custom).map((name) => [name, metricTypesOf(name)]));
    expect(types).toEqual({
      'custom/queue_depth': { valueType: 'float', metricType: 'gauge' },
      'custom/requests': { valueType: 'float', metricType: 'cumulative' },
      'custom/errors': { valueType: 'float', metricType: 'delta' },
    });
    expect(decoded.droppedEntities).toBe(0);
  });
});

describe('decodeSummary with missing fields', () => {
  it('omits just the metric whose value is absent or null', () => {
    const { decoded } = decodeModified((s) => {
      delete container0(s).memory.rssBytes;
      container0(s).memory.pageFaults = null;
    });
    const names = [...decoded.metricSets.get(beatsContainer)!.metricValues.keys()];
    expect(names).not.toContain('memory/rss');
    expect(names).not.toContain('memory/page_faults');
    expect(names).toEqual(expect.arrayContaining(['memory/usage', 'memory/working_set', 'memory/major_page_faults', 'cpu/usage']));
    expect(decoded.droppedEntities).toBe(0);
  });

  it('takes the scrape time from memory.time when the cpu block is missing', () => {
    const { decoded } = decodeModified((s) => {
      delete container0(s).cpu;
      container0(s).memory.time = '2017-04-20T08:06:35Z';
    });
    const set = decoded.metricSets.get(beatsContainer)!;
    expect(set.scrapeTime).toBe(Date.parse('2017-04-20T08:06:35Z'));
    expect(set.metricValues.has('cpu/usage')).toBe(false);
  });

  it('takes the node scrape time from the first non-zero of cpu, memory and network times', () => {
    const times = (cpu: string | null, memory: string | null) =>
      decodeModified((s) => {
        s.node.cpu.time = cpu;
        s.node.memory.time = memory;
        s.node.network.time = '2017-04-20T08:06:43Z';
      }).decoded.metricSets.get(beatsNode)!.scrapeTime;
    expect(times('2017-04-20T08:06:41Z', '2017-04-20T08:06:42Z')).toBe(Date.parse('2017-04-20T08:06:41Z'));
    expect(times('0001-01-01T00:00:00Z', '2017-04-20T08:06:42Z')).toBe(Date.parse('2017-04-20T08:06:42Z'));
    expect(times(null, null)).toBe(Date.parse('2017-04-20T08:06:43Z'));
  });

  it('gives a pod without network stats no scrape time, even with pod cpu and memory times', () => {
    const { decoded } = decodeModified((s) => {
      delete s.pods[0].network;
      s.pods[0].cpu = { time: '2017-04-20T08:06:34Z', usageCoreNanoSeconds: 99 };
    });
    const pod = decoded.metricSets.get(beatsPod)!;
    expect(pod.scrapeTime).toBe(0);
    expect(pod.metricValues.get('cpu/usage')).toBe(99);
  });

  it('emits container ephemeral storage only when both rootfs and logs report used bytes', () => {
    const { decoded } = decodeModified((s) => delete container0(s).logs.usedBytes);
    const set = decoded.metricSets.get(beatsContainer)!;
    expect(set.metricValues.has('ephemeral_storage/usage')).toBe(false);
    expect(set.labeledMetrics.toArray().some((m) => m.labels['resource_id'] === 'logs' && m.name === 'filesystem/limit')).toBe(true);
  });

  it('emits no uptime without a start time and clamps a start in the future to zero uptime', () => {
    const { decoded } = decodeModified((s) => {
      s.node.startTime = null;
      container0(s).startTime = '2017-04-21T00:00:00Z';
    });
    expect(decoded.metricSets.get(beatsNode)!.metricValues.has('uptime')).toBe(false);
    expect(decoded.metricSets.get(beatsNode)!.collectionStartTime).toBe(0);
    expect(decoded.metricSets.get(beatsContainer)!.metricValues.get('uptime')).toBe(0);
  });

  it('accepts a document without pods or system containers', () => {
    const { decoded } = decodeModified((s) => {
      delete s.pods;
      s.node.systemContainers = null;
    });
    expect([...decoded.metricSets.keys()]).toEqual([beatsNode]);
  });

  it('renames runtime to docker-daemon and misc to system, but not inside pods', () => {
    const { decoded } = decodeModified((s) => {
      const kubelet = s.node.systemContainers[0];
      s.node.systemContainers.push({ ...kubelet, name: 'runtime' }, { ...kubelet, name: 'misc' });
      container0(s).name = 'runtime';
    });
    expect(decoded.metricSets.get(`${beatsNode}/container:docker-daemon`)!.labels['container_name']).toBe('docker-daemon');
    expect(decoded.metricSets.get(`${beatsNode}/container:system`)!.labels['container_name']).toBe('system');
    expect(decoded.metricSets.get(`${beatsPod}/container:runtime`)!.labels['container_name']).toBe('runtime');
  });
});

describe('decodeSummary on malformed documents', () => {
  const text = readFixture(k126);
  const manyPods = JSON.stringify({ node: { nodeName: 'n' }, pods: Array.from({ length: summaryLimits.podsPerNode + 1 }, () => ({})) });
  const manyVolumes = JSON.stringify({
    node: { nodeName: 'n' },
    pods: [{ podRef: { name: 'p', namespace: 'ns' }, volume: Array.from({ length: summaryLimits.volumesPerPod + 1 }, () => ({})) }],
  });

  it.each([
    ['truncated text of a real capture', text.slice(0, Math.floor(text.length / 2)), /: body: invalid JSON \(/],
    ['truncated bytes of a real capture', new TextEncoder().encode(text).subarray(0, 1000), /: body: invalid JSON \(/],
    ['an empty body', '', /: body: invalid JSON \(/],
    ['an array', '[]', /: document: expected an object, received an array of 0$/],
    ['null', 'null', /: document: expected an object, received null$/],
    ['a number', '42', /: document: expected an object, received number 42$/],
    ['no node', '{"pods":[]}', /: node: expected an object, received nothing$/],
    ['no node name', '{"node":{"startTime":"2017-04-18T12:53:49Z"}}', /: node\.nodeName: expected a non-empty string, received nothing$/],
    ['a numeric node name', '{"node":{"nodeName":7}}', /: node\.nodeName: expected a non-empty string, received number 7$/],
    ['pods as an object', '{"node":{"nodeName":"n"},"pods":{"a":1}}', /: pods: expected an array, received an object$/],
    ['system containers as a string', '{"node":{"nodeName":"n","systemContainers":"kubelet"}}', /: node\.systemContainers: expected an array, received string "kubelet"$/],
    ['containers as a number', '{"node":{"nodeName":"n"},"pods":[{"containers":3}]}', /: pods\[0\]\.containers: expected an array, received number 3$/],
    ['a huge pods array', manyPods, new RegExp(`: pods: ${summaryLimits.podsPerNode + 1} items exceed the limit of ${summaryLimits.podsPerNode}$`)],
    ['too many volumes in a pod', manyVolumes, new RegExp(`: pods\\[0\\]\\.volume: ${summaryLimits.volumesPerPod + 1} items exceed the limit`)],
  ])('rejects %s as malformed', (_name, body, message) => {
    const error = decodeError(body);
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/^kubelet summary of node node-a: /);
    expect(error.message).toMatch(message);
    expect(error.context['node']).toBe('node-a');
  });

  it.each([
    ['a cpu value as a string', (s: Json) => (container0(s).cpu.usageCoreNanoSeconds = '43959424'), [beatsContainer],
      'pods[0].containers[0]: cpu.usageCoreNanoSeconds: expected a non-negative integer up to 2^63, received string "43959424"'],
    ['a negative memory value', (s: Json) => (container0(s).memory.usageBytes = -1), [beatsContainer],
      'pods[0].containers[0]: memory.usageBytes: expected a non-negative integer up to 2^63, received number -1'],
    ['an absurd 1e300 filesystem size on the node', (s: Json) => (s.node.fs.capacityBytes = 1e300), [beatsNode],
      'node: fs.capacityBytes: expected a non-negative integer up to 2^63, received number 1e+300'],
    ['a fractional page-fault count', (s: Json) => (s.node.systemContainers[0].memory.pageFaults = 1.5), [beatsKubelet],
      'node.systemContainers[0]: memory.pageFaults: expected a non-negative integer up to 2^63, received number 1.5'],
    ['an unparsable start time', (s: Json) => (container0(s).startTime = 'yesterday'), [beatsContainer],
      'pods[0].containers[0]: startTime: expected an RFC 3339 time, received string "yesterday"'],
    ['a network block that is an array', (s: Json) => (s.pods[0].network = []), [beatsPod],
      'pods[0]: network: expected an object, received an array of 0'],
    ['a volume without a name', (s: Json) => delete s.pods[0].volume[0].name, [beatsPod],
      'pods[0]: volume[0].name: expected a non-empty string, received nothing'],
    ['a pod without a podRef name', (s: Json) => delete s.pods[0].podRef.name, [beatsPod, beatsContainer],
      'pods[0]: podRef.name: expected a non-empty string, received nothing'],
    ['a container that is not an object', (s: Json) => (s.pods[0].containers[0] = 'nginx'), [beatsContainer],
      'pods[0].containers[0]: expected an object, received string "nginx"'],
    ['a system container without a name', (s: Json) => delete s.node.systemContainers[0].name, [beatsKubelet],
      'node.systemContainers[0]: name: expected a non-empty string, received nothing'],
    ['a user-defined metric value as a string', (s: Json) => (container0(s).userDefinedMetrics = [{ name: 'x', type: 'gauge', value: '1' }]), [beatsContainer],
      'pods[0].containers[0]: userDefinedMetrics[0].value: expected a finite number, received string "1"'],
  ])('drops only the entity holding %s', (_name, change, droppedKeys, reason) => {
    const { decoded, dropped } = decodeModified(change);
    const all = [beatsNode, beatsKubelet, beatsPod, beatsContainer];
    expect(decoded.droppedEntities).toBe(droppedKeys.length);
    expect(dropped).toEqual([reason]);
    expect([...decoded.metricSets.keys()].sort()).toEqual(all.filter((k) => !droppedKeys.includes(k)).sort());
  });

  it('wraps an unexpected error into a malformed SourceError', () => {
    const body = readFixture(beats).replace('"usageCoreNanoSeconds": 43959424', '"usageCoreNanoSeconds": -5');
    const call = () =>
      decodeSummary(body, info, {
        nowMs,
        onDroppedEntity: () => {
          throw new TypeError('logger exploded');
        },
      });
    expect(call).toThrow(SourceError);
    expect(call).toThrow(/kubelet summary of node node-a: decoding failed: logger exploded/);
  });
});

describe('RFC 3339 timestamps', () => {
  it.each([
    '2017-04-20T08:06:46Z',
    '2022-12-27T23:32:05.123Z',
    '2022-12-27T23:32:05.123456789Z',
    '2022-12-27T23:32:05.5+02:00',
    '2022-12-27T23:32:05-05:30',
    '2024-02-29T00:00:00Z',
    '2022-12-27t23:32:05z',
    '1970-01-01T00:00:00Z',
  ])('parses %s to the same epoch ms as Date.parse', (text) => {
    expect(parseRfc3339Ms(text)).toBe(Date.parse(text));
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2017-04-20 08:06:46Z',
    '2017-04-20T08:06:46',
    '2017-04-20T24:00:00Z',
    '2017-04-20T08:60:00Z',
    '2017-04-20T08:06:46.Z',
    '2017-04-20T08:06:46+0200',
    '2017-04-20T08:06:46Zjunk',
    '1969-12-31T23:59:59Z',
    '17-04-20T08:06:46Z',
    'not a time at all, really',
  ])('rejects %s', (text) => {
    expect(parseRfc3339Ms(text)).toBeUndefined();
  });

  it("maps Go's zero time, null, absent and empty values to 0 and other types to undefined", () => {
    const read = createTimestampReader();
    expect(parseRfc3339Ms('0001-01-01T00:00:00Z')).toBe(0);
    expect([read(undefined), read(null), read(''), read('0001-01-01T00:00:00Z')]).toEqual([0, 0, 0, 0]);
    expect([read(1_492_675_606), read({}), read('garbage')]).toEqual([undefined, undefined, undefined]);
    expect([read('2017-04-20T08:06:46Z'), read('2017-04-20T08:06:46Z')]).toEqual([1_492_675_606_000, 1_492_675_606_000]);
  });
});
