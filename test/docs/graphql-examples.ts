/**
 * Fills the examples of docs/api-graphql.md with the answers a running Heapgraph gives them
 * (embedded simulator, 2 s resolution, a few batches in). Each example sits between
 * `<!-- example:<id> -->` and `<!-- /example -->` in the document; everything between the markers
 * is rewritten (query, variables, answer), the prose around them is left alone. Long lists are
 * trimmed visibly (`"… N more"`). Run with `npx tsx test/docs/graphql-examples.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createGraphqlSurface } from '../../src/api/graphql/index.js';
import { toConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';
import { silentLogger } from '../../src/core/log.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docPath = resolve(root, 'docs/api-graphql.md');

/** What the examples are run against. */
interface ExampleContext {
  namespace: string;
  pod: string;
}

/** One example of the document. */
interface GraphqlExample {
  query: string;
  variables?: (context: ExampleContext) => Record<string, unknown>;
  /** Sent over graphql-ws; the first two messages are shown. */
  subscription?: boolean;
}

const examples: Readonly<Record<string, GraphqlExample>> = {
  'cluster-overview': {
    query: `query ClusterOverview {
  model { newestBatch batches retention resolution }
  cluster {
    cpu: latest(name: "cpu/usage_rate") { timestamp value }
    memory: latest(name: "memory/usage") { value }
    cpuRequests: latest(name: "cpu/request") { value }
    nodes(orderBy: { metric: "cpu/node_utilization" }) {
      totalCount
      edges {
        orderValue
        node { name ready capacity { cpuMillicores memoryBytes } scrapeStatus { outcome latency } }
      }
    }
    namespaces(orderBy: { metric: "memory/usage" }) {
      edges { orderValue node { name cpu: latest(name: "cpu/usage_rate") { value } } }
    }
  }
}`,
  },
  'namespace-top-pods': {
    query: `query NamespaceTopPods($namespace: String!) {
  namespace(name: $namespace) {
    name
    pods(orderBy: { metric: "cpu/usage_rate" }, first: 3) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        orderValue
        node {
          name phase restartCount
          node { name }
          owner { workloadKind name }
          memory: latest(name: "memory/usage") { value }
        }
      }
    }
  }
}`,
    variables: ({ namespace }) => ({ namespace }),
  },
  'pod-detail': {
    query: `query PodDetail($namespace: String!, $pod: String!) {
  pod(namespace: $namespace, name: $pod) {
    name uid phase startTime labels { key value }
    node { name }
    owner { key workloadKind name }
    cpu: metric(name: "cpu/usage_rate", range: { lastMinutes: 15 }) { units points { timestamp value } }
    cpuStats: aggregate(name: "cpu/usage_rate", range: { lastMinutes: 15 }) { buckets { count average maximum p95 } }
    containers {
      name image restartCount
      requests { cpuMillicores memoryBytes }
      limits { cpuMillicores memoryBytes }
      memory: metric(name: "memory/working_set", range: { lastMinutes: 15 }) { points { timestamp value } }
    }
    volumes {
      name source
      usage: latest(name: "filesystem/usage") { value }
    }
  }
}`,
    variables: ({ namespace, pod }) => ({ namespace, pod }),
  },
  'live-namespace': {
    query: `subscription LiveNamespace($namespace: String!) {
  liveNamespacePods(namespace: $namespace, metrics: ["cpu/usage_rate", "memory/usage"]) {
    timestamp
    entities { name values { metric value } }
  }
}`,
    variables: ({ namespace }) => ({ namespace }),
    subscription: true,
  },
  'depth-limit': {
    query: `{ cluster { pods(first: 1) { nodes { node { pods(first: 1) { nodes { owner { pods(first: 1) { nodes { node { pods(first: 1) { nodes { containers { pod { node { name } } } } } } } } } } } } } } } }`,
  },
};
const flags = ['--source=sim:?nodes=3&podsPerNode=8&seed=7', '--metric_resolution=2s', '--heapster_port=0', '--listen_ip=127.0.0.1'];
const batches = 8;
const maxItems = 8;

/** Trims lists longer than {@link maxItems}, saying how much was left out. */
function trim(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept = value.slice(0, maxItems).map(trim);
    return value.length > maxItems ? [...kept, `… ${value.length - maxItems} more`] : kept;
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trim(v)]));
  return value;
}

function block(language: string, text: string): string {
  return `\`\`\`${language}\n${text.trimEnd()}\n\`\`\``;
}

async function runQuery(app: Heapgraph, example: GraphqlExample, variables: Record<string, unknown> | undefined): Promise<string> {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: example.query, variables }) });
  const body = (await response.json()) as unknown;
  return [`→ HTTP ${response.status}`, block('json', JSON.stringify(trim(body), null, 2))].join('\n\n');
}

async function runSubscription(app: Heapgraph, example: GraphqlExample, variables: Record<string, unknown> | undefined): Promise<string> {
  const client = createClient({ url: `${app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const messages: unknown[] = [];
  await new Promise<void>((done, fail) => {
    const unsubscribe = client.subscribe(
      { query: example.query, ...(variables ? { variables } : {}) },
      {
        next: (message) => {
          messages.push(message);
          if (messages.length === 2) {
            unsubscribe();
            done();
          }
        },
        error: (error) => fail(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => done(),
      },
    );
  });
  await client.dispose();
  return messages.map((m, i) => [`Message ${i + 1}:`, block('json', JSON.stringify(trim(m), null, 2))].join('\n\n')).join('\n\n');
}

async function main(): Promise<void> {
  const result = toConfig(parseFlags(flags));
  if (!result.ok) throw new Error('bad flags');
  const app = await runHeapgraph(result.config, silentLogger(), { surfaces: [createGraphqlSurface()] });
  try {
    await new Promise<void>((done) => {
      if (app.query.timestamps().length >= batches) done();
      const stop = app.feed.onBatch(() => {
        if (app.query.timestamps().length < batches) return;
        stop();
        done();
      });
    });
    const q = app.query;
    // The namespace using the most CPU, and its busiest pod.
    const namespace = q.namespaces().sort((a, b) => (q.latest(b.key, 'cpu/usage_rate')?.value ?? 0) - (q.latest(a.key, 'cpu/usage_rate')?.value ?? 0))[0]!.labels.namespace_name!;
    const pod = q.pods(namespace).sort((a, b) => (q.latest(b.key, 'cpu/usage_rate')?.value ?? 0) - (q.latest(a.key, 'cpu/usage_rate')?.value ?? 0))[0]!;
    const context: ExampleContext = { namespace, pod: pod.labels.pod_name! };
    let doc = readFileSync(docPath, 'utf8');
    for (const [id, example] of Object.entries(examples)) {
      const pattern = new RegExp(`(<!-- example:${id} -->)[\\s\\S]*?(<!-- /example -->)`);
      if (!pattern.test(doc)) throw new Error(`docs/api-graphql.md has no example:${id} markers`);
      const variables = example.variables?.(context);
      const parts = [block('graphql', example.query)];
      if (variables) parts.push('Variables:', block('json', JSON.stringify(variables, null, 2)));
      parts.push(example.subscription ? await runSubscription(app, example, variables) : await runQuery(app, example, variables));
      doc = doc.replace(pattern, (_all, open: string, close: string) => `${open}\n${parts.join('\n\n')}\n${close}`);
    }
    writeFileSync(docPath, doc);
  } finally {
    await app.stop();
  }
}

await main();
