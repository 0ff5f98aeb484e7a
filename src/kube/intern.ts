/**
 * Bounded intern pools for the informer caches. `JSON.parse` gives every occurrence of a value
 * its own copy (V8 shares only keys and very short strings), so 30,000 pods carry 30,000 copies
 * of the same image name, owner uid, label set or container list. Interning on arrival keeps one.
 *
 * Pools forget in generations rather than growing forever: values that stop arriving (a finished
 * Job's `controller-uid`, an old `pod-template-hash`) drop out after two generations, while
 * values still in use are carried into the next one when next seen. Forgetting never changes a
 * cached object; it only loses sharing for later copies.
 *
 * @module
 */
import { InformerError } from './errors.js';

/** Returns one shared value per distinct key. */
export interface InternPool<V> {
  /** The pooled value for `key`; `make()` supplies it when the key is new. */
  intern(key: string, make: () => V): V;
  /** Distinct keys held right now (both generations). */
  readonly size: number;
}

/** Returns one shared instance per distinct string value. */
export interface StringPool {
  /** The pooled instance equal to `value` (which becomes the pooled one when new). */
  intern(value: string): string;
  /** Distinct strings held right now (both generations). */
  readonly size: number;
}

/** Options of {@link createInternPool} and {@link createStringPool}. */
export interface InternPoolOptions {
  /** Keys per generation; when the current one is full it becomes the previous one. @default 200000 */
  generationSize?: number;
}

/** Creates an empty pool of values by key. */
export function createInternPool<V>({ generationSize = 200_000 }: InternPoolOptions = {}): InternPool<V> {
  if (!Number.isInteger(generationSize) || generationSize < 1) {
    throw new InformerError('invalid_option', `generationSize must be a positive integer, received ${JSON.stringify(generationSize)}`);
  }
  let current = new Map<string, V>();
  let previous = new Map<string, V>();
  return {
    intern(key, make) {
      if (current.has(key)) return current.get(key) as V;
      const value = previous.has(key) ? (previous.get(key) as V) : make();
      if (current.size >= generationSize) {
        previous = current;
        current = new Map();
      }
      current.set(key, value);
      return value;
    },
    get size() {
      return current.size + previous.size;
    },
  };
}

/** Creates an empty string pool. */
export function createStringPool(options: InternPoolOptions = {}): StringPool {
  const pool = createInternPool<string>(options);
  return {
    // The key doubles as the value: the first copy seen becomes the shared one.
    intern: (value) => pool.intern(value, () => value),
    get size() {
      return pool.size;
    },
  };
}
