/**
 * A `Map` with string keys that never rehashes all its entries at once: the entries are spread
 * over {@link shardCount} Maps by a hash of the key's last characters, and their insertion
 * order is kept in two arrays, so iteration sees what a `Map`'s would.
 *
 * Why: V8 grows a `Map` by doubling its table and rehashing every entry in one step. The batch of
 * a 5,000-node cluster holds 421,026 sets, and its last doubling, at 262,144 entries, held the
 * event loop for 30–146 ms in the middle of the scrape with nothing else allowed to run
 * (docs/benchmarks.md, P3). In 64 shards the largest doubling is of ~4,000 entries.
 *
 * It extends `Map` so that code testing `instanceof Map` accepts it; the inherited storage stays
 * empty, every method reads the shards. Deleted entries leave a hole in the order arrays until
 * {@link ShardedMap.clear} (batches are built, read and dropped, not edited).
 *
 * @module
 */

/** Shards per map: a power of two. */
const shardCount = 64;
/** Characters hashed, from the end: where keys differ (`…/pod:<name>-<hash>/container:<name>`). */
const hashedTail = 24;

/** The shard of `key`. */
function shardOf(key: string): number {
  let hash = key.length;
  for (let i = Math.max(0, key.length - hashedTail); i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return (hash ^ (hash >>> 11)) & (shardCount - 1);
}

/** A `Map<string, V>` in shards; see the module comment. */
export class ShardedMap<V> extends Map<string, V> {
  // Set by clear(), which the constructor calls.
  private shards!: Array<Map<string, number>>;
  private keyAt!: Array<string | undefined>;
  private valueAt!: Array<V | undefined>;
  private count!: number;

  constructor(entries?: Iterable<readonly [string, V]> | null) {
    super();
    this.clear();
    if (entries) for (const [key, value] of entries) this.set(key, value);
  }

  override get size(): number {
    return this.count;
  }

  override get(key: string): V | undefined {
    const slot = this.shards[shardOf(key)]!.get(key);
    return slot === undefined ? undefined : this.valueAt[slot];
  }

  override has(key: string): boolean {
    return this.shards[shardOf(key)]!.has(key);
  }

  override set(key: string, value: V): this {
    const shard = this.shards[shardOf(key)]!;
    const slot = shard.get(key);
    if (slot !== undefined) {
      this.valueAt[slot] = value;
      return this;
    }
    shard.set(key, this.keyAt.length);
    this.keyAt.push(key);
    this.valueAt.push(value);
    this.count++;
    return this;
  }

  override delete(key: string): boolean {
    const shard = this.shards[shardOf(key)]!;
    const slot = shard.get(key);
    if (slot === undefined) return false;
    shard.delete(key);
    this.keyAt[slot] = undefined;
    this.valueAt[slot] = undefined;
    this.count--;
    return true;
  }

  override clear(): void {
    this.shards = Array.from({ length: shardCount }, () => new Map<string, number>());
    this.keyAt = [];
    this.valueAt = [];
    this.count = 0;
  }

  /**
   * Visits up to `limit` entries in insertion order from position `from`, and returns the
   * position to go on from, or -1 once it found no more. Entries added meanwhile are visited, as
   * by a `Map`'s iterators; no object is allocated per entry.
   */
  visitFrom(from: number, limit: number, visit: (value: V, key: string) => void): number {
    let visited = 0;
    let at = from;
    for (; at < this.keyAt.length && visited < limit; at++) {
      const key = this.keyAt[at];
      if (key === undefined) continue;
      visit(this.valueAt[at] as V, key);
      visited++;
    }
    return visited < limit ? -1 : at;
  }

  override forEach(visit: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.visitFrom(0, Number.POSITIVE_INFINITY, (value, key) => visit.call(thisArg, value, key, this));
  }

  override *entries(): MapIterator<[string, V]> {
    for (let at = 0; at < this.keyAt.length; at++) {
      const key = this.keyAt[at];
      if (key !== undefined) yield [key, this.valueAt[at] as V];
    }
  }

  // keys() and values() walk the arrays themselves: the sinks and the API read whole batches
  // through them, and going through entries() built a pair per set only to take it apart (421,026
  // sets: 7 ms against 16).
  override *keys(): MapIterator<string> {
    for (let at = 0; at < this.keyAt.length; at++) {
      const key = this.keyAt[at];
      if (key !== undefined) yield key;
    }
  }

  override *values(): MapIterator<V> {
    for (let at = 0; at < this.keyAt.length; at++) {
      if (this.keyAt[at] !== undefined) yield this.valueAt[at] as V;
    }
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
