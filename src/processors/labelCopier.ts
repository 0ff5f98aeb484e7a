/**
 * Heapster's label copier (`metrics/util/label_copier.go`, heapster-reference §8.1): turns pod
 * or node labels into the joined `labels` label, and copies chosen labels into labels of
 * their own (`--store_label`).
 *
 * @module
 */
import { Label } from '../core/labels.js';
import { ProcessorError } from './errors.js';

/** Options of {@link createLabelCopier}. */
export interface LabelCopierOptions {
  /** Joins the `key:value` items. @default ',' */
  separator?: string;
  /** Label keys left out of the joined `labels` value. @default [] */
  ignoreLabels?: readonly string[];
  /** Labels also copied into their own set label: `name`, or `newName=name`. @default [] */
  storeLabels?: readonly string[];
}

/** Copies Kubernetes object labels into metric-set labels. */
export interface LabelCopier {
  /**
   * Writes the stored labels present in `input` into `output`, then `output.labels` = the
   * non-ignored `key:value` items sorted and joined (always written, possibly empty).
   */
  copy(input: Readonly<Record<string, string>> | undefined, output: Record<string, string>): void;
}

/** Creates a label copier; throws `ProcessorError('invalid_option')` on a malformed store label. */
export function createLabelCopier({ separator = ',', ignoreLabels = [], storeLabels = [] }: LabelCopierOptions = {}): LabelCopier {
  const ignored = new Set(ignoreLabels);
  const stored = parseStoreLabels(storeLabels);
  // Informer objects are replaced, never mutated, on update, so a label map's copy can be kept
  // per object: sorting and joining every pod's labels every batch was ~40% of the enricher.
  const cache = new WeakMap<object, { copies: Array<[string, string]>; joined: string }>();

  function compute(input: Readonly<Record<string, string>> | undefined) {
    const copies: Array<[string, string]> = [];
    const items: string[] = [];
    for (const [key, value] of Object.entries(input ?? {})) {
      const destination = stored.get(key);
      if (destination !== undefined) copies.push([destination, value]);
      if (!ignored.has(key)) items.push(`${key}:${value}`);
    }
    // Go's sort.Strings order (bytewise); label keys and values are ASCII, so code-unit order matches.
    items.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { copies, joined: items.join(separator) };
  }

  return {
    copy(input, output) {
      let result = input === undefined ? undefined : cache.get(input);
      if (result === undefined) {
        result = compute(input);
        if (input !== undefined) cache.set(input, result);
      }
      for (const [destination, value] of result.copies) output[destination] = value;
      output[Label.Labels] = result.joined;
    },
  };
}

/** `name` → name→name; `newName=name` → name→newName (split at the first `=`, as Heapster did). */
function parseStoreLabels(storeLabels: readonly string[]): Map<string, string> {
  const stored = new Map<string, string>();
  for (const entry of storeLabels) {
    const at = entry.indexOf('=');
    const [destination, source] = at < 0 ? [entry, entry] : [entry.slice(0, at), entry.slice(at + 1)];
    if (destination === '' || source === '') {
      throw new ProcessorError('invalid_option', `storeLabels: expected "name" or "newName=name", received ${JSON.stringify(entry)}`, {
        option: 'storeLabels',
      });
    }
    stored.set(source, destination);
  }
  return stored;
}
