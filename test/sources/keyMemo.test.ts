import { describe, expect, it } from 'vitest';
import { podContainerKey } from '../../src/core/keys.js';
import { createKeyMemo, type KeyBuilder } from '../../src/sources/summary/keyMemo.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import { readFixture } from '../helpers/fixtures.js';

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

  it('forgets the nodes keepOnly does not name', () => {
    const memo = createKeyMemo();
    const { build, calls } = countingBuilder();
    const sets: Array<[string, string, string]> = [['ns', 'web', 'a']];
    scrape(memo, 'n1', build, sets);
    scrape(memo, 'n2', build, sets);
    memo.keepOnly(new Set(['n2']));
    scrape(memo, 'n1', build, sets);
    scrape(memo, 'n2', build, sets);
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

describe('key memo parts', () => {
  it('gives the parts of the last key, whether it was reused or built', () => {
    const memo = createKeyMemo();
    const first = memo.begin('n1');
    first.key(podContainerKey, 'ns', 'web', 'a');
    expect([first.part(0), first.part(1), first.part(2)]).toEqual(['ns', 'web', 'a']);
    first.key(podContainerKey, 'ns', 'db');
    expect([first.part(0), first.part(1), first.part(2)]).toEqual(['ns', 'db', '']);
    first.done();
    const again = memo.begin('n1');
    // Built from new strings of equal content (as a new parse gives): reused, parts equal.
    again.key(podContainerKey, ['n', 's'].join(''), ['w', 'eb'].join(''), 'a');
    expect([again.part(0), again.part(1), again.part(2)]).toEqual(['ns', 'web', 'a']);
    again.key(podContainerKey, 'ns', 'cache');
    expect(again.part(1)).toBe('cache');
  });
});

describe('key memo with other values', () => {
  it('reuses a value only when the same builder made it at that position', () => {
    const memo = createKeyMemo();
    let built = 0;
    const labelsOf: KeyBuilder<Readonly<Record<string, string>>> = (name) => {
      built++;
      return Object.freeze({ resource_id: `Volume:${name}` });
    };
    const first = memo.begin('n1');
    const keyOfWeb = first.key(podContainerKey, 'ns', 'web', 'a');
    const data = first.key(labelsOf, 'data');
    first.done();

    const again = memo.begin('n1');
    expect(again.key(podContainerKey, 'ns', 'web', 'a')).toBe(keyOfWeb);
    expect(again.key(labelsOf, 'data')).toBe(data);
    again.done();
    expect(built).toBe(1);

    // Same parts at the same position, another builder: built anew.
    const swapped = memo.begin('n1');
    expect(swapped.key(labelsOf, 'ns', 'web', 'a')).toEqual({ resource_id: 'Volume:ns' });
    expect(swapped.key(podContainerKey, 'data')).toBe(podContainerKey('data', '', ''));
    expect(built).toBe(2);
  });
});

describe('the summary decoder', () => {
  const info = { nodeName: 'minikube', hostname: 'minikube', hostId: '' };
  const volumeLabelsOf = (decoded: ReturnType<typeof decodeSummary>) => {
    const found = new Map<string, Readonly<Record<string, string>>>();
    for (const [key, set] of decoded.metricSets) {
      set.labeledMetrics.forEach((_, name, labels) => {
        if (name === 'filesystem/usage' && labels.resource_id!.startsWith('Volume:')) found.set(`${key} ${labels.resource_id}`, labels);
      });
    }
    return found;
  };

  it('gives each volume of a node scraped again the label object it had', () => {
    const body = readFixture('kubelet-summary/summary-k8s1.35-minikube-containerd2-nri.json');
    const first = volumeLabelsOf(decodeSummary(body, info, { nowMs: Date.parse('2030-01-01T00:00:00Z') }));
    const second = volumeLabelsOf(decodeSummary(body, info, { nowMs: Date.parse('2030-01-01T00:01:00Z') }));
    expect(first.size).toBeGreaterThan(5);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [where, labels] of second) {
      expect(labels).toBe(first.get(where));
      expect(Object.isFrozen(labels)).toBe(true);
      expect(where.endsWith(labels.resource_id!)).toBe(true);
    }
  });
});
