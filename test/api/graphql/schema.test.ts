import { describe, expect, it } from 'vitest';
import { analyzeOperation, enforceLimits } from '../../../src/api/graphql/limits.js';
import { getIntrospectionQuery, getOperationAST, isEnumType, isInputObjectType, isInterfaceType, isObjectType, parse, printSchema, buildSchema, Kind } from '../../../src/api/graphql/graphqlJs.js';
import { resolveGraphqlOptions } from '../../../src/api/graphql/options.js';
import { DurationScalar, TimestampScalar } from '../../../src/api/graphql/scalars.js';
import { createSchema, schemaSource } from '../../../src/api/graphql/schema.js';

const schema = createSchema();

describe('the schema', () => {
  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('is schema.graphql, unchanged by attaching resolvers', () => {
    expect(printSchema(schema)).toBe(printSchema(buildSchema(schemaSource())));
  });

  it('resolves every field that is not a plain property of its parent model', () => {
    // Fields left to the default resolver must be properties the parent objects carry.
    const defaults = new Set([
      'Query.cluster', 'Label.key', 'Label.value', 'Point.timestamp', 'Point.value', 'Series.name', 'LabeledSeries.name', 'Aggregation.name',
      'AggregationBucket.count', 'LabelDescriptor.key', 'LabelDescriptor.description', 'MetricDescriptor.name', 'MetricDescriptor.description',
      'NodeAddress.type', 'NodeAddress.address', 'OwnerReference.kind', 'OwnerReference.name', 'OwnerReference.uid', 'Volume.name',
      'ResourceQuantity.name', 'ResourceQuantity.quantity', 'ResourceQuantity.value', 'ScrapeStatus.url', 'PageInfo.hasNextPage', 'PageInfo.hasPreviousPage',
      'PageInfo.startCursor', 'PageInfo.endCursor', 'EntityCounts.nodes', 'EntityCounts.namespaces', 'EntityCounts.pods', 'EntityCounts.containers',
      'EntityCounts.systemContainers', 'EntityCounts.workloads', 'ScrapeSummary.nodes', 'ScrapeSummary.ok', 'ScrapeSummary.failed', 'ScrapeSummary.failures',
      'LiveValue.metric', 'LabeledValue.labels', 'LabeledValue.value', 'Node.name', 'Namespace.name', 'Pod.name', 'Container.name', 'SystemContainer.name', 'Workload.name',
    ]);
    const unresolved: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const name = `${type.name}.${field.name}`;
        if (!field.resolve && !defaults.has(name) && !/(Connection|Edge)$/.test(type.name)) unresolved.push(name);
      }
    }
    expect(unresolved).toEqual([]);
  });
});

describe('the scalars', () => {
  it.each([
    ['an RFC 3339 string', '2024-01-01T12:00:00Z', Date.UTC(2024, 0, 1, 12)],
    ['an offset and fraction', '2024-01-01T13:00:00.250+01:00', Date.UTC(2024, 0, 1, 12, 0, 0, 250)],
    ['epoch milliseconds', 1_704_110_400_000, 1_704_110_400_000],
  ])('reads a Timestamp given as %s', (_case, input, expected) => {
    expect(TimestampScalar.parseValue(input)).toBe(expected);
  });

  it.each([['a date only', '2024-01-01'], ['words', 'yesterday'], ['a fraction of a ms', 1.5], ['a boolean', true]])('rejects a Timestamp given as %s', (_case, input) => {
    expect(() => TimestampScalar.parseValue(input)).toThrow(/Timestamp must be/);
  });

  it('writes a Timestamp as RFC 3339 in UTC with milliseconds', () => {
    expect(TimestampScalar.serialize(Date.UTC(2024, 0, 1, 12, 0, 0, 5))).toBe('2024-01-01T12:00:00.005Z');
  });

  it.each([['15m', 900_000], ['1m30s', 90_000], ['500ms', 500], [2_000, 2_000]])('reads a Duration given as %s', (input, expected) => {
    expect(DurationScalar.parseValue(input)).toBe(expected);
  });

  it.each([['soon'], ['-1s'], [-5]])('rejects a Duration given as %s', (input) => {
    expect(() => DurationScalar.parseValue(input)).toThrow(/Duration must be/);
  });

  it('reads literals and writes Go durations', () => {
    expect(TimestampScalar.parseLiteral({ kind: Kind.STRING, value: '2024-01-01T00:00:00Z' })).toBe(Date.UTC(2024, 0, 1));
    expect(DurationScalar.parseLiteral({ kind: Kind.INT, value: '60000' })).toBe(60_000);
    expect(DurationScalar.serialize(900_000)).toBe('15m0s');
  });
});

describe('static limits', () => {
  const defaults = resolveGraphqlOptions();
  const measure = (source: string, variables?: Record<string, unknown>) => {
    const document = parse(source);
    return analyzeOperation(schema, document, getOperationAST(document)!, variables, defaults.defaultPageSize);
  };

  it('lets the standard introspection query through the default limits', () => {
    const analysis = measure(getIntrospectionQuery());
    expect(() => enforceLimits(analysis, defaults)).not.toThrow();
  });

  it('measures depth, aliases and cost with page sizes and entity lists', () => {
    expect(measure('{ cluster { key } }')).toEqual({ depth: 2, aliases: 0, cost: 2 });
    // pods: 1 + 5 × (nodes 1 + 1 × (name 1 + latest 2 + containers 1 + 10 × name 1)).
    expect(measure('{ pods(first: 5) { nodes { name latest(name: "memory/usage") { value } containers { name } } } }')).toEqual({ depth: 4, aliases: 0, cost: 1 + 5 * (1 + (1 + (2 + 1) + (1 + 10))) });
    expect(measure('query($n: Int) { a: pods(first: $n) { nodes { name } } }', { n: 7 })).toEqual({ depth: 3, aliases: 1, cost: 1 + 7 * 2 });
  });

  it('names the broken limit and the values', () => {
    expect(() => enforceLimits({ depth: 3, aliases: 0, cost: 11 }, { ...defaults, maxCost: 10 })).toThrow(expect.objectContaining({ code: 'cost_limit', context: { cost: 11, limit: 10 } }));
  });
});
