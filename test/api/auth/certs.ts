/**
 * Test certificates made with the `openssl` CLI into a temporary directory: a CA, a server
 * certificate for 127.0.0.1, client certificates `alice` and `bob` signed by the CA, and `alice`
 * again signed by a CA the server does not trust.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths and contents of the generated files. */
export interface TestCertificates {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** PEM of the CA (clients trust the server with it). */
  ca: Buffer;
  /** Client credentials by name: `alice`, `bob` (trusted CA) and `rogue` (CN alice, untrusted CA). */
  clients: Record<'alice' | 'bob' | 'rogue', { cert: Buffer; key: Buffer }>;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function key(dir: string, name: string): void {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
}

function selfSigned(dir: string, name: string, cn: string): void {
  key(dir, name);
  openssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '2', '-out', `${name}.crt`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function signed(dir: string, name: string, cn: string, ca: string, extensions: string): void {
  key(dir, name);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

/** Generates every certificate (about a second with EC keys). */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'heapgraph-tls-'));
  selfSigned(dir, 'ca', 'heapgraph test CA');
  selfSigned(dir, 'rogue-ca', 'untrusted test CA');
  signed(dir, 'server', '127.0.0.1', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const client = 'extendedKeyUsage=clientAuth\n';
  signed(dir, 'alice', 'alice', 'ca', client);
  signed(dir, 'bob', 'bob', 'ca', client);
  signed(dir, 'rogue', 'alice', 'rogue-ca', client);
  const read = (file: string) => readFileSync(join(dir, file));
  const pair = (name: string) => ({ cert: read(`${name}.crt`), key: read(`${name}.key`) });
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    ca: read('ca.crt'),
    clients: { alice: pair('alice'), bob: pair('bob'), rogue: pair('rogue') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
