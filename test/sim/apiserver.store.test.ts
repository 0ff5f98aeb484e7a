import { describe, expect, it } from 'vitest';
import { ApiServerError } from '../../src/sim/apiserver/errors.js';
import { createObjectStore, storeInternals } from '../../src/sim/apiserver/store.js';
import type { SimResource, WatchEvent } from '../../src/sim/types.js';
import { pod } from './apiserverTestKit.js';

describe('createObjectStore', () => {
  it('gives every change the next resourceVersion and stamps identity once', () => {
    const store = createObjectStore();
    expect(store.resourceVersion).toBe(0);
    const first = store.upsert('pods', pod('a'));
    const second = store.upsert('pods', { ...pod('a'), status: { phase: 'Succeeded' } });
    expect([first.metadata.resourceVersion, second.metadata.resourceVersion]).toEqual(['1', '2']);
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(second.metadata.creationTimestamp).toBe(first.metadata.creationTimestamp);
    expect(first.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect([second.kind, second.apiVersion]).toEqual(['Pod', 'v1']);
    expect(store.upsert('deployments', { metadata: { name: 'd', namespace: 'x' } }).apiVersion).toBe('apps/v1');
    expect(store.upsert('cronjobs', { metadata: { name: 'c', namespace: 'x' } }).apiVersion).toBe('batch/v1');
    expect(store.resourceVersion).toBe(4);
  });

  it('keeps a uid the caller supplies', () => {
    const store = createObjectStore();
    const stored = store.upsert('nodes', { metadata: { name: 'n', uid: 'fixed-uid' } });
    expect(stored.metadata.uid).toBe('fixed-uid');
  });

  it('stores a frozen copy, so neither the caller nor a reader can change it', () => {
    const store = createObjectStore();
    const input = pod('a');
    const stored = store.upsert('pods', input);
    (input.metadata.labels as Record<string, string>).changed = 'yes';
    expect(store.get('pods', 'default', 'a')!.metadata.labels).toEqual({});
    expect(() => {
      (stored.metadata as { name: string }).name = 'b';
    }).toThrow(TypeError);
  });

  it('shares the frozen parts of a stored object spread into a new version, and copies the caller’s own', () => {
    const store = createObjectStore();
    const first = store.upsert('pods', pod('a'));
    const status = { phase: 'Succeeded', containerStatuses: [{ name: 'main', restartCount: 1 }] };
    const second = store.upsert('pods', { ...first, status });
    expect(second.spec).toBe(first.spec);
    expect(second.status).toEqual(status);
    expect(second.status).not.toBe(status);
    expect(Object.isFrozen((second.status as typeof status).containerStatuses[0])).toBe(true);
    expect(Object.isFrozen(status)).toBe(false);
  });

  it('copies a value that is not plain JSON (a Date) instead of flattening it', () => {
    const store = createObjectStore();
    const at = new Date('2024-05-01T10:00:00Z');
    const stored = store.upsert('nodes', { metadata: { name: 'n' }, status: { checkedAt: at } });
    const copied = (stored.status as { checkedAt: Date }).checkedAt;
    expect(copied).toBeInstanceOf(Date);
    expect(copied).toEqual(at);
    expect(copied).not.toBe(at);
  });

  it('keeps its sorted keys until a key is added or removed', () => {
    const store = createObjectStore();
    const internals = storeInternals(store)!;
    for (const [name, namespace] of [['b', 'two'], ['a', 'two'], ['c', 'one']] as const) store.upsert('pods', pod(name, namespace));
    const keys = internals.sortedKeys('pods');
    expect(keys).toEqual(['one/c', 'two/a', 'two/b']);
    store.upsert('pods', { ...pod('a', 'two'), status: { phase: 'Failed' } });
    expect(internals.sortedKeys('pods')).toBe(keys);
    store.upsert('pods', pod('a', 'one'));
    expect(internals.sortedKeys('pods')).toEqual(['one/a', 'one/c', 'two/a', 'two/b']);
    store.remove('pods', 'two', 'b');
    expect(internals.sortedKeys('pods')).toEqual(['one/a', 'one/c', 'two/a']);
    expect(internals.sortedKeys('nodes')).toEqual([]);
  });

  it('lists per namespace and gets by name', () => {
    const store = createObjectStore();
    store.upsert('pods', pod('a', 'one'));
    store.upsert('pods', pod('b', 'two'));
    store.upsert('namespaces', { metadata: { name: 'one' } });
    expect(store.list('pods').map((p) => p.metadata.name).sort()).toEqual(['a', 'b']);
    expect(store.list('pods', 'two').map((p) => p.metadata.name)).toEqual(['b']);
    expect(store.get('pods', 'one', 'a')?.metadata.name).toBe('a');
    expect(store.get('pods', 'two', 'a')).toBeUndefined();
    expect(store.get('namespaces', undefined, 'one')?.kind).toBe('Namespace');
  });

  it('reports ADDED, MODIFIED and DELETED to listeners with their resourceVersions', () => {
    const store = createObjectStore();
    const seen: Array<[SimResource, WatchEvent['type'], number, string | undefined]> = [];
    const stop = store.onChange((resource, event, rv) => seen.push([resource, event.type, rv, event.object.metadata.resourceVersion]));
    store.upsert('pods', pod('a'));
    store.upsert('pods', pod('a'));
    expect(store.remove('pods', 'default', 'a')).toBe(true);
    expect(store.remove('pods', 'default', 'a')).toBe(false);
    stop();
    store.upsert('pods', pod('b'));
    expect(seen).toEqual([
      ['pods', 'ADDED', 1, '1'],
      ['pods', 'MODIFIED', 2, '2'],
      ['pods', 'DELETED', 3, '3'],
    ]);
  });

  it('still notifies every listener when one throws, then rethrows', () => {
    const store = createObjectStore();
    const calls: string[] = [];
    store.onChange(() => {
      calls.push('first');
      throw new Error('listener broke');
    });
    store.onChange(() => void calls.push('second'));
    expect(() => store.upsert('pods', pod('a'))).toThrow('listener broke');
    expect(calls).toEqual(['first', 'second']);
    expect(store.get('pods', 'default', 'a')).toBeDefined();
  });

  it.each([
    ['pods', { metadata: { name: '' , namespace: 'x' } }, 'pods: metadata.name must be a non-empty string, received ""'],
    ['pods', { metadata: { name: 'a' } }, 'pods a: metadata.namespace must be a non-empty string, received undefined'],
    ['nodes', { metadata: { name: 'n', namespace: 'x' } }, 'nodes n: nodes are cluster-scoped, so metadata.namespace must be absent, received "x"'],
    ['widgets', { metadata: { name: 'w' } }, 'unknown resource "widgets"'],
  ] as const)('refuses a %s object that does not fit: %j', (resource, object, message) => {
    const store = createObjectStore();
    expect(() => store.upsert(resource as SimResource, object)).toThrow(expect.objectContaining({ name: 'ApiServerError', code: 'invalid_object', message }));
    expect(store.resourceVersion).toBe(0);
  });

  it('keeps only historyLimit changes and forgets the rest', () => {
    const store = createObjectStore({ historyLimit: 3 });
    const { history } = storeInternals(store)!;
    for (let i = 0; i < 5; i++) store.upsert('pods', pod(`p${i}`));
    expect(history.compactedResourceVersion).toBe(2);
    expect(history.since(1)).toBeUndefined();
    expect(history.since(2)!.map((c) => c.resourceVersion)).toEqual([3, 4, 5]);
    expect(history.since(4)!.map((c) => c.resourceVersion)).toEqual([5]);
  });

  it('compact() forgets everything, including the newest resourceVersion clients hold', () => {
    const store = createObjectStore();
    store.upsert('pods', pod('a'));
    const { history } = storeInternals(store)!;
    store.compact();
    expect(store.resourceVersion).toBe(2);
    expect(history.since(1)).toBeUndefined();
    expect(history.since(2)).toEqual([]);
  });

  it('rejects a historyLimit that is not a positive integer', () => {
    expect(() => createObjectStore({ historyLimit: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_option', message: 'historyLimit must be a positive integer, received 0', context: { option: 'historyLimit' } }),
    );
    expect(() => createObjectStore({ historyLimit: 1.5 })).toThrow(ApiServerError);
  });
});
