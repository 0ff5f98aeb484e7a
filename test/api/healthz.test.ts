import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKey } from '../../src/core/keys.js';
import { createMetricSet, type DataBatch } from '../../src/core/types.js';
import { handleHealthz, healthProblem, maxBatchAgeMs } from '../../src/api/rest/healthz.js';

const now = Date.UTC(2024, 0, 1, 10, 5, 0);
const minute = 60_000;

const batchAt = (timestamp: number, sets = 1): DataBatch => ({
  timestamp,
  metricSets: new Map(Array.from({ length: sets }, (_, i) => [nodeKey(`node-${i}`), createMetricSet({ type: 'node' })])),
});

describe('handleHealthz over HTTP', () => {
  let latest: DataBatch | undefined;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => handleHealthz(req, res, { latestBatch: () => latest }, now));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  async function get(path: string, batch: DataBatch | undefined) {
    latest = batch;
    const response = await fetch(base + path);
    return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
  }

  const tooOld = now - 3 * minute - 1;
  const tooOldText = new Date(tooOld).toISOString();

  it.each([
    ['no batch yet', undefined, 'could not get the latest data batch'],
    ['a batch more than 3 minutes old', batchAt(tooOld), `the latest data batch is too old: ${tooOldText}`],
    ['an old empty batch (age is checked first)', batchAt(tooOld, 0), `the latest data batch is too old: ${tooOldText}`],
    ['a fresh batch without metric sets', batchAt(now, 0), 'the latest data batch has no metric sets'],
  ])('fails /healthz with 500 and the reason for %s', async (_case, batch, reason) => {
    expect(await get('/healthz', batch)).toEqual({ status: 500, body: `[-]healthz failed: ${reason}\nhealthz check failed\n`, type: 'text/plain; charset=utf-8' });
    expect(await get('/healthz?verbose', batch)).toMatchObject({ status: 500, body: `[-]healthz failed: ${reason}\nhealthz check failed\n` });
    expect(await get('/healthz/healthz', batch)).toEqual({ status: 500, body: `internal server error: ${reason}`, type: 'text/plain; charset=utf-8' });
  });

  it('answers the exact body for no batch as Heapster release-1.2 did', async () => {
    expect((await get('/healthz', undefined)).body).toBe('[-]healthz failed: could not get the latest data batch\nhealthz check failed\n');
  });

  it.each([
    ['a fresh batch', batchAt(now)],
    ['a batch exactly 3 minutes old', batchAt(now - 3 * minute)],
    ['a batch from the future', batchAt(now + minute)],
  ])('passes /healthz with 200 ok for %s', async (_case, batch) => {
    expect(await get('/healthz', batch)).toEqual({ status: 200, body: 'ok', type: 'text/plain; charset=utf-8' });
    expect(await get('/healthz/', batch)).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/healthz/healthz', batch)).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/healthz/healthz/', batch)).toMatchObject({ status: 200, body: 'ok' });
  });

  it.each(['/healthz?verbose', '/healthz?verbose=1', '/healthz?verbose=false'])('lists the passed check for %s', async (path) => {
    expect(await get(path, batchAt(now))).toMatchObject({ status: 200, body: '[+]healthz ok\nhealthz check passed\n' });
  });
});

describe('healthProblem', () => {
  it('uses a 3 minute limit', () => {
    expect(maxBatchAgeMs).toBe(3 * minute);
  });

  it.each([
    ['no batch', undefined, 'could not get the latest data batch'],
    ['a batch 1 ms past the limit', batchAt(now - maxBatchAgeMs - 1), `the latest data batch is too old: ${new Date(now - maxBatchAgeMs - 1).toISOString()}`],
    ['a fresh empty batch', batchAt(now, 0), 'the latest data batch has no metric sets'],
    ['a batch at the limit', batchAt(now - maxBatchAgeMs), undefined],
    ['a fresh batch of three sets', batchAt(now, 3), undefined],
  ])('judges %s as %j', (_case, batch, problem) => {
    expect(healthProblem({ latestBatch: () => batch }, now)).toBe(problem);
  });
});
