import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphqlApp, type GraphqlApp } from './harness.js';

let t: GraphqlApp;

beforeAll(async () => {
  t = await startGraphqlApp({ defaultPageSize: 50, maxPageSize: 200 });
  await t.app.manager.stop();
  await t.app.sinks.idle();
});
afterAll(async () => t?.stop());

/** Keys ordered as the API promises: by latest value, entities without one last, ties by key. */
function expectedOrder(keys: string[], metric: string, direction: 'ASC' | 'DESC'): Array<{ key: string; value: number | null }> {
  const entries = keys.map((key) => ({ key, value: t.app.query.latest(key, metric)?.value ?? null }));
  return entries.sort((a, b) => {
    if (a.value !== b.value) {
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      return direction === 'ASC' ? a.value - b.value : b.value - a.value;
    }
    return a.key < b.key ? -1 : 1;
  });
}

describe('top-N ordering', () => {
  it('orders every pod by a metric\'s latest value, largest first, with that value on each edge', async () => {
    const { data } = await t.gql(`{ pods(orderBy: { metric: "cpu/usage_rate" }) { totalCount edges { orderValue node { key } } } }`);
    const expected = expectedOrder(t.app.query.pods().map((p) => p.key), 'cpu/usage_rate', 'DESC');
    expect(data!.pods.edges.map((e: any) => ({ key: e.node.key, value: e.orderValue }))).toEqual(expected);
    expect(data!.pods.totalCount).toBe(expected.length);
  });

  it('gives the top pods of one namespace, smallest first on request', async () => {
    const namespace = t.app.query.namespaces().map((n) => n.labels.namespace_name!).sort((a, b) => t.app.query.pods(b).length - t.app.query.pods(a).length)[0]!;
    const { data } = await t.gql(`query($ns: String!) { namespace(name: $ns) {
      top: pods(orderBy: { metric: "memory/usage" }, first: 3) { edges { orderValue node { name } } pageInfo { hasNextPage } }
      bottom: pods(orderBy: { metric: "memory/usage", direction: ASC }, first: 2) { edges { orderValue node { name } } }
    } }`, { ns: namespace });
    const keys = t.app.query.pods(namespace).map((p) => p.key);
    const name = (key: string) => key.slice(key.indexOf('/pod:') + 5);
    expect(data!.namespace.top.edges.map((e: any) => [e.node.name, e.orderValue])).toEqual(expectedOrder(keys, 'memory/usage', 'DESC').slice(0, 3).map((e) => [name(e.key), e.value]));
    expect(data!.namespace.top.pageInfo.hasNextPage).toBe(keys.length > 3);
    expect(data!.namespace.bottom.edges.map((e: any) => [e.node.name, e.orderValue])).toEqual(expectedOrder(keys, 'memory/usage', 'ASC').slice(0, 2).map((e) => [name(e.key), e.value]));
  });

  it('orders namespaces of the cluster and nodes by any metric', async () => {
    const { data } = await t.gql(`{ cluster { namespaces(orderBy: { metric: "memory/usage" }) { edges { orderValue node { key } } } nodes(orderBy: { metric: "cpu/node_utilization" }) { edges { orderValue node { key } } } } }`);
    expect(data!.cluster.namespaces.edges.map((e: any) => ({ key: e.node.key, value: e.orderValue }))).toEqual(expectedOrder(t.app.query.namespaces().map((n) => n.key), 'memory/usage', 'DESC'));
    expect(data!.cluster.nodes.edges.map((e: any) => ({ key: e.node.key, value: e.orderValue }))).toEqual(expectedOrder(t.app.query.nodes().map((n) => n.key), 'cpu/node_utilization', 'DESC'));
  });

  it('rejects ordering by a labeled or unknown metric', async () => {
    const labeled = await t.gql(`{ pods(orderBy: { metric: "filesystem/usage" }) { totalCount } }`);
    expect(labeled.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'orderBy.metric' });
    const unknown = await t.gql(`{ pods(orderBy: { metric: "nope" }) { totalCount } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'orderBy.metric' });
  });
});

describe('cursor pagination', () => {
  async function walk(orderBy: string): Promise<{ keys: string[]; pages: number; previous: boolean[] }> {
    const keys: string[] = [];
    const previous: boolean[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: any = await t.gql(`query($after: String) { pods(first: 4, after: $after${orderBy}) { totalCount edges { cursor node { key } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, { after });
      expect(response.errors).toBeUndefined();
      const page = response.data.pods;
      pages++;
      keys.push(...page.edges.map((e: any) => e.node.key));
      previous.push(page.pageInfo.hasPreviousPage);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) return { keys, pages, previous };
      after = page.pageInfo.endCursor;
    }
  }

  it('walks every pod in pages of four, each once, in key order', async () => {
    const all = t.app.query.pods().map((p) => p.key);
    const { keys, pages, previous } = await walk('');
    expect(keys).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 4));
    expect(previous).toEqual([false, ...Array(pages - 1).fill(true)]);
  });

  it('walks pages of a top-N ordering the same way', async () => {
    const { keys } = await walk(', orderBy: { metric: "cpu/usage_rate" }');
    expect(keys).toEqual(expectedOrder(t.app.query.pods().map((p) => p.key), 'cpu/usage_rate', 'DESC').map((e) => e.key));
  });

  it('uses the default page size and rejects one beyond the maximum', async () => {
    const { data } = await t.gql(`{ pods { edges { cursor } } }`);
    expect(data!.pods.edges.length).toBe(Math.min(50, t.app.query.pods().length));
    const tooMany = await t.gql(`{ pods(first: 201) { totalCount } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first', received: 201 });
    const negative = await t.gql(`{ pods(first: -1) { totalCount } }`);
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('rejects a cursor that is not one, or belongs to another ordering', async () => {
    const garbage = await t.gql(`{ pods(after: "not-a-cursor") { totalCount } }`);
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    const { data } = await t.gql(`{ pods(first: 1) { pageInfo { endCursor } } }`);
    const other = await t.gql(`query($after: String) { pods(after: $after, orderBy: { metric: "cpu/usage_rate" }) { totalCount } }`, { after: data!.pods.pageInfo.endCursor });
    expect(other.errors?.[0]?.message).toContain('another ordering');
  });
});

describe('label selectors', () => {
  const simPods = () => (t.app.sim!.store.list('pods') as V1Pod[]).filter((p) => t.app.query.entity(`namespace:${p.metadata!.namespace}/pod:${p.metadata!.name}`));

  it('filters pods with equality and set-based requirements over their Kubernetes labels', async () => {
    const app = simPods().map((p) => p.metadata!.labels?.app).find((a) => a !== undefined)!;
    const { data } = await t.gql(`query($a: String!, $b: String!) { byApp: pods(labelSelector: $a) { totalCount nodes { name } } bySet: pods(labelSelector: $b) { totalCount } }`, {
      a: `app=${app}`,
      b: 'k8s-app in (kube-dns,kube-proxy),!app',
    });
    const expectedApp = simPods().filter((p) => p.metadata!.labels?.app === app).map((p) => p.metadata!.name).sort();
    expect(data!.byApp.nodes.map((p: any) => p.name).sort()).toEqual(expectedApp);
    expect(data!.byApp.totalCount).toBe(expectedApp.length);
    const expectedSet = simPods().filter((p) => ['kube-dns', 'kube-proxy'].includes(p.metadata!.labels?.['k8s-app'] ?? '') && p.metadata!.labels?.app === undefined);
    expect(data!.bySet.totalCount).toBe(expectedSet.length);
    expect(expectedSet.length).toBeGreaterThan(0);
  });

  it('filters nodes by their labels', async () => {
    const nodes = t.app.sim!.store.list('nodes') as V1Node[];
    const zone = nodes[0]!.metadata!.labels!['topology.kubernetes.io/zone']!;
    const { data } = await t.gql(`query($s: String!) { nodes(labelSelector: $s) { nodes { name } } }`, { s: `topology.kubernetes.io/zone=${zone}` });
    expect(data!.nodes.nodes.map((n: any) => n.name)).toEqual(nodes.filter((n) => n.metadata!.labels!['topology.kubernetes.io/zone'] === zone).map((n) => n.metadata!.name).sort());
  });

  it('rejects a selector that does not parse, naming where', async () => {
    const { errors } = await t.gql(`{ pods(labelSelector: "app in (a") { totalCount } }`);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', selector: 'app in (a' });
    expect(errors?.[0]?.message).toContain('invalid label selector');
  });
});
