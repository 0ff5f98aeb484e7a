import { mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildKubeConfig } from '../../src/kube/kubeconfig.js';
import { parseKubeSourceUri } from '../../src/kube/config.js';
import { kubeletCredentials } from '../../src/kube/kubeletCredentials.js';
import { createKubeletClient } from '../../src/sources/kubelet/client.js';
import { createTestCertificates, type TestCertificates } from '../api/auth/certs.js';

let certs: TestCertificates;
let saDir: string;
let kubelet: Server;
let port: number;
const seenAuthorization: (string | undefined)[] = [];
const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443' };

beforeAll(async () => {
  certs = createTestCertificates();
  saDir = mkdtempSync(join(tmpdir(), 'heapgraph-sa-'));
  copyFileSync(certs.caFile, join(saDir, 'ca.crt'));
  writeFileSync(join(saDir, 'token'), 'first-token\n');
  // A kubelet whose serving certificate is signed by the cluster CA, as in a real cluster.
  kubelet = createServer({ cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) }, (req, res) => {
    seenAuthorization.push(req.headers.authorization);
    res.end('{"node":{"nodeName":"n1"},"pods":[]}');
  });
  await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  port = (kubelet.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => kubelet.close(resolve));
  certs.remove();
  rmSync(saDir, { recursive: true, force: true });
});

const inCluster = (uri: string) => buildKubeConfig(parseKubeSourceUri(uri, {}), { env, serviceAccountDir: saDir });

describe('kubelet credentials from the API client configuration', () => {
  it('verifies kubelets against the in-cluster CA and sends the service-account token', async () => {
    const credentials = kubeletCredentials(inCluster('kubernetes:?kubeletHttps=true'), false);
    expect(credentials.insecureSkipVerify).toBe(false);
    expect(credentials.caPem).toEqual(certs.ca);
    const client = createKubeletClient({ https: true, ...credentials });
    const body = await client.fetch({ host: '127.0.0.1', port, path: '/stats/summary' }, new AbortController().signal);
    expect(JSON.parse(body.toString()).node.nodeName).toBe('n1');
    expect(seenAuthorization.at(-1)).toBe('Bearer first-token');
  });

  it('rejects a kubelet when the CA given did not sign its certificate', async () => {
    const client = createKubeletClient({ https: true, insecureSkipVerify: false, caPem: certs.clients.rogue.cert });
    await expect(client.fetch({ host: '127.0.0.1', port, path: '/stats/summary' }, new AbortController().signal)).rejects.toThrow();
  });

  it('reads a rotated token file again after a minute', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { bearerToken } = kubeletCredentials(inCluster('kubernetes:'), false);
      expect(bearerToken?.()).toBe('first-token');
      writeFileSync(join(saDir, 'token'), 'rotated-token\n');
      expect(bearerToken?.()).toBe('first-token');
      vi.setSystemTime(Date.now() + 61_000);
      expect(bearerToken?.()).toBe('rotated-token');
    } finally {
      vi.useRealTimers();
      writeFileSync(join(saDir, 'token'), 'first-token\n');
    }
  });

  it('skips verification with insecure=true or without any CA, as Heapster did', () => {
    expect(kubeletCredentials(inCluster('kubernetes:?insecure=true'), true)).toMatchObject({ insecureSkipVerify: true });
    expect(kubeletCredentials(inCluster('kubernetes:?insecure=true'), true).caPem).toBeUndefined();
    const anonymous = buildKubeConfig(parseKubeSourceUri('kubernetes:http://127.0.0.1:8080?inClusterConfig=false', {}));
    expect(kubeletCredentials(anonymous, false)).toEqual({ insecureSkipVerify: true });
  });
});
