/**
 * WebSocket abuse of the graphql-ws endpoint (/graphql) of a running Heapgraph, with raw `ws`
 * clients: connections that never initialise, subscribe before initialising, initialise twice,
 * flood subscriptions, reuse a subscription id, send oversized, invalid or unknown messages, or
 * a document nested thousands of levels deep. Each is answered with the close code (or error
 * message) docs/api-graphql.md documents, while a well-behaved subscriber on the same server
 * receives every batch, and nothing is left unhandled in the process.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ms, startGraphqlApp, type GraphqlApp } from './harness.js';

const initTimeoutMs = 300;
const maxSubscriptions = 3;
/** The default limit: large enough for the deep document below, whose refusal is the point. */
const maxPayloadBytes = 262_144;
const batchSubscription = 'subscription { batch { timestamp } }';

let t: GraphqlApp;
/** Batches published while the abuse runs, and the ones the well-behaved subscriber got. */
const published: number[] = [];
const received: number[] = [];
let stopWatching: () => void;
const problems: string[] = [];
let stopGoodSubscriber: () => void;

beforeAll(async () => {
  const onProblem = (reason: unknown) => problems.push(String(reason instanceof Error ? reason.stack : reason));
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  stopWatching = () => {
    process.off('unhandledRejection', onProblem);
    process.off('uncaughtException', onProblem);
  };
  t = await startGraphqlApp({ connectionInitTimeoutMs: initTimeoutMs, maxSubscriptionsPerConnection: maxSubscriptions, maxPayloadBytes });
  const client = t.wsClient({ lazy: false });
  await new Promise<void>((resolve, reject) => {
    stopGoodSubscriber = client.subscribe<{ batch: { timestamp: string } }>(
      { query: batchSubscription },
      {
        next: (result) => {
          received.push(ms(result.data!.batch.timestamp));
          resolve();
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {},
      },
    );
  });
  t.app.feed.onBatch((batch) => published.push(batch.timestamp));
});

afterAll(async () => {
  stopGoodSubscriber?.();
  await t?.stop();
  stopWatching?.();
});

/** A raw graphql-ws socket with its messages and its close. */
interface RawSocket {
  socket: WebSocket;
  messages: Array<{ type: string; id?: string; payload?: any }>;
  closed: Promise<{ code: number; reason: string; afterMs: number }>;
  send(message: unknown): void;
  /** Resolves with the first message of `type` (and `id`), already received or not. */
  next(type: string, id?: string): Promise<{ type: string; id?: string; payload?: any }>;
}

async function connect(): Promise<RawSocket> {
  const opened = Date.now();
  const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string; afterMs: number }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason), afterMs: Date.now() - opened })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const find = (type: string, id?: string) => messages.find((m) => m.type === type && (id === undefined || m.id === id));
  return {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: (type, id) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} message${id ? ` for ${id}` : ''} within 5 s: ${JSON.stringify(messages)}`)), 5_000);
        const check = () => {
          const found = find(type, id);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

async function initialised(): Promise<RawSocket> {
  const raw = await connect();
  raw.send({ type: 'connection_init' });
  await raw.next('connection_ack');
  return raw;
}

describe('graphql-ws connections that break the protocol', () => {
  it('closes every never-initialised connection with 4408 after the init timeout', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect()));
    const closes = await Promise.all(sockets.map((s) => s.closed));
    for (const close of closes) {
      expect(close.code).toBe(4408);
      expect(close.reason).toBe('Connection initialisation timeout');
      expect(close.afterMs).toBeGreaterThanOrEqual(initTimeoutMs - 50);
    }
  });

  it('closes a connection that subscribes before connection_init with 4401', async () => {
    const raw = await connect();
    raw.send({ id: '1', type: 'subscribe', payload: { query: batchSubscription } });
    expect(await raw.closed).toMatchObject({ code: 4401, reason: 'Unauthorized' });
  });

  it('closes a connection that sends connection_init twice with 4429', async () => {
    const raw = await initialised();
    raw.send({ type: 'connection_init' });
    expect(await raw.closed).toMatchObject({ code: 4429, reason: 'Too many initialisation requests' });
  });

  it('closes a connection that reuses the id of an active subscription with 4409', async () => {
    const raw = await initialised();
    raw.send({ id: 'same', type: 'subscribe', payload: { query: batchSubscription } });
    await raw.next('next', 'same');
    raw.send({ id: 'same', type: 'subscribe', payload: { query: batchSubscription } });
    expect(await raw.closed).toMatchObject({ code: 4409, reason: 'Subscriber for same already exists' });
  });

  it.each([
    ['text that is not JSON', '{"type": "connection_init"'],
    ['a JSON array', '[{"type":"connection_init"}]'],
    ['a message without a type', '{"id":"1"}'],
    ['an unknown message type', '{"type":"start","id":"1","payload":{"query":"{ model { batches } }"}}'],
    ['a subscribe without a payload', '{"type":"subscribe","id":"1"}'],
  ])('closes a connection that sends %s with 4400', async (_what, message) => {
    const raw = await initialised();
    raw.send(message);
    expect(await raw.closed).toMatchObject({ code: 4400, reason: 'Invalid message received' });
  });

  it('closes a connection that sends a message larger than maxPayloadBytes with 1009, initialised or not', async () => {
    const oversized = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `# ${'x'.repeat(maxPayloadBytes)}\n${batchSubscription}` } });
    expect(Buffer.byteLength(oversized)).toBeGreaterThan(maxPayloadBytes);
    // A client's oversized frame must not print a stack trace per frame (graphql-ws's useServer did).
    const consoleError = vi.spyOn(console, 'error');
    try {
      for (const raw of [await connect(), await initialised()]) {
        raw.send(oversized);
        expect((await raw.closed).code).toBe(1009);
      }
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
    // One byte under the limit is a message like any other.
    const raw = await initialised();
    const fitting = JSON.stringify({ id: 'fits', type: 'subscribe', payload: { query: `# x\n${batchSubscription}` } });
    raw.send(fitting.replace('# x', `# ${'x'.repeat(maxPayloadBytes - Buffer.byteLength(fitting) + 1)}`));
    await raw.next('next', 'fits');
    raw.socket.close();
  });
});

