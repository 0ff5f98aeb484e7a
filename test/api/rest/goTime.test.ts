import { describe, expect, it } from 'vitest';
import { formatGoTime, formatKubeTime, goZeroTime, parseRfc3339 } from '../../../src/api/rest/goTime.js';

const layout = '2006-01-02T15:04:05Z07:00';

describe('parseRfc3339', () => {
  it.each([
    ['2016-09-14T10:00:00Z', Date.UTC(2016, 8, 14, 10), 0],
    ['2016-09-14T10:00:00.5Z', Date.UTC(2016, 8, 14, 10, 0, 0, 500), 0],
    ['2016-09-14T10:00:00.123456789Z', Date.UTC(2016, 8, 14, 10, 0, 0, 123), 456_789],
    ['2016-09-14T12:30:00+02:30', Date.UTC(2016, 8, 14, 10), 0],
    ['2016-09-14T08:00:00-02:00', Date.UTC(2016, 8, 14, 10), 0],
    ['2016-09-14T9:00:00Z', Date.UTC(2016, 8, 14, 9), 0],
    ['2016-02-29T00:00:00Z', Date.UTC(2016, 1, 29), 0],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000, 0],
  ])('reads %s as Go does', (text, epochMs, subMsNs) => {
    expect(parseRfc3339(text)).toEqual({ ok: true, instant: { epochMs, subMsNs } });
  });

  it.each([
    ['yesterday', `parsing time "yesterday" as "${layout}": cannot parse "yesterday" as "2006"`],
    ['2016', `parsing time "2016" as "${layout}": cannot parse "" as "-"`],
    ['2016-9-14T10:00:00Z', `parsing time "2016-9-14T10:00:00Z" as "${layout}": cannot parse "9-14T10:00:00Z" as "01"`],
    ['2016-09-14 10:00:00Z', `parsing time "2016-09-14 10:00:00Z" as "${layout}": cannot parse " 10:00:00Z" as "T"`],
    ['2016-09-14T10:00:00 01:00', `parsing time "2016-09-14T10:00:00 01:00" as "${layout}": cannot parse " 01:00" as "Z07:00"`],
    ['2016-09-14T10:00:00', `parsing time "2016-09-14T10:00:00" as "${layout}": cannot parse "" as "Z07:00"`],
    ['2016-13-01T00:00:00Z', 'parsing time "2016-13-01T00:00:00Z": month out of range'],
    ['2015-02-29T00:00:00Z', 'parsing time "2015-02-29T00:00:00Z": day out of range'],
    ['2016-09-14T24:00:00Z', 'parsing time "2016-09-14T24:00:00Z": hour out of range'],
    ['2016-09-14T10:60:00Z', 'parsing time "2016-09-14T10:60:00Z": minute out of range'],
    ['2016-09-14T10:00:00Zjunk', 'parsing time "2016-09-14T10:00:00Zjunk": extra text: junk'],
  ])('rejects %s with Go\'s message', (text, error) => {
    expect(parseRfc3339(text)).toEqual({ ok: false, error });
  });
});

describe('time formatting', () => {
  it('writes Go JSON times with the fraction trimmed and the zero time for 0', () => {
    expect(formatGoTime(Date.UTC(2016, 8, 14, 10, 1))).toBe('2016-09-14T10:01:00Z');
    expect(formatGoTime(Date.UTC(2016, 8, 14, 10, 1, 0, 500))).toBe('2016-09-14T10:01:00.5Z');
    expect(formatGoTime(Date.UTC(2016, 8, 14, 10, 1, 0, 25))).toBe('2016-09-14T10:01:00.025Z');
    expect(formatGoTime(0)).toBe(goZeroTime);
  });

  it('writes Kubernetes times in whole seconds', () => {
    expect(formatKubeTime(Date.UTC(2016, 8, 14, 10, 1, 2, 999))).toBe('2016-09-14T10:01:02Z');
  });

  it('round-trips every formatted time through the parser', () => {
    for (const ms of [Date.UTC(1999, 11, 31, 23, 59, 59, 1), Date.UTC(2024, 1, 29, 12), -62_135_596_800_000 + 1]) {
      const parsed = parseRfc3339(formatGoTime(ms));
      expect(parsed.ok && parsed.instant.epochMs).toBe(ms);
    }
  });
});
