/**
 * Set keys kept from one scrape of a node to the next: a set reported again gets the very key
 * string it had, not an equal new one. An equal new string would be hashed again where it goes
 * into the batch, compared character by character wherever it meets the old one (the rate
 * calculator's look-up in the previous batch, the store's entity table) and copied by the
 * young-generation collector; the same string is found by identity and its hash is cached.
 *
 * A kubelet lists a node's entities in the same order every time, so the previous scrape's keys
 * are matched by position and the parts they were built from. A set whose position or parts
 * changed (a pod added or gone) just gets a new key, and the next scrape matches again.
 *
 * @module
 */

/** Builds a key from up to three parts. */
export type KeyBuilder = (a: string, b: string, c: string) => string;

/** The keys of one scrape of one node, in the order the decoder asks for them. */
export interface KeyCursor {
  /** The key of the next set: the previous scrape's when it had the same parts there, else `build(a, b, c)`. */
  key(build: KeyBuilder, a: string, b?: string, c?: string): string;
  /** Remembers this scrape's keys for the node's next scrape. */
  done(): void;
}

/** Keys by node. */
export interface KeyMemo {
  /** Starts one scrape of `node`. */
  begin(node: string): KeyCursor;
}

interface Remembered {
  parts: string[];
  keys: string[];
}

/** Nodes remembered at most; past it the memo starts afresh (a churn of node names, not a cluster). */
const maxNodes = 50_000;

/** Creates an empty memo. */
export function createKeyMemo(): KeyMemo {
  const byNode = new Map<string, Remembered>();
  return {
    begin(node) {
      const previous = byNode.get(node);
      const parts: string[] = [];
      const keys: string[] = [];
      return {
        key(build, a, b = '', c = '') {
          const at = keys.length;
          const old = previous?.keys[at];
          const key =
            old !== undefined && previous!.parts[3 * at] === a && previous!.parts[3 * at + 1] === b && previous!.parts[3 * at + 2] === c
              ? old
              : build(a, b, c);
          parts.push(a, b, c);
          keys.push(key);
          return key;
        },
        done() {
          if (byNode.size >= maxNodes && !byNode.has(node)) byNode.clear();
          byNode.set(node, { parts, keys });
        },
      };
    },
  };
}
