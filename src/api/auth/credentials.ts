/**
 * What a request presents: a client certificate the TLS layer verified, and a bearer token.
 * Both read the request only (headers and socket), so they work on WebSocket upgrade requests too.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The Common Name of the client certificate the TLS handshake verified against the client CA, or
 * undefined when there is none (plain HTTP, no certificate, or one the CA did not sign). The
 * listener asks for certificates without requiring them, so `authorized` is the verdict.
 */
export function verifiedClientName(req: IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted !== true || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  // Node types CN as a string; a subject with several CNs really gives an array.
  const subject = socket.getPeerCertificate().subject as { CN?: string | string[] } | undefined;
  // Go's pkix (Heapster's authenticator) keeps the last of several CNs, and so do we.
  const cn = subject?.CN;
  const name = Array.isArray(cn) ? cn[cn.length - 1] : cn;
  return name === undefined || name === '' ? undefined : name;
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, as
 * kube-apiserver reads it); undefined when the header is absent, another scheme, or empty.
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}
