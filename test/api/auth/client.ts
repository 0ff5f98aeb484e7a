/** A one-request HTTP(S) client for the front-door tests: a new connection per request, so each carries its own certificate. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What came back. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Client TLS settings: the CA to trust the server with and an optional client certificate. */
export interface ClientTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** GETs `url` (http or https). */
export function get(url: string, { headers = {}, tls = {} }: { headers?: Record<string, string>; tls?: ClientTls } = {}): Promise<Answer> {
  const secure = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const options = { method: 'GET', headers, agent: false as const, ...(secure ? tls : {}) };
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
