import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

describe('parseDuration', () => {
  it.each([
    ['300ms', 300],
    ['1.5h', 1.5 * hour],
    ['2h45m', 2 * hour + 45 * minute],
    ['1m30s', minute + 30 * second],
    ['60s', minute],
    ['15m', 15 * minute],
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['0s', 0],
    ['-1s', -second],
    ['+5s', 5 * second],
    ['1us', 0.001],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['1500ns', 0.0015],
    ['1.1s', 1_100],
    ['.5s', 500],
    ['1.s', second],
    ['1h1m1s1ms', hour + minute + second + 1],
    ['  30s  ', 30 * second],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'invalid duration ""'],
    ['-', 'invalid duration "-"'],
    ['s', 'invalid duration "s"'],
    ['.s', 'invalid duration ".s"'],
    ['1', 'missing unit in duration "1"'],
    ['60', 'missing unit in duration "60"'],
    ['1.5.5s', 'missing unit in duration "1.5.5s"'],
    ['1x', 'unknown unit "x" in duration "1x"'],
    ['1S', 'unknown unit "S" in duration "1S"'],
    ['1 s', 'unknown unit " s" in duration "1 s"'],
    ['1h-1m', 'unknown unit "h-" in duration "1h-1m"'],
    ['1d', 'unknown unit "d" in duration "1d"'],
    ['3000000h', 'invalid duration "3000000h"'],
  ])('rejects %j with the error %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(new Error(message));
  });
});

describe('formatDuration', () => {
  it.each([
    [minute, '1m0s'],
    [30 * second, '30s'],
    [1_500, '1.5s'],
    [250, '250ms'],
    [hour, '1h0m0s'],
    [1.5 * hour, '1h30m0s'],
    [2 * hour + 45 * minute + 5_250, '2h45m5.25s'],
    [minute + 30_500, '1m30.5s'],
    [0, '0s'],
    [-second, '-1s'],
    [1.5, '1.5ms'],
    [0.5, '500µs'],
    [0.0015, '1.5µs'],
    [0.000_001, '1ns'],
    [25 * hour, '25h0m0s'],
  ])('prints %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(['300ms', '1h30m0s', '2h45m0s', '1m30s', '1.5s', '1.5µs', '-1s'])('reads back what it printed for %j', (text) => {
    expect(formatDuration(parseDuration(text))).toBe(text);
  });
});
