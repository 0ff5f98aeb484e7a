import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/api/auth/errors.js';
import { loadTlsMaterial, type TlsFiles } from '../../../src/api/auth/tls.js';
import { createTestCertificates, type TestCertificates } from './certs.js';

let certs: TestCertificates;
beforeAll(() => {
  certs = createTestCertificates();
  writeFileSync(join(certs.dir, 'alice-only.key'), certs.clients.alice.key);
  writeFileSync(join(certs.dir, 'not-pem.txt'), 'hello\n');
});
afterAll(() => certs.remove());

function failure(files: () => TlsFiles): AuthError {
  try {
    loadTlsMaterial(files());
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('loadTlsMaterial did not throw');
}

describe('loadTlsMaterial', () => {
  it('reads the certificate, key and client CA as given', () => {
    const material = loadTlsMaterial({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile });
    expect(material.clientCa?.equals(certs.ca)).toBe(true);
    expect(material.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(material.key.toString()).toContain('PRIVATE KEY');
  });

  it('leaves the client CA out when none is given', () => {
    expect(loadTlsMaterial({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile }).clientCa).toBeUndefined();
  });

  it.each([
    ['a missing certificate', () => ({ certFile: join(certs.dir, 'nope.crt'), keyFile: certs.serverKeyFile }), '--tls_cert', /cannot read ".*nope\.crt": ENOENT/],
    ['a certificate that is not PEM', () => ({ certFile: join(certs.dir, 'not-pem.txt'), keyFile: certs.serverKeyFile }), '--tls_cert', /not-pem\.txt" is not usable: .*no start line/],
    ['a key of another certificate', () => ({ certFile: certs.serverCertFile, keyFile: join(certs.dir, 'alice-only.key') }), '--tls_key', /alice-only\.key" is not usable: .*mismatch/i],
    ['a client CA file without certificates', () => ({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: join(certs.dir, 'not-pem.txt') }), '--tls_client_ca', /no PEM certificate in it/],
  ] as const)('names the flag for %s', (_case, files, flag, message) => {
    const error = failure(files);
    expect(error.code).toBe('tls_material');
    expect(error.context.flag).toBe(flag);
    expect(error.message).toMatch(message);
  });

  it('never puts key material in its messages', () => {
    const error = failure(() => ({ certFile: certs.serverCertFile, keyFile: join(certs.dir, 'alice-only.key') }));
    const keyBody = certs.clients.alice.key.toString().split('\n')[1]!;
    expect(error.message).not.toContain(keyBody);
  });
});
