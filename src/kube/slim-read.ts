/**
 * Readers of raw API JSON for the slimmers: each takes one field as received and returns it in
 * the cache's form, or undefined when it is absent, null or of the wrong JSON type (a malformed
 * field is dropped rather than failing the whole object: one odd pod must not stall an informer).
 *
 * @module
 */
import { createInternPool, createStringPool, type InternPool, type StringPool } from './intern.js';

/** A JSON object as received. */
export type RawObject = Readonly<Record<string, unknown>>;

/** Field readers bound to one set of pools. */
export interface FieldReader {
  /** A JSON object (not an array). */
  object(value: unknown): RawObject | undefined;
  /** A JSON array's elements that are objects. */
  objects(value: unknown): RawObject[] | undefined;
  /** A string that is usually unique (names, uids, IPs): kept as received. */
  text(value: unknown): string | undefined;
  /** A string that repeats across objects (namespaces, images, kinds): pooled. */
  shared(value: unknown): string | undefined;
  number(value: unknown): number | undefined;
  boolean(value: unknown): boolean | undefined;
  /**
   * An RFC 3339 time as a `Date`, as client-node decodes it. The same text read twice in a row
   * (a pod's creation and start, pods created in the same second) gives the same `Date`.
   */
  time(value: unknown): Date | undefined;
  /** A string map (labels, annotations, resource lists) with keys and values pooled. */
  strings(value: unknown): Record<string, string> | undefined;
  /**
   * One frozen instance per distinct content of a slim part that repeats across objects (a
   * workload's container list, label set or owner references). `kind` keeps parts apart.
   */
  canonical<T extends object>(kind: string, value: T): T;
}

/** Pools a reader shares strings and parts through. */
export interface ReaderPools {
  strings?: StringPool;
  parts?: InternPool<object>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Creates the readers. */
export function createFieldReader({ strings = createStringPool(), parts = createInternPool<object>({ generationSize: 50_000 }) }: ReaderPools = {}): FieldReader {
  const object = (value: unknown): RawObject | undefined =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as RawObject) : undefined;
  let lastTimeText: string | undefined;
  let lastTime: Date | undefined;
  return {
    object,
    objects(value) {
      if (!Array.isArray(value)) return undefined;
      const result: RawObject[] = [];
      for (const item of value) {
        const entry = object(item);
        if (entry !== undefined) result.push(entry);
      }
      return result;
    },
    text: (value) => (typeof value === 'string' ? value : undefined),
    shared: (value) => (typeof value === 'string' ? strings.intern(value) : undefined),
    number: (value) => (typeof value === 'number' ? value : undefined),
    boolean: (value) => (typeof value === 'boolean' ? value : undefined),
    time(value) {
      if (value instanceof Date) return new Date(value.getTime());
      if (typeof value !== 'string') return undefined;
      if (value !== lastTimeText || lastTime === undefined) {
        lastTimeText = value;
        lastTime = new Date(value);
      }
      return lastTime;
    },
    strings(value) {
      const map = object(value);
      if (map === undefined) return undefined;
      const result: Record<string, string> = {};
      for (const key of Object.keys(map)) {
        const entry = map[key];
        if (typeof entry === 'string') result[strings.intern(key)] = strings.intern(entry);
      }
      return result;
    },
    canonical: (kind, value) => parts.intern(`${kind}${JSON.stringify(value)}`, () => deepFreeze(value)) as typeof value,
  };
}
