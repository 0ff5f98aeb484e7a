import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** JSON of a GET (the tests only read lists and summaries). */
async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}
import { startSimCluster, type RunningSimCluster } from '../../src/sim/index.js';

let nowMs = Date.UTC(2024, 10, 5, 6, 0, 0);
let sim: RunningSimCluster;

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 6, podsPerNode: 10, seed: 3, kubeletPort: 0, clock: () => nowMs, churn: { podsPerMinute: 12 } });
});

afterAll(async () => {
  await sim.close();
});

describe('startSimCluster', () => {
  it('serves the cluster\'s nodes from the API server with the kubelet port it bound', async () => {
    const list = await getJson(`${sim.apiUrl}/api/v1/nodes`);
    expect(list.kind).toBe('NodeList');
    expect(list.items.map((node: { metadata: { name: string } }) => node.metadata.name)).toEqual(sim.cluster.nodes.map((node) => node.name));
    for (const node of list.items) expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBe(sim.kubeletPort);
    const pods = await getJson(`${sim.apiUrl}/api/v1/pods`);
    expect(pods.items).toHaveLength(60);
  });

  it('answers each node\'s InternalIP with that node\'s summary', async () => {
    const list = await getJson(`${sim.apiUrl}/api/v1/nodes`);
    for (const node of list.items) {
      const ip = node.status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address;
      const summary = await getJson(`http://${ip}:${sim.kubeletPort}/stats/summary/`);
      expect(summary.node.nodeName).toBe(node.metadata.name);
    }
  });

  it('lets an HTTP watch see churn as it happens', async () => {
    const list = await getJson(`${sim.apiUrl}/api/v1/pods`);
    const controller = new AbortController();
    const response = await fetch(`${sim.apiUrl}/api/v1/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`, { signal: controller.signal });
    nowMs += 10_000;
    expect(sim.cluster.tick()).toBe(2);
    const events: Array<{ type: string; object: { metadata: { name: string } } }> = [];
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    while (events.length < 4) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line));
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(events.map((event) => event.type)).toEqual(['DELETED', 'ADDED', 'DELETED', 'ADDED']);
    const pods = await getJson(`${sim.apiUrl}/api/v1/pods`);
    expect(pods.items).toHaveLength(60);
    expect(pods.items.map((pod: { metadata: { name: string } }) => pod.metadata.name)).toContain(events[1]!.object.metadata.name);
  });

  it('exposes per-node kubelet faults', async () => {
    const node = sim.cluster.nodes[2]!;
    sim.faults.set(node.name, { kind: 'status', status: 500 });
    expect((await fetch(`http://${node.address}:${sim.kubeletPort}/healthz`)).status).toBe(500);
    sim.faults.clear();
    expect((await fetch(`http://${node.address}:${sim.kubeletPort}/healthz`)).status).toBe(200);
  });
});
