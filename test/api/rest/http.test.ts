/**
 * The HTTP behaviour around the routes: gzip and deflate on request, 404/405/406 as go-restful
 * gave them, per-route request metrics under Heapster's handler names on `/metrics`, and a
 * seeded fuzz run showing that nothing a client sends produces a 500 or stops the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeName, rawGet, startFixtureApi, type FixtureApi } from './fixtureApi.js';

describe('HTTP conventions of the REST surface', () => {
  let api: FixtureApi;
  beforeAll(async () => {
    api = await startFixtureApi();
  });
  afterAll(async () => api.close());

  const path = `/api/v1/model/nodes/${nodeName}/metrics/memory/working_set`;

  it.each([
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['gzip;q=0, deflate', 'deflate'],
    ['br, gzip;q=0.5', 'gzip'],
    ['identity', null],
  ])('answers Accept-Encoding %s with %s and the same JSON', async (acceptEncoding, encoding) => {
    const plain = await api.get(path);
    const res = await api.get(path, { 'Accept-Encoding': acceptEncoding });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-encoding')).toBe(encoding);
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    expect(res.text).toBe(plain.text);
  });

  it('compresses errors and list routes too', async () => {
    const res = await api.get('/api/v1/model/metrics/x?start=bad', { 'Accept-Encoding': 'gzip' });
    expect([res.status, res.headers.get('content-encoding')]).toEqual([400, 'gzip']);
    expect(res.text).toMatch(/^timestamp argument cannot be parsed/);
  });

  it('answers unknown paths with 404: Page Not Found', async () => {
    for (const unknown of ['/api/v1/model/nope', '/api/v1/model/nodes/n/metrics-aggregated', '/api/v1/historical/metrics/', '/nothing']) {
      const res = await api.get(unknown);
      expect([res.status, res.text], unknown).toEqual([404, '404: Page Not Found']);
    }
  });

  it('answers other methods than GET with 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const res = await rawGet(`${api.url}/api/v1/model/nodes`, {}, method);
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
      if (method !== 'HEAD') expect(res.text).toBe('405: Method Not Allowed');
    }
    expect((await rawGet(`${api.url}/apis/metrics.k8s.io/v1beta1/nodes`, {}, 'DELETE')).status).toBe(405);
  });

  it('answers 406 when Accept excludes JSON, and serves any JSON-admitting Accept', async () => {
    for (const accept of ['text/html', 'application/xml, text/plain', 'application/json;q=0']) {
      const res = await api.get('/api/v1/model/nodes', { Accept: accept });
      expect([res.status, res.text], accept).toEqual([406, '406: Not Acceptable']);
    }
    for (const accept of ['application/json', '*/*', 'application/*', 'text/html, application/json;q=0.5', 'application/json;as=Table;g=meta.k8s.io;v=v1, application/json']) {
      expect((await api.get('/api/v1/model/nodes', { Accept: accept })).status, accept).toBe(200);
    }
    expect((await api.get('/metrics', { Accept: 'text/plain' })).status).toBe(200);
  });

  it('counts requests per route with Heapster\'s handler names, lower-case method and status code', async () => {
    const scrape = async () => {
      const text = (await api.get('/metrics')).text;
      return (name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    const before = await scrape();
    await api.get('/api/v1/model/nodes/');
    await api.get('/api/v1/model/nodes');
    await api.get('/api/v1/model/metrics/cpu-usage?start=never');
    await api.get(`/api/v1/model/namespaces/scraper/pod-list/a,b/metrics/memory/usage`);
    await api.get('/apis/metrics.k8s.io/v1beta1/nodes/nowhere');
    const after = await scrape();
    const delta = (name: string) => after(name) - before(name);
    expect(delta('http_requests_total{handler="nodeList",method="get",code="200"}')).toBe(2);
    expect(delta('http_requests_total{handler="clusterMetrics",method="get",code="400"}')).toBe(1);
    expect(delta('http_requests_total{handler="podListMetric",method="get",code="200"}')).toBe(1);
    expect(delta('http_requests_total{handler="v1beta1NodeMetrics",method="get",code="404"}')).toBe(1);
    expect(delta('http_requests_total{handler="prometheus",method="get",code="200"}')).toBe(1);
    expect(delta('http_request_duration_microseconds_count{handler="nodeList"}')).toBe(2);
    expect(delta('http_request_size_bytes_count{handler="nodeList"}')).toBe(2);
    expect(delta('http_response_size_bytes_sum{handler="nodeList"}')).toBeGreaterThan(0);
    const text = (await api.get('/metrics')).text;
    for (const heapster of ['heapster_scraper_duration_milliseconds', 'heapster_processor_duration_milliseconds', 'heapster_exporter_duration_milliseconds', 'heapster_kubelet_summary_request_duration_milliseconds']) {
      expect(text).toContain(`# TYPE ${heapster} summary`);
    }
  });

  it('survives random paths, methods and parameters without a 500', async () => {
    let seed = 20_240_301;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const segments = ['api', 'v1', 'model', 'nodes', nodeName, 'metrics', 'metrics-aggregated', 'namespaces', 'scraper', 'pods', 'pod-list', 'containers', 'freecontainers',
      'debug', 'allkeys', 'cpu', 'usage_rate', 'max,min', 'count', 'apis', 'metrics.k8s.io', 'v1beta1', 'v1alpha1', 'metric-export', '%zz', '%2F', '..', '', 'é', '%00', '{x}', 'a'.repeat(300)];
    const params = ['start', 'end', 'labels', 'bucket', 'labelSelector', 'fieldSelector', 'verbose'];
    const values = ['', '2022-12-27T23:34:00Z', 'x:y', '5m', '%zz', 'a=(', '!', ',,', ':', '99999999999999999999999d', '-1s', 'in', '%00', 'x'.repeat(500)];
    const prefixes = ['/api/v1/model/', '/api/v1/model/namespaces/scraper/', '/apis/metrics.k8s.io/v1beta1/', '/apis/metrics/v1alpha1/', '/api/v1/', '/'];
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const depth = 1 + Math.floor(random() * 6);
      const p = pick(prefixes) + Array.from({ length: depth }, () => pick(segments)).join('/');
      const query = Array.from({ length: Math.floor(random() * 4) }, () => `${pick(params)}=${pick(values)}`).join('&');
      const method = random() < 0.9 ? 'GET' : pick(['POST', 'OPTIONS', 'PATCH']);
      const res = await rawGet(`${api.url}${p}${query ? `?${query}` : ''}`, random() < 0.5 ? { 'Accept-Encoding': 'gzip' } : {}, method);
      expect(res.status, `${method} ${p}?${query}`).toBeLessThan(500);
      statuses.add(res.status);
    }
    expect([...statuses].every((s) => [200, 400, 404, 405].includes(s))).toBe(true);
    expect((await api.get('/api/v1/model/nodes')).status).toBe(200);
  });
});

describe('health routes of the surface', () => {
  it('answers /healthz and /healthz/healthz from the newest batch', async () => {
    const api = await startFixtureApi();
    try {
      expect((await api.get('/healthz')).text).toBe('ok');
      expect((await api.get('/healthz?verbose')).text).toBe('[+]healthz ok\nhealthz check passed\n');
      expect((await api.get('/healthz/healthz/')).text).toBe('ok');
    } finally {
      await api.close();
    }
  });

  it('fails both with the reason before the first batch', async () => {
    const api = await startFixtureApi({ batches: [] });
    try {
      const health = await api.get('/healthz');
      expect([health.status, health.text]).toEqual([500, '[-]healthz failed: could not get the latest data batch\nhealthz check failed\n']);
      const inner = await api.get('/healthz/healthz');
      expect([inner.status, inner.text]).toEqual([500, 'internal server error: could not get the latest data batch']);
    } finally {
      await api.close();
    }
  });
});
