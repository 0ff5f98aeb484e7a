/**
 * Estimates of JavaScript object sizes for `memoryBytes()`. Typed arrays are counted exactly by
 * their callers; objects, Maps and strings here with costs of 64-bit V8 without pointer
 * compression (Node's default): 8-byte slots, object headers of 24–32 bytes, one-byte strings.
 * They are estimates, checked against heap growth by bench/store-write.ts.
 *
 * @module
 */
import type { MetricSet } from '../core/types.js';
import { metricRowBytes } from '../core/metricValues.js';
import { labeledRowBytes } from '../core/labeledValues.js';

/** Header of a plain object with in-object properties. */
export const objectHeaderBytes = 32;
/** One property (in-object or dictionary slot). */
export const propertyBytes = 8;
/** A Map: JSMap plus its OrderedHashMap header. */
export const mapHeaderBytes = 80;
/** One Map entry: key, value, chain link, plus its share of the bucket table. */
export const mapEntryBytes = 32;
/** A string's header (one-byte characters follow). */
const stringHeaderBytes = 24;
/** A boxed double (a number field that is not a small integer). */
const heapNumberBytes = 16;

/** A string of `length` one-byte characters. */
export function stringBytes(length: number): number {
  return stringHeaderBytes + ((length + 7) & ~7);
}

/** A labels object and its value strings (keys are shared catalogue constants). */
export function labelsBytes(labels: Readonly<Record<string, string>>): number {
  let bytes = objectHeaderBytes;
  for (const key in labels) bytes += propertyBytes + stringBytes(labels[key]!.length);
  return bytes;
}

/** One set of a batch, with its key, labels and values, as the batch's Map holds it. */
export function metricSetBytes(key: string, set: MetricSet): number {
  // The set, which is its own MetricValues (6 fields; its times are in its row), its key string,
  // labels and slab row (names outside the catalogue counted as Map entries).
  let bytes = mapEntryBytes + stringBytes(key.length) + objectHeaderBytes + 6 * propertyBytes + labelsBytes(set.labels);
  bytes += metricRowBytes + set.metricValues.otherCount * (mapEntryBytes + heapNumberBytes);
  // Labeled values: the LabeledValues object (10 fields, the first two rows' cells among them),
  // an array of three cells per further row, and per row its slab row and its label set (counted
  // per row, though filesystem label objects are shared).
  const labeled = set.labeledMetrics;
  const furtherRows = Math.max(0, labeled.rowCount - 2);
  bytes += objectHeaderBytes + 10 * propertyBytes + (furtherRows > 0 ? objectHeaderBytes + 3 * furtherRows * propertyBytes : 0);
  for (let row = 0; row < labeled.rowCount; row++) bytes += labeledRowBytes + labelsBytes(labeled.rowLabels(row));
  for (const metric of labeled.otherMetrics()) bytes += objectHeaderBytes + 3 * propertyBytes + heapNumberBytes + labelsBytes(metric.labels);
  return bytes;
}

/** A batch without its sets (the object and its Map); the store adds each set's bytes as it writes it. */
export const batchShellBytes = objectHeaderBytes + 2 * propertyBytes + mapHeaderBytes;

