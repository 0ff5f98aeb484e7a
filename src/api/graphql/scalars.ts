/**
 * The custom scalars. Internally both are numbers of milliseconds (as the store keeps time);
 * on the wire a Timestamp is an RFC 3339 string and a Duration a Go duration string, and both
 * accept a plain number of milliseconds as input.
 *
 * @module
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from './graphqlJs.js';
import { formatDuration, parseDuration } from '../../core/duration.js';

/** Latest instant a Date can hold (±8.64e15 ms). */
const maxDateMs = 8.64e15;

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : typeof value;
}

function timestampFrom(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) <= maxDateMs) return value;
    throw new GraphQLError(`Timestamp must be an integer number of ms since the epoch or an RFC 3339 string, received ${describe(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  // RFC 3339 requires a date, a time and an offset; Date.parse alone would take "2024" too.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new GraphQLError(`Timestamp must be an RFC 3339 string (2024-01-01T12:00:00Z) or ms since the epoch, received ${describe(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function durationFrom(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch {
      ms = Number.NaN;
    }
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  throw new GraphQLError(`Duration must be a Go duration ("15m", "1m30s") or a non-negative number of ms, received ${describe(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    default:
      return node.kind;
  }
}

/**
 * ISO text by epoch ms. A dashboard answer repeats the window's ~15 batch timestamps thousands of
 * times; formatting each anew was 19 % of the surface's CPU under the P4 load (docs/benchmarks.md).
 */
const isoTexts = new Map<number, string>();
const maxIsoTexts = 4_096;

function isoText(ms: number): string {
  let text = isoTexts.get(ms);
  if (text === undefined) {
    // Cleared rather than evicted one by one: old timestamps leave retention together.
    if (isoTexts.size >= maxIsoTexts) isoTexts.clear();
    text = new Date(ms).toISOString();
    isoTexts.set(ms, text);
  }
  return text;
}

/** RFC 3339 out, RFC 3339 or epoch ms in; ms inside. */
export const TimestampScalar = new GraphQLScalarType<number, string>({
  name: 'Timestamp',
  serialize: (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > maxDateMs) throw new GraphQLError(`Timestamp cannot represent ${describe(value)}`);
    return isoText(value);
  },
  parseValue: timestampFrom,
  parseLiteral: (node) => timestampFrom(literal(node)),
});

/** Go duration string out, Go duration or ms in; ms inside. */
export const DurationScalar = new GraphQLScalarType<number, string>({
  name: 'Duration',
  serialize: (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new GraphQLError(`Duration cannot represent ${describe(value)}`);
    return formatDuration(value);
  },
  parseValue: durationFrom,
  parseLiteral: (node) => durationFrom(literal(node)),
});
