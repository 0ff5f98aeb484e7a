/**
 * The PEM files behind `--tls_cert`, `--tls_key` and `--tls_client_ca`, read and checked once:
 * a certificate that does not parse or a key that does not match it is a start-up error naming
 * the flag, not a failed handshake later.
 *
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { AuthError } from './errors.js';

/** Where the PEM files are (flag values). */
export interface TlsFiles {
  /** `--tls_cert`: the server certificate chain. */
  certFile: string;
  /** `--tls_key`: its private key. */
  keyFile: string;
  /** `--tls_client_ca`: CA bundle client certificates must chain to; absent = no client certificates. */
  clientCaFile?: string;
}

/** The PEM contents the HTTPS server is built from. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Present when client certificates are asked for and verified. */
  clientCa?: Buffer;
}

function read(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new AuthError('tls_material', `cannot read "${path}": ${reason}`, { flag });
  }
}

function check(flag: string, path: string, build: () => void): void {
  try {
    build();
  } catch (error) {
    // OpenSSL's reason names what is wrong ("no start line", "key values mismatch"); never the key itself.
    const reason = error instanceof Error ? error.message : String(error);
    throw new AuthError('tls_material', `"${path}" is not usable: ${reason}`, { flag });
  }
}

/** Every certificate of a PEM bundle; throws when there is none or one does not parse. */
function caCertificates(pem: Buffer): X509Certificate[] {
  const blocks = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((block) => new X509Certificate(block));
}

/**
 * Reads and checks the files; throws {@link AuthError} `tls_material` with `context.flag` set to
 * the flag whose file is at fault.
 */
export function loadTlsMaterial({ certFile, keyFile, clientCaFile }: TlsFiles): TlsMaterial {
  const cert = read('--tls_cert', certFile);
  const key = read('--tls_key', keyFile);
  const clientCa = clientCaFile === undefined ? undefined : read('--tls_client_ca', clientCaFile);
  check('--tls_cert', certFile, () => createSecureContext({ cert }));
  check('--tls_key', keyFile, () => createSecureContext({ cert, key }));
  // OpenSSL skips what is not a certificate in a CA bundle, so a wrong file would fail every client quietly.
  if (clientCa) check('--tls_client_ca', clientCaFile!, () => caCertificates(clientCa));
  return { cert, key, ...(clientCa ? { clientCa } : {}) };
}
