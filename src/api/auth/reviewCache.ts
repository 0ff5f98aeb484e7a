/**
 * Review answers kept for a while, as kube-apiserver's delegating authenticator and authorizer
 * keep them (`--authentication-token-webhook-cache-ttl`, `--authorization-webhook-cache-*-ttl`,
 * 10 s by default): allowed and denied answers alike, failures never. Identical questions asked
 * while one is in flight share its request, so a burst of requests costs one review.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { AuthError } from './errors.js';
import type { AccessAttributes, AccessReviewer, ReviewSubject, TokenReviewAnswer } from './reviewer.js';

/** Options of {@link createTtlCache}. */
export interface TtlCacheOptions {
  /** How long an answer is reused; 0 keeps none (in-flight sharing only). */
  ttlMs: number;
  /** Most answers kept; the least recently used goes first. @default 10000 */
  maxEntries?: number;
  /** Milliseconds now. @default Date.now */
  clock?: () => number;
}

/** Answers by key, loaded once per key per TTL. */
export interface TtlCache<V> {
  /** The fresh answer for `key`, or the one `load` gives (shared with concurrent callers). */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Answers held now (fresh or not yet swept). */
  readonly size: number;
}

/** Creates an empty cache. */
export function createTtlCache<V>({ ttlMs, maxEntries = 10_000, clock = Date.now }: TtlCacheOptions): TtlCache<V> {
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new AuthError('invalid_option', `ttlMs must be a non-negative number, received ${JSON.stringify(ttlMs)}`, { option: 'ttlMs' });
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new AuthError('invalid_option', `maxEntries must be a positive integer, received ${JSON.stringify(maxEntries)}`, { option: 'maxEntries' });
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the least recently used.
  const answers = new Map<string, { value: V; expiresAtMs: number }>();
  const inFlight = new Map<string, Promise<V>>();
  return {
    get(key, load) {
      const held = answers.get(key);
      if (held) {
        answers.delete(key);
        if (held.expiresAtMs > clock()) {
          answers.set(key, held);
          return Promise.resolve(held.value);
        }
      }
      const pending = inFlight.get(key);
      if (pending) return pending;
      const loading = load().then(
        (value) => {
          inFlight.delete(key);
          if (ttlMs > 0) {
            answers.set(key, { value, expiresAtMs: clock() + ttlMs });
            if (answers.size > maxEntries) answers.delete(answers.keys().next().value!);
          }
          return value;
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, loading);
      return loading;
    },
    get size() {
      return answers.size;
    },
  };
}

/** Options of {@link createCachingReviewer}. */
export interface CachingReviewerOptions {
  /** `--auth_cache_ttl`. */
  ttlMs: number;
  /** Most answers kept per review kind. @default 10000 */
  maxEntries?: number;
  /** @default Date.now */
  clock?: () => number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The SubjectAccessReview question as one key: everything the API server sees in the spec. */
function accessKey(subject: ReviewSubject, attributes: AccessAttributes): string {
  const extra = Object.entries(subject.extra ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([subject.user, subject.uid ?? '', [...subject.groups].sort(), extra, attributes]);
}

/**
 * Wraps `reviewer` with one cache per review kind. Tokens are keyed by their SHA-256, so the
 * cache holds no token.
 */
export function createCachingReviewer(reviewer: AccessReviewer, { ttlMs, maxEntries = 10_000, clock = Date.now }: CachingReviewerOptions): AccessReviewer {
  const tokens = createTtlCache<TokenReviewAnswer>({ ttlMs, maxEntries, clock });
  const access = createTtlCache<boolean>({ ttlMs, maxEntries, clock });
  return {
    reviewToken: (token) => tokens.get(sha256(token), () => reviewer.reviewToken(token)),
    reviewAccess: (subject, attributes) => access.get(accessKey(subject, attributes), () => reviewer.reviewAccess(subject, attributes)),
  };
}
