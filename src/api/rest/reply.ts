/**
 * Building replies: JSON as go-restful wrote it (indented with one space unless a handler
 * switched pretty printing off), plain-text errors, and Kubernetes `Status` objects.
 *
 * @module
 */
import { RestError } from './errors.js';
import type { Reply } from './router.js';

/** go-restful's JSON content type. */
export const jsonType = 'application/json';
const textType = 'text/plain; charset=utf-8';

/** A 200 JSON reply; `pretty: false` for the handlers that switched indentation off. */
export function jsonReply(value: unknown, { pretty = true, status = 200 }: { pretty?: boolean; status?: number } = {}): Reply {
  const body = pretty ? JSON.stringify(value, null, 1) : JSON.stringify(value);
  return { status, contentType: jsonType, body: `${body}\n` };
}

/** A plain-text reply (Heapster's `WriteError` bodies). */
export function textReply(status: number, body: string): Reply {
  return { status, contentType: textType, body };
}

/** The plain-text reply for a {@link RestError}. */
export function errorReply(error: RestError): Reply {
  return textReply(error.status, error.message);
}

/** Runs an answer, turning a {@link RestError} into its plain-text reply. */
export function answering(answer: () => Reply): Reply {
  try {
    return answer();
  } catch (error) {
    if (error instanceof RestError) return errorReply(error);
    throw error;
  }
}

/** A Kubernetes `metav1.Status` failure, as the API server (and metrics-server) sends it. */
export function statusReply(
  code: number,
  reason: string,
  message: string,
  details?: { name?: string; group?: string; kind?: string },
): Reply {
  const status: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details) status.details = details;
  status.code = code;
  return jsonReply(status, { pretty: false, status: code });
}

/**
 * Whether an `Accept` header admits JSON: absent or empty does; otherwise some entry must be
 * `*\/*`, `application/*` or `application/json` (parameters ignored, except `q=0` which refuses).
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((entry) => {
    const [type = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    const refused = params.some((p) => /^q=0(\.0*)?$/.test(p));
    return !refused && (type === '*/*' || type === 'application/*' || type === jsonType);
  });
}

/** The encoding to use for an `Accept-Encoding` header: gzip preferred, then deflate. */
export function chooseEncoding(acceptEncoding: string | undefined): 'gzip' | 'deflate' | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Set<string>();
  for (const entry of acceptEncoding.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    if (!params.some((p) => /^q=0(\.0*)?$/.test(p))) accepted.add(coding);
  }
  if (accepted.has('gzip') || accepted.has('x-gzip')) return 'gzip';
  if (accepted.has('deflate')) return 'deflate';
  return undefined;
}
