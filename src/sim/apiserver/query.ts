/**
 * Parses the list/watch query parameters once, at the boundary, into typed options. Bad values
 * become 400 Status answers worded as the real API server words them.
 *
 * @module
 */

import { LabelSelectorError, parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from '../../core/labelSelector.js';
import { StatusError } from './errors.js';
import type { ResourceInfo } from './resources.js';

/** The list and watch options of one request. */
export interface ListQuery {
  readonly watch: boolean;
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector;
  /** Page size; undefined when absent or 0 (no paging). */
  readonly limit: number | undefined;
  readonly continueToken: string | undefined;
  /** Requested resourceVersion; undefined when absent or empty ("most recent"). */
  readonly resourceVersion: number | undefined;
  readonly resourceVersionMatch: 'NotOlderThan' | 'Exact' | undefined;
  /** Watch duration; undefined when absent or 0 (the server picks one). */
  readonly timeoutSeconds: number | undefined;
  readonly allowWatchBookmarks: boolean;
  /** Watch-list mode: true sends the current state then an initial-events-end bookmark; undefined when absent. */
  readonly sendInitialEvents: boolean | undefined;
}

function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/** Go's strconv.ParseBool, which the API server uses for boolean parameters. */
function parseBool(name: string, text: string | null): boolean {
  if (text === null) return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(text)) return false;
  throw badRequest(`${name}: invalid boolean ${JSON.stringify(text)}`);
}

function parseCount(name: string, text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw badRequest(`${name}: Invalid value: ${JSON.stringify(text)}: must be a non-negative integer`);
  }
  const value = Number(text);
  return value === 0 ? undefined : value;
}

function parseSelector<T>(kind: 'labelSelector' | 'fieldSelector', text: string | null, parse: (text: string) => T): T {
  try {
    return parse(text ?? '');
  } catch (error) {
    if (error instanceof LabelSelectorError) throw badRequest(`${kind}: ${error.message}`);
    throw error;
  }
}

/** Parses and cross-checks the parameters for `resource`. */
export function parseListQuery(params: URLSearchParams, resource: ResourceInfo, watchPath: boolean): ListQuery {
  const watch = watchPath || parseBool('watch', params.get('watch'));
  const labelSelector = parseSelector('labelSelector', params.get('labelSelector'), parseLabelSelector);
  const fieldSelector = parseSelector('fieldSelector', params.get('fieldSelector'), parseFieldSelector);
  for (const { field } of fieldSelector.requirements) {
    if (!resource.fieldLabels.includes(field)) throw badRequest(`field label not supported: ${field}`);
  }
  const rvText = params.get('resourceVersion') ?? '';
  if (rvText !== '' && !/^\d+$/.test(rvText)) {
    throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvText)}: must be a non-negative integer`);
  }
  const resourceVersion = rvText === '' ? undefined : Number(rvText);
  const matchText = params.get('resourceVersionMatch') ?? '';
  if (matchText !== '' && matchText !== 'NotOlderThan' && matchText !== 'Exact') {
    throw badRequest(`resourceVersionMatch: Unsupported value: ${JSON.stringify(matchText)}: supported values: "Exact", "NotOlderThan"`);
  }
  const resourceVersionMatch = matchText === '' ? undefined : matchText;
  const continueToken = params.get('continue') || undefined;
  if (resourceVersionMatch !== undefined) {
    // Watch-list clients send resourceVersionMatch with an empty resourceVersion ("start now").
    if (resourceVersion === undefined && !(watch && params.has('sendInitialEvents'))) {
      throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    }
    if (continueToken !== undefined) throw badRequest('resourceVersionMatch is forbidden when continue is provided');
    if (resourceVersionMatch === 'Exact' && resourceVersion === 0) throw badRequest('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (continueToken !== undefined && resourceVersion !== undefined && resourceVersion !== 0) {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  const sendInitialEvents = params.has('sendInitialEvents') ? parseBool('sendInitialEvents', params.get('sendInitialEvents')) : undefined;
  const allowWatchBookmarks = parseBool('allowWatchBookmarks', params.get('allowWatchBookmarks'));
  if (sendInitialEvents !== undefined) {
    if (!watch) throw badRequest('sendInitialEvents is forbidden for list');
    if (resourceVersionMatch !== 'NotOlderThan') throw badRequest('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (sendInitialEvents && !allowWatchBookmarks) throw badRequest('sendInitialEvents requires setting allowWatchBookmarks to true');
  } else if (watch && resourceVersionMatch !== undefined) {
    throw badRequest('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  return {
    watch,
    labelSelector,
    fieldSelector,
    limit: parseCount('limit', params.get('limit')),
    continueToken,
    resourceVersion,
    resourceVersionMatch,
    timeoutSeconds: parseCount('timeoutSeconds', params.get('timeoutSeconds')),
    allowWatchBookmarks,
    sendInitialEvents,
  };
}
