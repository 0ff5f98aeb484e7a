/**
 * Kubernetes timestamps: RFC 3339 in UTC with whole seconds, as `metav1.Time` marshals them.
 *
 * @module
 */

/** Formatted instants; start times repeat on every scrape, and formatting dates is slow. */
const formatted = new Map<number, string>();
const MAX_FORMATTED = 200_000;

/** `2022-12-27T23:32:19Z` for an epoch-milliseconds instant (sub-second part dropped). */
export function toRfc3339(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  let text = formatted.get(seconds);
  if (text === undefined) {
    text = new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(seconds, text);
  }
  return text;
}

/** The instant truncated to whole seconds, as the summary API reports it. */
export function toWholeSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
