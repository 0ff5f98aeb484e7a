import { describe, expect, it } from 'vitest';
import { podContainerKey } from '../../src/core/keys.js';
import { createKeyMemo, type KeyBuilder } from '../../src/sources/summary/keyMemo.js';

/** A builder that counts its calls: a key it does not build is the remembered one. */
function countingBuilder(): { build: KeyBuilder; calls: () => number } {
  let calls = 0;
  return {
    build: (a, b, c) => {
      calls++;
      return podContainerKey(a, b, c);
    },
    calls: () => calls,
  };
}

function scrape(memo: ReturnType<typeof createKeyMemo>, node: string, build: KeyBuilder, sets: Array<[string, string, string]>): string[] {
  const cursor = memo.begin(node);
  const keys = sets.map(([a, b, c]) => cursor.key(build, a, b, c));
  cursor.done();
  return keys;
}

describe('key memo', () => {
  it('gives the sets of a node scraped again their previous keys without building them', () => {
    const memo = createKeyMemo();
    const { build, calls } = countingBuilder();
    const sets: Array<[string, string, string]> = [['ns', 'web', 'a'], ['ns', 'web', 'b'], ['ns', 'db', 'a']];
    const expected = sets.map(([a, b, c]) => podContainerKey(a, b, c));
    expect(scrape(memo, 'n1', build, sets)).toEqual(expected);
    expect(calls()).toBe(3);
    expect(scrape(memo, 'n1', build, sets)).toEqual(expected);
    expect(calls()).toBe(3);
  });

  it('builds the key of a set whose position or parts changed, and of every set of another node', () => {
    const memo = createKeyMemo();
    const { build, calls } = countingBuilder();
    scrape(memo, 'n1', build, [['ns', 'web', 'a'], ['ns', 'web', 'b']]);
    // A pod came first: every position now holds other parts.
    const keys = scrape(memo, 'n1', build, [['ns', 'new', 'a'], ['ns', 'web', 'a'], ['ns', 'web', 'b']]);
    expect(keys).toEqual([podContainerKey('ns', 'new', 'a'), podContainerKey('ns', 'web', 'a'), podContainerKey('ns', 'web', 'b')]);
    expect(calls()).toBe(2 + 3);
    scrape(memo, 'n2', build, [['ns', 'new', 'a']]);
    expect(calls()).toBe(2 + 3 + 1);
    // The next scrape of n1 matches the order it saw last.
    scrape(memo, 'n1', build, [['ns', 'new', 'a'], ['ns', 'web', 'a'], ['ns', 'web', 'b']]);
    expect(calls()).toBe(2 + 3 + 1);
  });

  it('forgets a scrape that did not finish', () => {
    const memo = createKeyMemo();
    const { build, calls } = countingBuilder();
    memo.begin('n1').key(build, 'ns', 'web', 'a');
    scrape(memo, 'n1', build, [['ns', 'web', 'a']]);
    expect(calls()).toBe(2);
  });
});
