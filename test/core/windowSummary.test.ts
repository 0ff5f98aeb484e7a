import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { WindowSummary } from '../../src/core/windowSummary.js';
import { parsePromText } from '../../src/sources/promtext/parse.js';

const minute = 60_000;

/** A summary on its own registry with a clock the test moves. */
function setup(options: { maxSamples?: number } = {}) {
  const clock = { now: 1_700_000_000_000 };
  const registry = new Registry();
  const summary = new WindowSummary({ name: 'op_duration_milliseconds', help: 'Op time.', labelNames: ['node'], registers: [registry], now: () => clock.now, ...options });
  /** Every sample of the registry's text output, keyed `name{labels}` as Prometheus prints them. */
  const scrape = async () => {
    const text = await registry.metrics();
    const samples = new Map<string, number>();
    parsePromText(text, (s) => {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      samples.set(`${s.name}{${labels}}`, s.value);
    });
    return { text, samples };
  };
  return { clock, registry, summary, scrape };
}

/** Nearest-rank quantile, computed the long way for comparison. */
function nearestRank(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('WindowSummary', () => {
  it('prints quantiles, _sum and _count per label set in the Prometheus text format', async () => {
    const { summary, scrape } = setup();
    for (let v = 100; v >= 1; v--) summary.observe({ node: 'a' }, v);
    summary.observe({ node: 'b' }, 7);
    const { text, samples } = await scrape();
    expect(text).toContain('# TYPE op_duration_milliseconds summary');
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.5"}')).toBe(50);
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.9"}')).toBe(90);
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.99"}')).toBe(99);
    expect(samples.get('op_duration_milliseconds_sum{node="a"}')).toBe(5050);
    expect(samples.get('op_duration_milliseconds_count{node="a"}')).toBe(100);
    expect(samples.get('op_duration_milliseconds{node="b",quantile="0.99"}')).toBe(7);
    expect(samples.get('op_duration_milliseconds_count{node="b"}')).toBe(1);
  });

  it('drops observations older than 10 minutes from the quantiles but not from _sum and _count', async () => {
    const { clock, summary, scrape } = setup();
    summary.observe({ node: 'a' }, 1000);
    clock.now += 9 * minute;
    summary.observe({ node: 'a' }, 10);
    expect((await scrape()).samples.get('op_duration_milliseconds{node="a",quantile="0.99"}')).toBe(1000);
    clock.now += 2 * minute;
    let { samples } = await scrape();
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.99"}')).toBe(10);
    expect(samples.get('op_duration_milliseconds_sum{node="a"}')).toBe(1010);
    clock.now += 10 * minute;
    ({ samples } = await scrape());
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.5"}')).toBeNaN();
    expect(samples.get('op_duration_milliseconds_count{node="a"}')).toBe(2);
  });

  it('keeps the latest maxSamples observations of a label set', async () => {
    const { summary, scrape } = setup({ maxSamples: 4 });
    for (const v of [900, 800, 1, 2, 3, 4]) summary.observe({ node: 'a' }, v);
    const { samples } = await scrape();
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.99"}')).toBe(4);
    expect(samples.get('op_duration_milliseconds_count{node="a"}')).toBe(6);
  });

  it('agrees with the quantiles of the window computed the long way, over a random sequence', async () => {
    const { clock, summary, scrape } = setup({ maxSamples: 50 });
    const seen: { value: number; at: number }[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 40; round++) {
      const n = Math.floor(random() * 30);
      for (let i = 0; i < n; i++) {
        const value = Math.round(random() * 1000) / 10;
        summary.observe({ node: 'x' }, value);
        seen.push({ value, at: clock.now });
        clock.now += Math.floor(random() * 20_000);
      }
      clock.now += Math.floor(random() * 4 * minute);
      const window = seen.filter((s) => clock.now - s.at <= 10 * minute).slice(-50).map((s) => s.value);
      const { samples } = await scrape();
      if (seen.length === 0) continue;
      for (const q of [0.5, 0.9, 0.99]) {
        const got = samples.get(`op_duration_milliseconds{node="x",quantile="${q}"}`);
        if (window.length === 0) expect(got).toBeNaN();
        else expect(got).toBe(nearestRank(window, q));
      }
      expect(samples.get('op_duration_milliseconds_count{node="x"}')).toBe(seen.length);
    }
  });

  it('rejects an unknown label or a value that is not a number, and keeps what it had', async () => {
    const { summary, scrape } = setup();
    summary.observe({ node: 'a' }, 5);
    expect(() => summary.observe({ host: 'a' } as never, 1)).toThrow(/unknown label "host"/);
    expect(() => summary.observe({ node: 'a' }, Number.NaN)).toThrow(/not a valid number/);
    expect(() => summary.observe({ node: 'a' }, '3' as never)).toThrow(/not a valid number/);
    const { samples } = await scrape();
    expect(samples.get('op_duration_milliseconds_count{node="a"}')).toBe(1);
    expect(samples.get('op_duration_milliseconds{node="a",quantile="0.5"}')).toBe(5);
  });

  it('escapes label values as the registry does for its own metrics', async () => {
    const { summary, registry } = setup();
    summary.observe({ node: 'we"ird\\name' }, 1);
    expect(await registry.metrics()).toContain('op_duration_milliseconds_count{node="we\\"ird\\\\name"} 1');
  });
});
