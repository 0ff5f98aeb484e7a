/**
 * fast-check arbitraries for GraphQL documents generated from schema.graphql: random selections
 * of the schema's own fields (aliases, inline fragments on the interface's types) with argument
 * values that are mostly of the declared type (real names of the running model, small pages,
 * time ranges around the stored batches) and otherwise wrong: other literal kinds, huge and
 * negative ints, unknown enum values, odd ranges, undefined variables. Also operations that
 * declare their arguments as variables, with variables JSON to match, and mutations of document
 * text (truncation, inserted characters, deep nesting, many aliases).
 */
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from '../../src/api/graphql/graphqlJs.js';

/** Real values of the running model, to aim arguments at data that exists. */
export interface GraphNames {
  nodes: string[];
  namespaces: string[];
  pods: string[];
  workloads: string[];
  metrics: string[];
  labeledMetrics: string[];
  /** `key=value` Kubernetes labels. */
  kubeLabels: string[];
  /** `resource_id` values of labeled series. */
  resourceIds: string[];
  /** Stored batch timestamps, ms. */
  timestamps: number[];
}

type Composite = GraphQLObjectType | GraphQLInterfaceType;

/** Deepest selection generated below a root field (the server's limit is 15). */
const maxDepth = 4;
const hugeInts = [2 ** 31, -(2 ** 31) - 1, 2 ** 53, -1, -100, 0, 1e21];

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('', ' ', '\\', '"', 'null', '日本', '\u0000'));
const literalOf = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** A GraphQL literal of some kind, whatever the declared type. */
const wrongLiteral = fc.oneof(
  text.map(literalOf),
  fc.integer().map(String),
  fc.constantFrom(...hugeInts).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Number.isInteger(d) ? `${d}.5` : String(d))),
  fc.constantFrom('true', 'false', 'null', 'FOO', 'POD', '[]', '{}', '[1, "a"]', '{ start: 1 }', '$undefinedVariable'),
);

/** Values of the right type for one argument, from the argument's name and type. */
export function rightValue(names: GraphNames, argumentName: string, type: GraphQLInputType, depth = 0): fc.Arbitrary<string> {
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) {
    return fc.array(rightValue(names, argumentName, inner.ofType as GraphQLInputType, depth + 1), { maxLength: argumentName === 'metrics' ? 6 : 3 }).map((items) => `[${items.join(', ')}]`);
  }
  if (isEnumType(inner)) return fc.constantFrom(...inner.getValues().map((v) => v.name));
  if (isInputObjectType(inner)) {
    if (inner.name === 'TimeRange') return timeRange(names);
    if (inner.name === 'LabelInput') {
      return fc.tuple(fc.constantFrom('resource_id', 'make', 'x'), fc.oneof(fc.constantFrom(...names.resourceIds, '/'), text)).map(([k, v]) => `{ key: ${JSON.stringify(k)}, value: ${JSON.stringify(v)} }`);
    }
    if (inner.name === 'MetricOrder') {
      return fc.tuple(metricName(names), fc.option(fc.constantFrom('ASC', 'DESC'), { nil: undefined })).map(([m, d]) => `{ metric: ${JSON.stringify(m)}${d ? `, direction: ${d}` : ''} }`);
    }
  }
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Int':
        return fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 2_000 }) }, { weight: 1, arbitrary: fc.constantFrom(...hugeInts.filter((n) => Math.abs(n) < 2 ** 31)) }).map(String);
      case 'Float':
        return fc.double({ noNaN: true, noDefaultInfinity: true }).map(String);
      case 'Boolean':
        return fc.boolean().map(String);
      case 'Timestamp':
        return timestamp(names);
      case 'Duration':
        return duration;
      default:
        return stringFor(names, argumentName).map(literalOf);
    }
  }
  return wrongLiteral;
}

function metricName(names: GraphNames): fc.Arbitrary<string> {
  return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names.metrics, ...names.labeledMetrics) }, { weight: 1, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom('cpu-usage', 'custom/x', 'cpu/usage_rate/', 'CPU/USAGE_RATE') });
}

function stringFor(names: GraphNames, argumentName: string): fc.Arbitrary<string> {
  const real = (pool: string[]) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: text });
  switch (argumentName) {
    case 'name':
      return real([...names.nodes, ...names.pods, ...names.namespaces, ...names.workloads, ...names.metrics]);
    case 'names':
      return real(names.nodes);
    case 'namespace':
      return real(names.namespaces);
    case 'metric':
    case 'metrics':
      return metricName(names);
    case 'labelSelector':
      return fc.oneof(fc.constantFrom(...names.kubeLabels, 'app', '!app', 'app in (a,b)', 'x notin ()', '=', 'a in (', ''), text);
    case 'after':
      return fc.oneof(fc.base64String({ maxLength: 40 }), text, fc.constantFrom('eyJvIjoia2V5IiwiayI6IngifQ', 'eyJ9'));
    default:
      return text;
  }
}

