import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.js';
import { type KubeletClient, type KubeletClientOptions, createKubeletClient } from '../../src/sources/kubelet/client.js';
import { type TestKubelet, hasOpenssl, selfSignedLoopbackCert, startKubelet } from './kubelet-servers.js';

const TOKEN = 'token-of-the-heapgraph-service-account';
const target = (port: number) => ({ host: '127.0.0.1', port, path: '/stats/summary/' });

describe.skipIf(!hasOpenssl())('kubelet client over HTTPS (needs the openssl CLI to make a test certificate)', () => {
  let tls: { certPem: string; keyPem: string };
  let secure: TestKubelet;
  let plain: TestKubelet;
  const clients: KubeletClient[] = [];
  const client = (options: KubeletClientOptions): KubeletClient => {
    const created = createKubeletClient(options);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    tls = selfSignedLoopbackCert();
    const answer = (req: IncomingMessage, res: ServerResponse): void => {
      const peer = 'getPeerCertificate' in req.socket ? (req.socket as TLSSocket).getPeerCertificate() : undefined;
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, clientCert: peer?.subject?.CN ?? null }));
    };
    secure = await startKubelet(answer, { ...tls, clientCaPem: tls.certPem });
    plain = await startKubelet(answer);
  });

  afterAll(async () => {
    for (const created of clients) created.close();
    await secure?.close();
    await plain?.close();
  });

  it('sends the bearer token over HTTPS to a kubelet verified against the CA', async () => {
    const body = await client({ https: true, caPem: tls.certPem, bearerToken: TOKEN }).fetch(
      target(secure.port),
      new AbortController().signal,
    );
    expect(JSON.parse(body.toString()).authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('never sends the bearer token over plain HTTP', async () => {
    const body = await client({ bearerToken: TOKEN }).fetch(target(plain.port), new AbortController().signal);
    expect(JSON.parse(body.toString()).authorization).toBeNull();
    expect(plain.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('presents the client certificate when one is configured', async () => {
    const body = await client({ https: true, caPem: tls.certPem, certPem: tls.certPem, keyPem: tls.keyPem }).fetch(
      target(secure.port),
      new AbortController().signal,
    );
    expect(JSON.parse(body.toString()).clientCert).toBe('127.0.0.1');
  });

  it('rejects a kubelet whose certificate no trusted CA signed as a connection error', async () => {
    const error = await client({ https: true, bearerToken: TOKEN })
      .fetch(target(secure.port), new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('connection');
    expect((error as SourceError).context.errno).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('accepts any kubelet certificate with insecureSkipVerify', async () => {
    const body = await client({ https: true, insecureSkipVerify: true, bearerToken: TOKEN }).fetch(
      target(secure.port),
      new AbortController().signal,
    );
    expect(JSON.parse(body.toString()).authorization).toBe(`Bearer ${TOKEN}`);
  });
});
