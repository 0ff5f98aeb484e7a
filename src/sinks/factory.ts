/**
 * `--sink` URIs (`<kind>[:<url>][?options]`, heapster-reference §7) → sink specs.
 *
 * @module
 */

/** A parsed `--sink` value. */
export type SinkSpec = { kind: 'log' } | { kind: 'metric' };

/** Sink kinds this build can create. */
export const sinkKinds = ['log', 'metric'] as const;

/** Parses one `--sink` value; throws an Error naming the value when it is not usable. */
export function parseSinkUri(uri: string): SinkSpec {
  const colon = uri.indexOf(':');
  const kind = (colon === -1 ? uri : uri.slice(0, colon)).trim();
  switch (kind) {
    case 'log':
    case 'metric':
      return { kind };
    default:
      throw new Error(`unknown sink "${kind}" in "${uri}" (known: ${sinkKinds.join(', ')})`);
  }
}
