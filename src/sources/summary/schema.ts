/**
 * Validation of the kubelet `/stats/summary` document (stats/v1alpha1): readers that check each
 * value as the decoder takes it (one pass over the parsed JSON, no separate schema walk).
 *
 * Two levels of failure:
 * - the document's structure (root, `node`, `node.nodeName`, the lists `node.systemContainers`,
 *   `pods`, `pods[].containers`, `pods[].volume` and their size caps) fails the whole node with
 *   `SourceError('malformed')`;
 * - a bad value inside one entity (a string where a count belongs, a negative or absurd number,
 *   an unparsable time, a stats block that is not an object) raises {@link FieldProblem}, and
 *   the decoder drops and counts just that entity.
 *
 * Absent and `null` values are "not reported": the metric is simply not emitted.
 *
 * @module
 */
import { SourceError } from '../errors.js';
import type { TimestampReader } from './timestamp.js';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * Size caps of one summary. A real node has ≤ 110 pods by default (≤ 1,000 is the hard
 * ceiling people configure); anything past these is a broken or hostile kubelet.
 */
export const summaryLimits = {
  podsPerNode: 10_000,
  systemContainersPerNode: 1_000,
  containersPerPod: 1_000,
  volumesPerPod: 1_000,
  acceleratorsPerContainer: 1_000,
  userDefinedMetricsPerContainer: 1_000,
} as const;

/** Largest count accepted: Heapster stored these `uint64` counters as `int64`. */
export const maxCount = 2 ** 63;

/** A value inside one entity that makes the entity unusable. Internal to the decoder. */
export class FieldProblem extends Error {
  override readonly name = 'FieldProblem';
  constructor(
    /** Path relative to the entity, e.g. `cpu.usageCoreNanoSeconds`; `""` for the entity itself. */
    readonly field: string,
    expected: string,
    received: unknown,
  ) {
    super(`${field === '' ? '' : `${field}: `}expected ${expected}, received ${describeReceived(received)}`);
  }
}

/** What a JSON value is, for error messages ("number -1", "an array of 3", "nothing"). */
export function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Whether a JSON value is an object (not `null`, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(where: string, key: string): string {
  return where === '' ? key : `${where}.${key}`;
}

/** A stats block (`cpu`, `rootfs`, ...): `undefined` when absent or `null`. */
export function readBlock(parent: JsonObject, key: string, where: string): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (isJsonObject(value)) return value;
  throw new FieldProblem(field(where, key), 'an object', value);
}

/** A non-negative integer counter or size: `undefined` when absent or `null`. */
export function readCount(block: JsonObject, key: string, where: string): number | undefined {
  const value = block[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && value >= 0 && value <= maxCount && Number.isInteger(value)) return value;
  throw new FieldProblem(field(where, key), 'a non-negative integer up to 2^63', value);
}

/** A finite float (user-defined metric values may be negative): `undefined` when absent or `null`. */
export function readFloat(block: JsonObject, key: string, where: string): number | undefined {
  const value = block[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new FieldProblem(field(where, key), 'a finite number', value);
}

/** An identifying name (container, volume, pod, namespace): required and non-empty. */
export function readName(block: JsonObject, key: string, where: string): string {
  const value = block[key];
  if (typeof value === 'string' && value !== '') return value;
  throw new FieldProblem(field(where, key), 'a non-empty string', value);
}

/** A descriptive string (pod UID, accelerator make): `""` when absent or `null`, as Go decodes it. */
export function readText(block: JsonObject, key: string, where: string): string {
  const value = block[key];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new FieldProblem(field(where, key), 'a string', value);
}

/** A timestamp in epoch ms; `0` when absent, `null` or empty. */
export function readTime(block: JsonObject, key: string, where: string, readTimestamp: TimestampReader): number {
  const value = block[key];
  const ms = readTimestamp(value);
  if (ms !== undefined) return ms;
  throw new FieldProblem(field(where, key), 'an RFC 3339 time', value);
}

/** A list of per-entity stats (`accelerators`, `userDefinedMetrics`): `undefined` when absent or `null`. */
export function readStatsList(block: JsonObject, key: string, where: string, limit: number): readonly unknown[] | undefined {
  const value = block[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.length <= limit) return value;
  throw new FieldProblem(field(where, key), `an array of at most ${limit} items`, value);
}

/**
 * A list that defines the document's entities (`pods`, `pods[i].containers`, ...): `[]` when
 * absent or `null`; anything but an array within `limit` fails the whole node.
 * `path` is a function so the common case builds no path string.
 */
export function requireEntityList(
  parent: JsonObject,
  key: string,
  path: () => string,
  limit: number,
  nodeName: string,
): readonly unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw malformed(path(), `expected an array, received ${describeReceived(value)}`, nodeName);
  }
  if (value.length > limit) {
    throw malformed(path(), `${value.length} items exceed the limit of ${limit}`, nodeName);
  }
  return value;
}

/** The node-level failure for an unusable document. */
export function malformed(path: string, problem: string, nodeName: string): SourceError {
  return new SourceError('malformed', `kubelet summary of node ${nodeName}: ${path}: ${problem}`, {
    node: nodeName,
    field: path,
  });
}
