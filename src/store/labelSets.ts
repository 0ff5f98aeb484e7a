/**
 * Interned label sets of labeled metrics. Each distinct set of pairs gets one numeric id and one
 * frozen copy whose strings are shared with every other set; rows of labeled columns store the
 * id. Lookups walk a trie keyed by the pairs in the object's own order, so the steady state
 * (the same label objects shapes every batch) interns without allocating. Sets are reference
 * counted by rows and collected when no row uses them (volume names churn with pods). A frozen
 * labels object (the decoder's filesystem labels, kept from scrape to scrape) is remembered by
 * identity, so the next batch's rows find their set without walking its pairs.
 *
 * @module
 */
import { createIdPool } from './idPool.js';
import { mapEntryBytes, mapHeaderBytes, objectHeaderBytes, propertyBytes, stringBytes } from './memory.js';

/** The interned label sets of one store. */
export interface LabelSetTable {
  /** The id of `labels`' set of pairs, creating it (with no references) when new. */
  intern(labels: Readonly<Record<string, string>>): number;
  /** One more row uses `id`. */
  retain(id: number): void;
  /** One row fewer uses `id`; sets reach zero are freed by {@link collect}. */
  release(id: number): void;
  /** Frees every set no row uses; their ids may be handed out again. */
  collect(): void;
  /** The frozen pairs of `id`. */
  labels(id: number): Readonly<Record<string, string>>;
  /** A string that orders and identifies sets (sorted pairs). */
  sortKey(id: number): string;
  /** Heapster's match rule: `filter` has as many pairs as the set and every pair is equal. */
  matches(id: number, filter: Readonly<Record<string, string>>): boolean;
  /** Estimated bytes of the table. */
  memoryBytes(): number;
}

interface TrieNode {
  /** Label-set id when the path to this node spells a whole set; -1 otherwise. */
  id: number;
  children: Map<string, Map<string, TrieNode>> | undefined;
}

interface LabelSet {
  id: number;
  labels: Readonly<Record<string, string>>;
  size: number;
  sortKey: string;
  refs: number;
  /** Trie nodes that resolve to this set (one per pair order seen). */
  leaves: TrieNode[];
}


function newNode(): TrieNode {
  return { id: -1, children: undefined };
}

/** Creates an empty table. */
export function createLabelSetTable(): LabelSetTable {
  const ids = createIdPool();
  const sets: (LabelSet | undefined)[] = [];
  const bySortKey = new Map<string, number>();
  let strings = new Map<string, string>();
  let root = newNode();
  let liveLeaves = 0;
  let deadLeaves = 0;
  let lastId = -1;
  // Weak: a labels object no batch holds any more drops out with it. A collected set's record is
  // replaced, so a stale entry is told apart by `sets[record.id] !== record`.
  const byObject = new WeakMap<object, LabelSet>();

  function share(text: string): string {
    const known = strings.get(text);
    if (known !== undefined) return known;
    strings.set(text, text);
    return text;
  }

  function addPath(labels: Readonly<Record<string, string>>, id: number): void {
    let node = root;
    for (const key in labels) {
      const value = labels[key]!;
      node.children ??= new Map();
      let byValue = node.children.get(key);
      if (!byValue) node.children.set(key, (byValue = new Map()));
      let child = byValue.get(value);
      if (!child) byValue.set(value, (child = newNode()));
      node = child;
    }
    if (node.id === id) return;
    node.id = id;
    sets[id]!.leaves.push(node);
    liveLeaves++;
  }

  function internSlow(labels: Readonly<Record<string, string>>): number {
    const keys = Object.keys(labels).sort();
    const sortKey = JSON.stringify(keys.map((key) => [key, String(labels[key])]));
    let id = bySortKey.get(sortKey);
    if (id === undefined) {
      id = ids.allocate();
      const copy: Record<string, string> = {};
      for (const key of keys) copy[share(key)] = share(String(labels[key]));
      sets[id] = { id, labels: Object.freeze(copy), size: keys.length, sortKey, refs: 0, leaves: [] };
      bySortKey.set(sortKey, id);
    }
    addPath(labels, id);
    return id;
  }

  function lookup(labels: Readonly<Record<string, string>>): number {
    let node = root;
    for (const key in labels) {
      const next = node.children?.get(key)?.get(labels[key]!);
      if (next === undefined) return internSlow(labels);
      node = next;
    }
    return node.id >= 0 ? node.id : internSlow(labels);
  }

  /** Whether `labels` has exactly the pairs of the set interned last (no allocation). */
  function sameAsLast(labels: Readonly<Record<string, string>>): boolean {
    const last = sets[lastId]!;
    let count = 0;
    for (const key in labels) {
      if (last.labels[key] !== labels[key]) return false;
      count++;
    }
    return count === last.size;
  }

  function rebuild(): void {
    root = newNode();
    strings = new Map();
    liveLeaves = 0;
    deadLeaves = 0;
    for (let id = 0; id < sets.length; id++) {
      const set = sets[id];
      if (!set) continue;
      const copy: Record<string, string> = {};
      for (const key in set.labels) copy[share(key)] = share(set.labels[key]!);
      set.labels = Object.freeze(copy);
      set.leaves = [];
      addPath(set.labels, id);
    }
  }

  return {
    intern(labels) {
      const known = byObject.get(labels);
      if (known !== undefined && sets[known.id] === known) return (lastId = known.id);
      // Metrics of one device (usage, limit, available) come in a row with equal labels.
      if (lastId >= 0 && sameAsLast(labels)) return lastId;
      lastId = lookup(labels);
      if (Object.isFrozen(labels)) byObject.set(labels, sets[lastId]!);
      return lastId;
    },
    retain(id) {
      sets[id]!.refs++;
    },
    release(id) {
      sets[id]!.refs--;
    },
    collect() {
      lastId = -1;
      for (let id = 0; id < sets.length; id++) {
        const set = sets[id];
        if (!set || set.refs > 0) continue;
        for (const leaf of set.leaves) leaf.id = -1;
        liveLeaves -= set.leaves.length;
        deadLeaves += set.leaves.length;
        bySortKey.delete(set.sortKey);
        sets[id] = undefined;
        ids.release(id);
      }
      sets.length = ids.highWater;
      // Dead trie paths and unshared strings are dropped wholesale once they outnumber live ones.
      if (deadLeaves > 64 && deadLeaves > liveLeaves) {
        rebuild();
        ids.compact();
      }
    },
    labels(id) {
      return sets[id]!.labels;
    },
    sortKey(id) {
      return sets[id]!.sortKey;
    },
    matches(id, filter) {
      const set = sets[id]!;
      let count = 0;
      for (const key in filter) {
        if (set.labels[key] !== filter[key]) return false;
        count++;
      }
      return count === set.size;
    },
    memoryBytes() {
      // Trie: a node object per leaf path step and its two Map levels; sets: record, frozen copy, key.
      let bytes = ids.memoryBytes() + sets.length * propertyBytes;
      bytes += (liveLeaves + deadLeaves) * (objectHeaderBytes + 2 * propertyBytes + 2 * (mapHeaderBytes + mapEntryBytes));
      for (const set of sets) {
        if (!set) continue;
        bytes += 2 * objectHeaderBytes + 5 * propertyBytes + set.size * propertyBytes + set.leaves.length * propertyBytes;
        bytes += stringBytes(set.sortKey.length) + mapEntryBytes;
      }
      for (const text of strings.keys()) bytes += mapEntryBytes + stringBytes(text.length);
      return bytes;
    },
  };
}
