import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrontDoor, type FrontDoorOptions } from '../../../src/api/auth/frontDoor.js';
import { buildKubeConfig, parseKubeSourceUri } from '../../../src/kube/config.js';
import { createTestCertificates, type TestCertificates } from './certs.js';

let certs: TestCertificates;
beforeAll(() => {
  certs = createTestCertificates();
});
afterAll(() => certs.remove());

const base = (): FrontDoorOptions => ({
  allowedUsers: [],
  delegatedAuth: false,
  authCacheTtlMs: 10_000,
  kubeConfig: buildKubeConfig(parseKubeSourceUri('kubernetes:http://127.0.0.1:1?inClusterConfig=false')),
  namespaces: () => [],
});

describe('createFrontDoor', () => {
  it('builds nothing without security flags: plain HTTP, no access control', () => {
    expect(createFrontDoor(base())).toEqual({ bearerChallenge: false });
  });

  it('builds HTTPS without access control from a certificate and key alone', () => {
    const door = createFrontDoor({ ...base(), tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile } });
    expect(door.tls?.cert.equals(readFileSync(certs.serverCertFile))).toBe(true);
    expect(door.tls?.key.equals(readFileSync(certs.serverKeyFile))).toBe(true);
    expect(door.tls?.clientCa).toBeUndefined();
    expect(door.access).toBeUndefined();
  });

  it('builds access control for a client CA, and for delegated auth with a Bearer challenge', () => {
    const withCa = createFrontDoor({ ...base(), tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile } });
    expect(withCa.access).toBeDefined();
    expect(withCa.bearerChallenge).toBe(false);
    const delegated = createFrontDoor({ ...base(), delegatedAuth: true });
    expect(delegated.access).toBeDefined();
    expect(delegated.bearerChallenge).toBe(true);
  });
});
