/**
 * An HTTP fake of InfluxDB on 127.0.0.1 for what no packaged server offers (the v2 API) and for
 * answers a real server will not give on demand (503s, 400s). It records every request with its
 * gunzipped body and answers from a handler the test supplies.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body, gunzipped when it was sent with `Content-Encoding: gzip`. */
  body: string;
  /** Whether it was gzipped. */
  gzipped: boolean;
}

/** The fake's answer to one request. */
export interface FakeAnswer {
  status: number;
  json?: unknown;
}

/** A running fake. */
export interface FakeInflux {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Replaces the handler; it may answer later (a promise) to hold requests in flight. */
  answer(handler: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>): void;
  close(): Promise<void>;
}

/** `/query` answers every statement with an empty result; `/write` and `/api/v2/write` with 204. */
export function defaultAnswer(request: RecordedRequest): FakeAnswer {
  if (request.url.startsWith('/query')) {
    const q = new URLSearchParams(request.body).get('q') ?? '';
    return { status: 200, json: { results: q.split('; ').map((_, i) => ({ statement_id: i })) } };
  }
  return { status: 204 };
}

/** Starts the fake on a free loopback port. */
export async function startFakeInflux(): Promise<FakeInflux> {
  const requests: RecordedRequest[] = [];
  let handler: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer> = defaultAnswer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const gzipped = req.headers['content-encoding'] === 'gzip';
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: (gzipped ? gunzipSync(raw) : raw).toString('utf8'), gzipped };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then(({ status, json }) => {
        if (res.destroyed) return;
        if (json === undefined) res.writeHead(status).end();
        else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    answer(next) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
