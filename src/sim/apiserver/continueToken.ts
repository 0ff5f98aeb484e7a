/**
 * List continue tokens, encoded as the real API server encodes them: base64 of
 * `{"v":"meta.k8s.io/v1","rv":<resourceVersion>,"start":"<next key>"}`. `rv` -1 marks the
 * "inconsistent" token offered after compaction: continue from the same key at the latest state.
 *
 * @module
 */

import { StatusError } from './errors.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';

/** Where a paged list resumes: the snapshot's resourceVersion and the first key not yet returned. */
export interface ContinuePoint {
  /** resourceVersion of the snapshot, or -1 for "latest". */
  readonly resourceVersion: number;
  /** Keys at or after this one (in store-key order) are still to come. */
  readonly startKey: string;
}

/** The opaque token for `point`. */
export function encodeContinue(point: ContinuePoint): string {
  const json = JSON.stringify({ v: TOKEN_VERSION, rv: point.resourceVersion, start: point.startKey });
  return Buffer.from(json, 'utf8').toString('base64url');
}

function invalid(detail: string): StatusError {
  return new StatusError(400, 'BadRequest', `invalid continue token: ${detail}`);
}

/** Decodes a token from a client; anything malformed is a 400, as upstream. */
export function decodeContinue(token: string): ContinuePoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('continue key is not valid: the token is not base64-encoded JSON');
  }
  const { v, rv, start } = (parsed ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== TOKEN_VERSION) throw invalid(`continue key is not valid: server does not recognize this encoded version ${JSON.stringify(v)}`);
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv === 0 || rv < -1) {
    throw invalid(`continue key is not valid: incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  }
  if (typeof start !== 'string' || start === '') throw invalid('continue key is not valid: encoded start key empty');
  return { resourceVersion: rv, startKey: start };
}