function timestamp(names: GraphNames): fc.Arbitrary<string> {
  const around = fc.tuple(fc.constantFrom(...names.timestamps), fc.integer({ min: -600_000, max: 600_000 })).map(([t, d]) => t + d);
  return fc.oneof(
    { weight: 4, arbitrary: around.map((ms) => JSON.stringify(new Date(ms).toISOString())) },
    { weight: 2, arbitrary: around.map(String) },
    { weight: 1, arbitrary: fc.constantFrom('"yesterday"', '"2024"', '"2024-02-30T00:00:00Z"', '"0000-01-01T00:00:00Z"', '8640000000000001', '-8640000000000000', '1.5', '"9999-12-31T23:59:59.999+14:00"') },
  );
}

const duration = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('"1s"', '"5s"', '"1m"', '"15m"', '"1h"', '"1m30s"', '"500ms"', '1000', '60000') },
  { weight: 1, arbitrary: fc.constantFrom('"0s"', '"-1s"', '"5y"', '""', '"1.5.5s"', '0', '-5', '1e300', '"9223372036854775807ns"', '"99999999999h"') },
);

function timeRange(names: GraphNames): fc.Arbitrary<string> {
  const member = fc.oneof(
    timestamp(names).map((t) => `start: ${t}`),
    timestamp(names).map((t) => `end: ${t}`),
    duration.map((d) => `last: ${d}`),
    fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constantFrom(...hugeInts.filter((n) => Math.abs(n) < 2 ** 31))).map((n) => `lastMinutes: ${n}`),
  );
  // Each member at most once (a repeated input field is a validation error of its own).
  return fc.uniqueArray(member, { maxLength: 3, selector: (m) => m.slice(0, m.indexOf(':')) }).map((m) => `{ ${m.join(', ')} }`);
}

/**
 * One argument. Of the declared type (its value may still be out of range) unless `hostile`;
 * then sometimes of another literal kind, and sometimes left out even when required.
 */
function argumentValue(names: GraphNames, argument: GraphQLArgument, hostile: boolean): fc.Arbitrary<string | undefined> {
  const required = isNonNullType(argument.type);
  const right = rightValue(names, argument.name, argument.type).map((v) => `${argument.name}: ${v}`);
  const absent = fc.constant(undefined);
  if (!hostile) return required ? right : fc.oneof(right, absent);
  return fc.oneof(
    { weight: required ? 6 : 3, arbitrary: right },
    { weight: 2, arbitrary: wrongLiteral.map((v) => `${argument.name}: ${v}`) },
    { weight: required ? 1 : 3, arbitrary: absent },
  );
}

/**
 * Random documents over `schema`, operations `query` only (subscriptions are for the WebSocket).
 * Three in five have arguments of the declared types; the rest are hostile (see argumentValue).
 */
export function queryDocuments(schema: GraphQLSchema, names: GraphNames): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: documents(schema, names, false) }, { weight: 2, arbitrary: documents(schema, names, true) });
}

function documents(schema: GraphQLSchema, names: GraphNames, hostile: boolean): fc.Arbitrary<string> {
  const memo = new Map<string, fc.Arbitrary<string>>();

  const field = (definition: GraphQLField<unknown, unknown>, depth: number): fc.Arbitrary<string> => {
    const named = getNamedType(definition.type);
    const args = fc.tuple(...definition.args.map((a) => argumentValue(names, a, hostile))).map((list) => list.filter((a) => a !== undefined));
    // Aliases unique per field name, so two selections never conflict.
    const alias = fc.option(fc.constant(`${definition.name}Alias`), { nil: undefined, freq: 2 });
    const sub = isObjectType(named) || isInterfaceType(named) ? (depth >= maxDepth ? fc.constant('{ __typename }') : selection(named, depth + 1)) : fc.constant('');
    return fc.tuple(alias, args, sub).map(([a, list, s]) => `${a ? `${a}: ` : ''}${definition.name}${list.length > 0 ? `(${list.join(', ')})` : ''} ${s}`.trimEnd());
  };

  function selection(type: Composite, depth: number): fc.Arbitrary<string> {
    // Depth grows with each level, so the memo ends the recursion and shares the arbitraries.
    const key = `${type.name}@${depth}`;
    const known = memo.get(key);
    if (known) return known;
    const fields = Object.values(type.getFields());
    const keep = Math.min(1, 3 / fields.length);
    const picks = fields.map((f) => fc.oneof({ weight: Math.round((1 - keep) * 100), arbitrary: fc.constant(undefined) }, { weight: Math.round(keep * 100), arbitrary: field(f, depth) }));
    const fragments = isInterfaceType(type)
      ? fc.subarray([...schema.getPossibleTypes(type)], { maxLength: 2 }).map((types) => types.map((t) => `... on ${t.name} { k: key __typename }`))
      : fc.constant([] as string[]);
    const built: fc.Arbitrary<string> = fc.tuple(fc.tuple(...picks), fragments).map(([chosen, inline]) => {
      const parts = chosen.filter((p): p is string => p !== undefined);
      // The concrete type of an interface value is needed to check its shape.
      if (isInterfaceType(type) || parts.length === 0) parts.push('__typename');
      return `{ ${[...parts, ...inline].join(' ')} }`;
    });
    memo.set(key, built);
    return built;
  }

  return selection(schema.getQueryType()!, 1).map((s) => `query ${s}`);
}

