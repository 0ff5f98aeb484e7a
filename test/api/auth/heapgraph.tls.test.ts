import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestSurface } from '../../../src/api/rest/index.js';
import { runHeapgraph, type Heapgraph } from '../../../src/cli/heapgraph.js';
import { silentLogger } from '../../../src/core/log.js';
import { configFrom, waitFor } from '../../helpers/heapgraph.js';
import { createTestCertificates, type TestCertificates } from './certs.js';
import { get } from './client.js';

let certs: TestCertificates;
let app: Heapgraph;

beforeAll(async () => {
  certs = createTestCertificates();
  const config = configFrom([
    '--source=sim:?nodes=2&podsPerNode=5&seed=3',
    '--metric_resolution=1s',
    '--heapster_port=0',
    '--listen_ip=127.0.0.1',
    `--tls_cert=${certs.serverCertFile}`,
    `--tls_key=${certs.serverKeyFile}`,
    `--tls_client_ca=${certs.caFile}`,
    '--allowed_users=alice',
  ]);
  app = await runHeapgraph(config, silentLogger(), { surfaces: [createRestSurface()] });
  await waitFor(() => app.latestBatch(), 15_000);
});
afterAll(async () => {
  await app?.stop();
  certs?.remove();
});

describe('heapgraph with --tls_cert, --tls_key, --tls_client_ca and --allowed_users', () => {
  it('serves over HTTPS', () => {
    expect(app.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves Heapster's REST API to an allowed client certificate", async () => {
    const answer = await get(`${app.url}/api/v1/model/namespaces/`, { tls: { ca: certs.ca, ...certs.clients.alice } });
    expect(answer.status).toBe(200);
    const withRunningPods = new Set(app.sim!.store.list('pods').filter((p) => (p.status as { phase?: string }).phase === 'Running').map((p) => p.metadata.namespace!));
    expect((JSON.parse(answer.body) as string[]).sort()).toEqual([...withRunningPods].sort());
  });

  it('serves /healthz and /healthz/healthz without a client certificate', async () => {
    expect(await get(`${app.url}/healthz`, { tls: { ca: certs.ca } })).toMatchObject({ status: 200, body: 'ok' });
    expect(await get(`${app.url}/healthz/healthz`, { tls: { ca: certs.ca } })).toMatchObject({ status: 200, body: 'ok' });
  });

  it('answers 401 without a certificate and 403 to a CN not allowed, on REST and /metrics alike', async () => {
    for (const path of ['/api/v1/model/namespaces/', '/metrics']) {
      expect(await get(`${app.url}${path}`, { tls: { ca: certs.ca } })).toMatchObject({ status: 401, body: 'Unauthorized' });
      expect(await get(`${app.url}${path}`, { tls: { ca: certs.ca, ...certs.clients.bob } })).toMatchObject({ status: 403, body: 'Forbidden' });
      expect(await get(`${app.url}${path}`, { tls: { ca: certs.ca, ...certs.clients.rogue } })).toMatchObject({ status: 401, body: 'Unauthorized' });
    }
  });
});
