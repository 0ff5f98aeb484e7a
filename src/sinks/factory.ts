/**
 * `--sink` URIs (`<kind>[:<url>][?options]`, heapster-reference §7) → sink specs.
 *
 * @module
 */

import { parseInfluxSinkUri, type InfluxSinkSpec } from './influxdb/index.js';

/** A parsed `--sink` value. */
export type SinkSpec = { kind: 'log' } | { kind: 'metric' } | InfluxSinkSpec;

/** Sink kinds this build can create. */
export const sinkKinds = ['log', 'metric', 'influxdb'] as const;

/** Parses one `--sink` value; throws an Error naming the value when it is not usable. */
export function parseSinkUri(uri: string): SinkSpec {
  const colon = uri.indexOf(':');
  const kind = (colon === -1 ? uri : uri.slice(0, colon)).trim();
  switch (kind) {
    case 'log':
    case 'metric':
      return { kind };
    case 'influxdb':
      return parseInfluxSinkUri(uri);
    default:
      throw new Error(`unknown sink "${kind}" in "${uri}" (known: ${sinkKinds.join(', ')})`);
  }
}