describe('graphql-ws connections that flood subscriptions', () => {
  it(`refuses every subscription past the ${maxSubscriptions} a connection may hold with SUBSCRIPTION_LIMIT_EXCEEDED and keeps the connection`, async () => {
    const raw = await initialised();
    const flood = 2_000;
    for (let i = 0; i < flood; i++) raw.send({ id: `s${i}`, type: 'subscribe', payload: { query: batchSubscription } });
    const lastRefused = await raw.next('error', `s${flood - 1}`);
    expect(lastRefused.payload).toEqual([
      { message: `This connection already has ${maxSubscriptions} subscriptions; the limit is ${maxSubscriptions}`, extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: maxSubscriptions } },
    ]);
    // The first ones hold; each of the others got its own refusal.
    const refused = new Set(raw.messages.filter((m) => m.type === 'error').map((m) => m.id));
    expect(refused.size).toBe(flood - maxSubscriptions);
    for (let i = 0; i < maxSubscriptions; i++) {
      expect(refused.has(`s${i}`)).toBe(false);
      await raw.next('next', `s${i}`);
    }
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
    // Completing one frees its place.
    raw.send({ id: 's0', type: 'complete' });
    raw.send({ id: 'again', type: 'subscribe', payload: { query: batchSubscription } });
    await raw.next('next', 'again');
    raw.socket.close();
  });

  it('refuses a subscription document nested thousands of levels deep with an error message, not an internal error', async () => {
    const raw = await initialised();
    const steps = 3_000;
    const query = `subscription { liveNodes(metrics: ["cpu/usage_rate"]) { entities { entity { ... on Node { ${'pods(first: 1) { nodes { node { '.repeat(steps)}name${' } } }'.repeat(steps)} } } } } }`;
    expect(Buffer.byteLength(query)).toBeLessThan(maxPayloadBytes);
    raw.send({ id: 'deep', type: 'subscribe', payload: { query } });
    const outcome = await Promise.race([raw.next('error', 'deep').then(() => 'error message'), raw.closed.then((c) => `closed ${c.code} ${c.reason}`)]);
    expect(outcome).toBe('error message');
    const [error] = (await raw.next('error', 'deep')).payload as Array<{ message: string }>;
    expect(error!.message).not.toMatch(/call stack|internal/i);
    expect(error!.message).toMatch(/nest|deep|depth|token/i);
    raw.socket.close();
  });
});

describe('a well-behaved subscriber on the same server', () => {
  it('received every batch published while the others were refused, and the process saw no unhandled error', async () => {
    const last = published[published.length - 1];
    // One more batch after the abuse, delivered like the others.
    await t.nextBatches(1);
    const deadline = Date.now() + 5_000;
    while (!published.every((ts) => received.includes(ts)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(published.length).toBeGreaterThanOrEqual(3);
    expect(received).toEqual(expect.arrayContaining(published));
    expect(received[received.length - 1]).toBeGreaterThan(last ?? 0);
    expect(problems).toEqual([]);
  });
});
