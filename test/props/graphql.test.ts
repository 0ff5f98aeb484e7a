/**
 * Property-based tests of GraphQL over HTTP against Heapgraph on its embedded simulator:
 * documents generated from schema.graphql with right and wrong argument values, operations with
 * variables and random variables JSON, damaged document text, and damaged request bodies, all
 * POSTed to /graphql. Whatever is sent: no 5xx, every error says what was wrong (a message and
 * a code, never the masked internal error), returned data fits the schema and the document,
 * the server stays healthy, logs nothing at warn or above, and nothing is left unhandled.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlSurface } from '../../src/api/graphql/index.js';
import { maskedMessage } from '../../src/api/graphql/errors.js';
import { parse, type GraphQLSchema } from '../../src/api/graphql/graphqlJs.js';
import { createSchema } from '../../src/api/graphql/schema.js';
import { createRestSurface } from '../../src/api/rest/index.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';
import { simFlags } from '../api/graphql/harness.js';
import { configFrom, waitFor } from '../helpers/heapgraph.js';
import { mutatedDocuments, queryDocuments, variableOperations, type GraphNames } from './graphqlArbitraries.js';
import { shapeProblems } from './graphqlShape.js';
import { propertySeed, recordingLogger, send, watchProcess, type Exchange, type ProcessWatch, type RecordingLogger } from './harness.js';

/** Generated cases per property (documents, variables, damaged text, damaged bodies). */
export const graphqlRuns = { documents: 500, variables: 300, damagedText: 400, damagedBodies: 200 } as const;

let app: Heapgraph;
let log: RecordingLogger;
let watch: ProcessWatch;
let schema: GraphQLSchema;
let names: GraphNames;

