import { describe, expect, it } from 'vitest';
import { createCachingReviewer, createTtlCache } from '../../../src/api/auth/reviewCache.js';
import type { AccessAttributes, AccessReviewer, ReviewSubject } from '../../../src/api/auth/reviewer.js';

/** A clock tests move by hand. */
function manualClock(startMs = 1_000_000): { now: () => number; advance(ms: number): void } {
  let now = startMs;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

/** A promise and its resolver. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createTtlCache', () => {
  it('reuses an answer until the TTL has passed, then loads again', async () => {
    const clock = manualClock();
    const cache = createTtlCache<number>({ ttlMs: 10_000, clock: clock.now });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    clock.advance(9_999);
    expect(await cache.get('k', load)).toBe(1);
    clock.advance(1);
    expect(await cache.get('k', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('shares one load between concurrent callers of the same key', async () => {
    const cache = createTtlCache<string>({ ttlMs: 10_000 });
    const pending = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return pending.promise;
    };
    const answers = Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
    pending.resolve('v');
    expect(await answers).toEqual(['v', 'v', 'v']);
    expect(loads).toBe(1);
  });

  it('keeps no failure: the next call loads again', async () => {
    const cache = createTtlCache<string>({ ttlMs: 10_000 });
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', async () => 'up')).toBe('up');
  });

  it('keeps nothing with a TTL of 0 but still shares a load in flight', async () => {
    const cache = createTtlCache<number>({ ttlMs: 0 });
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b]).toEqual([1, 1]);
    expect(await cache.get('k', load)).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries answers, dropping the least recently used', async () => {
    const cache = createTtlCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    const loads: string[] = [];
    const load = (key: string) => async () => {
      loads.push(key);
      return key;
    };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('a', load('a')); // a is now the most recent
    await cache.get('c', load('c')); // evicts b
    expect(cache.size).toBe(2);
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it.each([
    [{ ttlMs: -1 }, 'ttlMs must be a non-negative number, received -1'],
    [{ ttlMs: Number.NaN }, 'ttlMs must be a non-negative number, received null'],
    [{ ttlMs: 1, maxEntries: 0 }, 'maxEntries must be a positive integer, received 0'],
  ])('rejects the options %j', (options, message) => {
    expect(() => createTtlCache(options)).toThrow(expect.objectContaining({ name: 'AuthError', code: 'invalid_option', message }));
  });
});

describe('createCachingReviewer', () => {
  const alice: ReviewSubject = { user: 'alice', groups: ['b', 'a'] };
  const shop: AccessAttributes = { kind: 'resource', verb: 'get', group: 'metrics.k8s.io', resource: 'pods', namespace: 'shop' };

  function countingReviewer(): AccessReviewer & { tokens: string[]; questions: number } {
    const counts = { tokens: [] as string[], questions: 0 };
    return Object.assign(counts, {
      reviewToken: async (token: string) => {
        counts.tokens.push(token);
        return token === 'good' ? { authenticated: true as const, subject: alice } : { authenticated: false as const, reason: 'no' };
      },
      reviewAccess: async (_s: ReviewSubject, attributes: AccessAttributes) => {
        counts.questions++;
        return attributes.kind === 'resource' && attributes.namespace === 'shop';
      },
    });
  }

  it('asks once per token and once per question within the TTL, denials included', async () => {
    const clock = manualClock();
    const inner = countingReviewer();
    const reviewer = createCachingReviewer(inner, { ttlMs: 10_000, clock: clock.now });
    for (let i = 0; i < 3; i++) {
      expect((await reviewer.reviewToken('good')).authenticated).toBe(true);
      expect((await reviewer.reviewToken('bad')).authenticated).toBe(false);
      expect(await reviewer.reviewAccess(alice, shop)).toBe(true);
      expect(await reviewer.reviewAccess(alice, { ...shop, namespace: 'payments' })).toBe(false);
    }
    expect(inner.tokens).toEqual(['good', 'bad']);
    expect(inner.questions).toBe(2);
    clock.advance(10_000);
    await reviewer.reviewToken('good');
    await reviewer.reviewAccess(alice, shop);
    expect(inner.tokens).toEqual(['good', 'bad', 'good']);
    expect(inner.questions).toBe(3);
  });

  it('treats the same user with groups in another order as the same question, another user as a new one', async () => {
    const inner = countingReviewer();
    const reviewer = createCachingReviewer(inner, { ttlMs: 10_000 });
    await reviewer.reviewAccess(alice, shop);
    await reviewer.reviewAccess({ user: 'alice', groups: ['a', 'b'] }, shop);
    expect(inner.questions).toBe(1);
    await reviewer.reviewAccess({ user: 'alice', groups: ['a'] }, shop);
    await reviewer.reviewAccess({ user: 'bob', groups: ['a', 'b'] }, shop);
    expect(inner.questions).toBe(3);
  });
});
