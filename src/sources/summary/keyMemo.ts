/**
 * Set keys (and volume label objects) kept from one scrape of a node to the next: a set reported
 * again gets the very key string it had, not an equal new one. An equal new string would be
 * hashed again where it goes into the batch, compared character by character wherever it meets
 * the old one (the rate calculator's look-up in the previous batch, the store's entity table) and
 * copied by the young-generation collector; the same string is found by identity and its hash is
 * cached. A volume gets the label object it had the same way, without a look-up by its name,
 * and a set's labels get the name strings the memo already holds ({@link KeyCursor.part}): the
 * batch then keeps no fresh copy of a name from this scrape's parse, so the young-generation
 * collector has less to copy and promote.
 *
 * A kubelet lists a node's entities in the same order every time, so the previous scrape's
 * values are matched by position, builder and the parts they were built from. A value whose
 * position or parts changed (a pod added or gone) is just built anew, and the next scrape
 * matches again.
 *
 * @module
 */

/** Builds a value (a key, a label object) from up to three parts; the same parts give an equal value. */
export type KeyBuilder<T = string> = (a: string, b: string, c: string) => T;

/** The values of one scrape of one node, in the order the decoder asks for them. */
export interface KeyCursor {
  /**
   * The next value: the previous scrape's at this position when the same builder made it from
   * the same parts, else `build(a, b, c)`.
   */
  key<T>(build: KeyBuilder<T>, a: string, b?: string, c?: string): T;
  /**
   * Part `index` (0–2) of the last {@link key} call as the memo keeps it: the previous scrape's
   * equal string when the value was reused, else the one given.
   */
  part(index: 0 | 1 | 2): string;
  /** Remembers this scrape's values for the node's next scrape. */
  done(): void;
}

/** Keys by node. */
export interface KeyMemo {
  /** Starts one scrape of `node`. */
  begin(node: string): KeyCursor;
  /** Forgets every node not in `nodes` (they left the cluster), and what was held for them. */
  keepOnly(nodes: ReadonlySet<string>): void;
}

interface Remembered {
  builders: KeyBuilder<unknown>[];
  parts: string[];
  keys: unknown[];
}

/** Nodes remembered at most, for a memo nobody calls `keepOnly` on; past it the memo starts afresh. */
const maxNodes = 50_000;

/** Creates an empty memo. */
export function createKeyMemo(): KeyMemo {
  const byNode = new Map<string, Remembered>();
  return {
    begin(node) {
      const previous = byNode.get(node);
      const builders: KeyBuilder<unknown>[] = [];
      const parts: string[] = [];
      const keys: unknown[] = [];
      let last = 0;
      return {
        key<T>(build: KeyBuilder<T>, a: string, b = '', c = ''): T {
          const at = keys.length;
          const reused =
            previous !== undefined &&
            previous.builders[at] === build &&
            previous.parts[3 * at] === a &&
            previous.parts[3 * at + 1] === b &&
            previous.parts[3 * at + 2] === c;
          builders.push(build);
          // The held strings stay held, so this scrape's equal copies can die young.
          if (reused) parts.push(previous.parts[3 * at]!, previous.parts[3 * at + 1]!, previous.parts[3 * at + 2]!);
          else parts.push(a, b, c);
          const key = reused ? (previous.keys[at] as T) : build(a, b, c);
          keys.push(key);
          last = 3 * at;
          return key;
        },
        part(index) {
          return parts[last + index]!;
        },
        done() {
          if (byNode.size >= maxNodes && !byNode.has(node)) byNode.clear();
          byNode.set(node, { builders, parts, keys });
        },
      };
    },
    keepOnly(nodes) {
      for (const node of byNode.keys()) if (!nodes.has(node)) byNode.delete(node);
    },
  };
}