beforeAll(async () => {
  watch = watchProcess();
  log = recordingLogger();
  app = await runHeapgraph(configFrom(simFlags), log.logger, { surfaces: [createGraphqlSurface(), createRestSurface()] });
  await waitFor(() => (app.query.timestamps().length >= 3 ? true : undefined), 20_000);
  schema = createSchema();
  const q = app.query;
  const keys = q.keys();
  const labeled = keys.flatMap((key) => q.labeledMetricNames(key).flatMap((metric) => q.labeledSeries(key, metric, undefined)));
  names = {
    nodes: q.nodes().map((n) => n.labels.nodename!),
    namespaces: q.namespaces().map((n) => n.labels.namespace_name!),
    pods: q.pods().map((p) => p.labels.pod_name!),
    workloads: q.workloads().map((w) => w.labels.workload_name!).filter((w) => w !== undefined),
    metrics: [...new Set(keys.flatMap((k) => q.metricNames(k)))].sort(),
    labeledMetrics: [...new Set(keys.flatMap((k) => q.labeledMetricNames(k)))].sort(),
    kubeLabels: [...new Set(q.kube.listPods().flatMap((p) => Object.entries(p.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`)))],
    resourceIds: [...new Set(labeled.map((s) => s.labels.resource_id).filter((r): r is string => r !== undefined))],
    timestamps: [...q.timestamps()],
  };
}, 30_000);

afterAll(async () => {
  await app?.stop();
  watch?.stop();
});

interface GraphqlBody {
  data?: unknown;
  errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
}

/** POSTs a body (any text) to /graphql. */
function post(body: string, contentType = 'application/json'): Promise<Exchange> {
  return send(app.url, { method: 'POST', target: '/graphql', headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }, body });
}

/** The properties of every answer; `document` is the query text when the request carried one. */
function checkAnswer(request: string, answer: Exchange, document?: string, operationName?: string): GraphqlBody {
  const context = `${request.slice(0, 400)} → ${answer.status} ${answer.text.slice(0, 400)}`;
  expect(answer.status, context).toBeLessThan(500);
  expect([200, 400, 413, 415], context).toContain(answer.status);
  let body: GraphqlBody;
  try {
    body = JSON.parse(answer.text) as GraphqlBody;
  } catch {
    throw new Error(`answer is not JSON: ${context}`);
  }
  if (answer.status !== 200) {
    expect(body.errors?.length ?? 0, `a refusal without errors: ${context}`).toBeGreaterThan(0);
    expect(body.data, `a refusal with data: ${context}`).toBeUndefined();
  }
  for (const error of body.errors ?? []) {
    expect(typeof error.message === 'string' && error.message.trim() !== '', `an error without a message: ${context}`).toBe(true);
    expect(error.message, `an internal error: ${context}`).not.toBe(maskedMessage);
    expect(typeof error.extensions?.code, `an error without a code: ${context}`).toBe('string');
    expect(error.extensions?.code, `an internal error: ${context}`).not.toBe('INTERNAL_SERVER_ERROR');
  }
  if (body.data !== undefined && document !== undefined) {
    expect(shapeProblems(schema, parse(document), body.data, operationName), `data off the schema: ${context}`).toEqual([]);
  }
  return body;
}

async function expectHealthy(after: string): Promise<void> {
  const health = await send(app.url, { method: 'GET', target: '/healthz' });
  expect(health.status, `healthz after ${after.slice(0, 300)}`).toBe(200);
}

describe('GraphQL documents generated from the schema', () => {
  it(`answer without 5xx, with meaningful errors and data that fits the schema (${graphqlRuns.documents} documents)`, async () => {
    const outcomes = { data: 0, errors: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(queryDocuments(schema, names), async (query) => {
        const body = checkAnswer(query, await post(JSON.stringify({ query })), query);
        if (body.data !== undefined && body.data !== null) outcomes.data++;
        if (body.errors) outcomes[body.data === undefined ? 'refused' : 'errors']++;
      }),
      { seed: propertySeed, numRuns: graphqlRuns.documents },
    );
    // The mix executes documents, not only refuses them.
    expect(outcomes.data, JSON.stringify(outcomes)).toBeGreaterThan(graphqlRuns.documents / 5);
    expect(outcomes.refused, JSON.stringify(outcomes)).toBeGreaterThan(graphqlRuns.documents / 10);
    expect(outcomes.errors, JSON.stringify(outcomes)).toBeGreaterThan(graphqlRuns.documents / 20);
    await expectHealthy('generated documents');
  });

  it(`take any variables JSON (${graphqlRuns.variables} operations)`, async () => {
    await fc.assert(
      fc.asyncProperty(variableOperations(schema, names), async ({ query, variables }) => {
        const request = JSON.stringify({ query, variables, operationName: 'Vars' });
        checkAnswer(request, await post(request), query, 'Vars');
      }),
      { seed: propertySeed, numRuns: graphqlRuns.variables },
    );
    await expectHealthy('variables');
  });

  it(`refuse damaged document text with a parse or validation error (${graphqlRuns.damagedText} documents)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDocuments(queryDocuments(schema, names)), async (query) => {
        let parsed = true;
        try {
          parse(query);
        } catch {
          parsed = false;
        }
        const answer = await post(JSON.stringify({ query }));
        checkAnswer(query, answer, parsed ? query : undefined);
        if (!parsed) expect(answer.status, query).toBe(400);
      }),
      { seed: propertySeed, numRuns: graphqlRuns.damagedText },
    );
    await expectHealthy('damaged documents');
  });

  it('refuse documents nested thousands of levels deep, and fragment chains thousands long, without a stack overflow', async () => {
    const before = log.entries.length;
    let logged: RecordingLogger['entries'] = [];
    // Selections 3 fields per step (1,200 to 9,000 levels; the depth limit is 15), list and
    // input-object values nested as deep, and a chain of fragment spreads, all under 256 KiB.
    const selections = (steps: number) => `query { node(name: "x") { ${'pods(first: 1) { nodes { node { '.repeat(steps)}name${' } } }'.repeat(steps)} } }`;
    const lists = (levels: number) => `query { nodes(labelSelector: ${'['.repeat(levels)}"a"${']'.repeat(levels)}) { totalCount } }`;
    const objects = (levels: number) => `query { cluster { aggregate(name: "cpu/usage_rate", labels: ${'{ key: "a", value: '.repeat(levels)}"x"${' }'.repeat(levels)}) { name } } }`;
    const chain = (spreads: number) =>
      `query { ...F0 } ${Array.from({ length: spreads }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join(' ')} fragment F${spreads} on Query { model { batches } }`;
    const documents: Array<[what: string, query: string]> = [
      ...[400, 600, 800, 1_000, 1_600, 2_000, 3_000].map((steps): [string, string] => [`selections ${steps} steps deep`, selections(steps)]),
      ...[1_000, 20_000].map((levels): [string, string] => [`lists ${levels} levels deep`, lists(levels)]),
      ...[2_000, 6_000].map((levels): [string, string] => [`input objects ${levels} levels deep`, objects(levels)]),
      ...[4_000, 6_000].map((spreads): [string, string] => [`a chain of ${spreads} fragment spreads`, chain(spreads)]),
    ];
    try {
      for (const [what, query] of documents) {
        expect(Buffer.byteLength(JSON.stringify({ query })), what).toBeLessThan(262_144);
        const answer = await post(JSON.stringify({ query }));
        const body = checkAnswer(what, answer);
        expect(answer.status, what).toBe(400);
        const [error] = body.errors ?? [];
        expect(error?.message, what).not.toMatch(/call stack/i);
        expect(error?.message, what).toMatch(/nest|deep|depth|token/i);
      }
    } finally {
      // This case's log lines are judged here, not by the file's last case.
      logged = log.entries.splice(before);
    }
    // Nor a log line per such request (Apollo's document store failing to size the document).
    expect(logged.map((e) => e.msg)).toEqual([]);
    await expectHealthy('deep documents');
  });

  it(`refuse damaged request bodies (${graphqlRuns.damagedBodies} bodies)`, async () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constant('{ model { batches } }'));
    const body = fc.oneof(
      fc.record({ query: field, variables: field, operationName: field, extensions: field }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', '{', '[{"query":"{ model { batches } }"}]', '{"query": "{ model { batches } }", "variables": "x"}', 'null', '"{ model { batches } }"'),
    );
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/graphql', 'multipart/form-data', '');
    await fc.assert(
      fc.asyncProperty(body, contentType, async (text, type) => {
        const answer = await post(text, type);
        // Apollo answers a CSRF-unsafe content type with 400 before reading the body.
        checkAnswer(`${type}: ${text}`, answer);
      }),
      { seed: propertySeed, numRuns: graphqlRuns.damagedBodies },
    );
    await expectHealthy('damaged bodies');
  });

  it('left the server logging nothing at warn or above, and the process with nothing unhandled', () => {
    expect(log.entries.map((e) => `${e.msg}: ${e.err?.message ?? ''}`)).toEqual([]);
    expect(watch.problems).toEqual([]);
  });
});
