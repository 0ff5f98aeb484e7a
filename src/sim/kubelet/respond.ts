/**
 * Sending a kubelet response, honest or faulty.
 *
 * @module
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { KubeletFault } from './faults.js';

/** A rendered response before faults are applied. */
export interface KubeletResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const PADDING = Buffer.alloc(64 * 1024, 0x20);
const MALFORMED_TAIL = '\n<html>malformed kubelet response</html>\n{{{\n';

function send(res: ServerResponse, response: KubeletResponse): void {
  res.writeHead(response.status, {
    'Content-Type': response.contentType,
    'Content-Length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

async function sendOversized(res: ServerResponse, response: KubeletResponse, bytes: number, declareLength: boolean): Promise<void> {
  // The whole real body is always sent, so a smaller `bytes` announces the body's own length.
  const total = Math.max(bytes, Buffer.byteLength(response.body));
  res.writeHead(200, { 'Content-Type': response.contentType, ...(declareLength ? { 'Content-Length': total } : {}) });
  let remaining = bytes - Buffer.byteLength(response.body);
  let flowing = res.write(response.body);
  while (remaining > 0 && !res.destroyed) {
    if (!flowing) {
      // Wait for the client to read (or go away) before writing more.
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      if (res.destroyed) return;
    }
    const chunk = remaining >= PADDING.length ? PADDING : PADDING.subarray(0, remaining);
    remaining -= chunk.length;
    flowing = res.write(chunk);
  }
  if (!res.destroyed) res.end();
}

/**
 * Sends `response`, altered by the node's fault (`down` and `slow` are handled before rendering:
 * they concern the connection and its timing, not the body).
 */
export function sendWithFault(res: ServerResponse, response: KubeletResponse, fault: KubeletFault | undefined, nodeName: string): void {
  switch (fault?.kind) {
    case 'status':
      send(res, {
        status: fault.status,
        contentType: 'text/plain; charset=utf-8',
        body: `${STATUS_CODES[fault.status] ?? 'Error'}: simulated kubelet fault on node ${nodeName}\n`,
      });
      return;
    case 'malformed':
      send(res, { ...response, status: 200, body: response.body.slice(0, Math.floor(response.body.length / 2)) + MALFORMED_TAIL });
      return;
    case 'truncated': {
      const body = Buffer.from(response.body);
      res.writeHead(200, { 'Content-Type': response.contentType, 'Content-Length': body.length });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    case 'oversized':
      void sendOversized(res, response, fault.bytes, fault.declareLength === true).catch(() => res.destroy());
      return;
    default:
      send(res, response);
  }
}