/** An operation over one root field with every argument a variable, and variables JSON for it. */
export function variableOperations(schema: GraphQLSchema, names: GraphNames): fc.Arbitrary<{ query: string; variables: unknown }> {
  const roots = Object.values(schema.getQueryType()!.getFields()).filter((f) => f.args.length > 0);
  const jsonFor = (type: GraphQLInputType, name: string): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: 3, arbitrary: rightValue(names, name, type).map((literal) => literalToJson(literal)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      { weight: 1, arbitrary: fc.constantFrom(null, 2 ** 31, -1, 1e300, '', [], {}, { start: 'x' }, 'FOO') },
    );
  return fc.constantFrom(...roots).chain((root) => {
    const declared = root.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
    const passed = root.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const named = getNamedType(root.type);
    const leaf = isObjectType(named) || isInterfaceType(named) ? ' { __typename }' : '';
    const query = `query Vars(${declared}) { ${root.name}(${passed})${leaf} }`;
    const entries = root.args.map((a) => fc.option(jsonFor(a.type, a.name), { nil: undefined, freq: 5 }).map((v) => [a.name, v] as const));
    const variables = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(...entries).map((e) => Object.fromEntries(e.filter(([, v]) => v !== undefined))) },
      { weight: 1, arbitrary: fc.constantFrom(null, [], 'x', 1, { extra: true }) },
    );
    return variables.map((v) => ({ query, variables: v as unknown }));
  });
}

/** A literal as JSON (for variables): enum names become strings, input objects get quoted keys. */
function literalToJson(literal: string): unknown {
  const quotedKeys = literal.replace(/([{,]\s*)([A-Za-z_]\w*)\s*:/g, '$1"$2":').replace(/:\s*(ASC|DESC)\b/g, ': "$1"');
  try {
    return JSON.parse(quotedKeys);
  } catch {
    return /^[A-Z_]+$/.test(literal) ? literal : quotedKeys;
  }
}

/** Damage done to a document's text. */
export function mutatedDocuments(documents: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const damaged = fc.tuple(documents, fc.nat(), fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.constantFrom('{', '}', '(', ')', '"', '$', '@', '...', ':', '#', '\u0000', '\uFEFF', '\\u')), fc.constantFrom('truncate', 'insert', 'delete', 'duplicate'))
    .map(([doc, at, piece, how]) => {
      const i = at % (doc.length + 1);
      switch (how) {
        case 'truncate':
          return doc.slice(0, i);
        case 'insert':
          return doc.slice(0, i) + piece + doc.slice(i);
        case 'delete':
          return doc.slice(0, i) + doc.slice(i + piece.length);
        default:
          return doc.slice(0, i) + doc.slice(Math.max(0, i - 20), i) + doc.slice(i);
      }
    });
  // Valid all the way down: node → pods → nodes → node → ..., 3 fields per step. Deeper than
  // 250 steps the JavaScript stack becomes the limit; graphql.test.ts tries those on their own.
  const deep = fc.integer({ min: 5, max: 250 }).map((n) => `query { node(name: "x") { ${'pods(first: 1) { nodes { node { '.repeat(n)}name${' } } }'.repeat(n)} } }`);
  const aliases = fc.integer({ min: 40, max: 2_000 }).map((n) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: model { batches }`).join(' ')} }`);
  const wide = fc.integer({ min: 10, max: 400 }).map((n) => `query { nodes(first: 1000) { nodes { ${'pods(first: 1000) { nodes { containers { metric(name: "cpu/usage_rate") { points { value } } } } } '.repeat(1)}${'name '.repeat(n)} } } }`);
  const fragmentsLoop = fc.constant('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
  return fc.oneof({ weight: 8, arbitrary: damaged }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: aliases }, { weight: 1, arbitrary: wide }, { weight: 1, arbitrary: fragmentsLoop });
}
