import { Agent, get as httpGet, request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimCluster } from '../../src/sim/cluster/model.js';
import type { SimCluster } from '../../src/sim/cluster/types.js';
import { SimError } from '../../src/sim/errors.js';
import { listenOnLoopback } from '../../src/sim/kubelet/listeners.js';
import { startKubelets, type KubeletServer } from '../../src/sim/kubelet/server.js';
import { createMapStore } from './map-store.js';

const startMs = Date.UTC(2024, 6, 1, 0, 0, 0);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over node:http (so tests control keep-alive); rejects on connection errors and cut bodies. */
function get(url: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
  });
}

let cluster: SimCluster;
let kubelets: KubeletServer;
const url = (index: number, path: string) => `http://${cluster.nodes[index]!.address}:${kubelets.port}${path}`;

beforeAll(async () => {
  cluster = createSimCluster({ nodes: 50, podsPerNode: 8, seed: 2, kubeletPort: 0, clock: () => startMs, store: createMapStore() });
  kubelets = await startKubelets({ cluster });
});

afterAll(async () => {
  await kubelets.close();
});

afterEach(() => kubelets.faults.clear());

describe('the fake kubelets', () => {
  it('answer on every node address on one shared port, each as its own node', async () => {
    expect(kubelets.port).toBeGreaterThan(0);
    expect(cluster.kubeletPort).toBe(kubelets.port);
    const replies = await Promise.all(cluster.nodes.map((_, i) => get(url(i, '/stats/summary'))));
    replies.forEach((reply, i) => {
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(JSON.parse(reply.body).node.nodeName).toBe(cluster.nodes[i]!.name);
    });
  });

  it('serve /stats/summary/ with a trailing slash exactly like /stats/summary', async () => {
    const [plain, slash] = await Promise.all([get(url(3, '/stats/summary')), get(url(3, '/stats/summary/'))]);
    expect(slash.status).toBe(200);
    expect(slash.body).toBe(plain.body);
  });

  it('serve /metrics/resource, /healthz and /pods, and 404 anything else', async () => {
    const resource = await get(url(4, '/metrics/resource'));
    expect(resource.status).toBe(200);
    expect(resource.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(resource.body).toContain('node_cpu_usage_seconds_total ');
    expect(await get(url(4, '/healthz'))).toMatchObject({ status: 200, body: 'ok' });
    const pods = JSON.parse((await get(url(4, '/pods'))).body);
    expect(pods.kind).toBe('PodList');
    expect(pods.items.map((pod: { metadata: { name: string } }) => pod.metadata.name)).toEqual(cluster.nodes[4]!.pods.map((pod) => pod.name));
    expect(await get(url(4, '/stats'))).toMatchObject({ status: 404, body: '404 page not found\n' });
    expect((await get(url(4, '/stats/summary?only_cpu_and_memory=false'))).status).toBe(200);
  });

  it('refuse methods other than GET and HEAD', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url(1, '/stats/summary'), { method: 'POST', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(405);
  });

  it('count the requests they receive', async () => {
    const before = kubelets.requests;
    await get(url(0, '/healthz'));
    expect(kubelets.requests).toBe(before + 1);
  });
});

describe('kubelet faults over HTTP', () => {
  it('down: new connections fail and open keep-alive connections are dropped, until cleared', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get(url(5, '/healthz'), agent)).status).toBe(200);
      kubelets.faults.set(cluster.nodes[5]!.name, { kind: 'down' });
      await expect(get(url(5, '/healthz'), agent)).rejects.toThrow();
      await expect(get(url(5, '/stats/summary'))).rejects.toThrow();
      expect((await get(url(6, '/healthz'))).status).toBe(200);
      kubelets.faults.clear(cluster.nodes[5]!.name);
      expect((await get(url(5, '/healthz'))).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('slow: answers only after the delay, and a client deadline fires first', async () => {
    kubelets.faults.set(cluster.nodes[7]!.name, { kind: 'slow', delayMs: 300 });
    await expect(fetch(url(7, '/healthz'), { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    const started = performance.now();
    const reply = await get(url(7, '/stats/summary'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(JSON.parse(reply.body).node.nodeName).toBe(cluster.nodes[7]!.name);
  });

  it('status: answers that status with a plain-text error', async () => {
    kubelets.faults.set(cluster.nodes[8]!.name, { kind: 'status', status: 503 });
    const reply = await get(url(8, '/stats/summary/'));
    expect(reply.status).toBe(503);
    expect(reply.body).toContain('Service Unavailable');
    expect(reply.body).toContain(cluster.nodes[8]!.name);
  });

  it('malformed: 200 with a body that is neither JSON nor Prometheus text', async () => {
    kubelets.faults.set(cluster.nodes[9]!.name, { kind: 'malformed' });
    const summary = await get(url(9, '/stats/summary'));
    expect(summary.status).toBe(200);
    expect(() => JSON.parse(summary.body)).toThrow(SyntaxError);
    const resource = await get(url(9, '/metrics/resource'));
    expect(resource.status).toBe(200);
    const sample = /^(#.*|[a-z_]+(\{[^}]*\})? \S+( \d+)?)?$/;
    expect(resource.body.split('\n').every((line) => sample.test(line))).toBe(false);
  });

  it('truncated: announces the full length, sends half, closes the connection', async () => {
    const full = await get(url(10, '/stats/summary'));
    kubelets.faults.set(cluster.nodes[10]!.name, { kind: 'truncated' });
    const received = await new Promise<{ length: number; announced: number; error: string }>((resolve) => {
      httpGet(url(10, '/stats/summary'), { agent: false }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('error', (error) => resolve({ length, announced: Number(res.headers['content-length']), error: error.message }));
        res.on('end', () => resolve({ length, announced: Number(res.headers['content-length']), error: '' }));
      });
    });
    expect(received.announced).toBe(Buffer.byteLength(full.body));
    expect(received.length).toBe(Math.floor(received.announced / 2));
    expect(received.error).toBe('aborted');
    await expect(fetch(url(10, '/stats/summary')).then((res) => res.text())).rejects.toThrow();
  });

  it('oversized: streams the real body padded to the requested size without a length', async () => {
    const bytes = 3 * 1024 * 1024 + 17;
    kubelets.faults.set(cluster.nodes[11]!.name, { kind: 'oversized', bytes });
    const reply = await get(url(11, '/stats/summary'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBeUndefined();
    expect(Buffer.byteLength(reply.body)).toBe(bytes);
    expect(JSON.parse(reply.body).node.nodeName).toBe(cluster.nodes[11]!.name);
  });

  it('refuse unknown nodes and bad faults, naming what was wrong', () => {
    expect(() => kubelets.faults.set('no-such-node', { kind: 'down' })).toThrow(expect.objectContaining({ code: 'unknown_node' }));
    const bad = [
      [{ kind: 'slow', delayMs: -1 }, 'fault.delayMs'],
      [{ kind: 'status', status: 42 }, 'fault.status'],
      [{ kind: 'oversized', bytes: 0 }, 'fault.bytes'],
      [{ kind: 'explode' }, 'fault.kind'],
    ] as const;
    for (const [fault, field] of bad) {
      expect(() => kubelets.faults.set(cluster.nodes[0]!.name, fault as never)).toThrow(
        expect.objectContaining({ code: 'invalid_option', context: { option: field } }),
      );
    }
    expect(kubelets.faults.size).toBe(0);
  });
});

describe('kubelet listeners', () => {
  it('bind nothing outside 127.0.0.0/8', async () => {
    for (const address of ['0.0.0.0', '10.0.0.1', '::1', '127.0.0.256']) {
      await expect(listenOnLoopback({ addresses: [address], port: 0, onConnection: () => undefined })).rejects.toThrow(SimError);
    }
  });

  it('free the port and every address on close', async () => {
    const small = createSimCluster({ nodes: 3, podsPerNode: 2, seed: 9, kubeletPort: 0, clock: () => startMs, store: createMapStore() });
    const server = await startKubelets({ cluster: small });
    const target = `http://${small.nodes[2]!.address}:${server.port}/healthz`;
    expect((await get(target)).status).toBe(200);
    await server.close();
    await expect(get(target)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('report a taken port as bind_failed', async () => {
    const small = createSimCluster({ nodes: 2, podsPerNode: 1, seed: 9, kubeletPort: kubelets.port, clock: () => startMs, store: createMapStore() });
    // Node 0 of every cluster is 127.0.1.1, already bound by the 50-node kubelets.
    await expect(startKubelets({ cluster: small })).rejects.toThrow(expect.objectContaining({ code: 'bind_failed' }));
  });
});
