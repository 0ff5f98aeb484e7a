import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackoff, realDelay } from '../../src/kube/backoff.js';
import { InformerError } from '../../src/kube/errors.js';

describe('createBackoff', () => {
  it('doubles from 1 s to a 30 s ceiling by default', () => {
    const backoff = createBackoff({ random: () => 0 });
    expect(Array.from({ length: 8 }, () => backoff.next())).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over after reset()', () => {
    const backoff = createBackoff({ random: () => 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(1_000);
  });

  it('shortens each delay by up to the jitter fraction', () => {
    const backoff = createBackoff({ initialMs: 100, maxMs: 1_000, jitter: 0.2, random: () => 0.5 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([90, 180, 360]);
  });

  it.each([
    [{ initialMs: 0 }, 'backoff needs 0 < initialMs <= maxMs, received initialMs=0 maxMs=30000'],
    [{ initialMs: 500, maxMs: 100 }, 'backoff needs 0 < initialMs <= maxMs, received initialMs=500 maxMs=100'],
    [{ jitter: 1 }, 'backoff jitter must be in [0, 1), received 1'],
  ])('rejects %o', (options, message) => {
    expect(() => createBackoff(options)).toThrow(new InformerError('invalid_option', message));
  });
});

describe('realDelay', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the delay', async () => {
    vi.useFakeTimers();
    let done = false;
    const waiting = realDelay(1_000, new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('resolves at once and clears its timer when aborted', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const waiting = realDelay(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await waiting;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not start a timer for an already aborted signal', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    controller.abort();
    await realDelay(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(0);
  });
});
