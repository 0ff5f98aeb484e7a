/**
 * Static limits of an operation, checked before it runs: nesting depth, number of aliases and
 * estimated cost. The walk follows fragments and uses the schema for list-ness; its result is
 * cached per parsed document (documents are themselves cached, so a repeated query is analysed
 * once) unless a page size comes from a variable.
 *
 * Cost model: each field costs 1, a metric read 2. A connection field multiplies what is under
 * it by its page size (`first`, else the default page size); an unpaged list of entities
 * (containers, system containers, volumes) by 10. Lists of values (points, labels) are not
 * multiplied: the points cap bounds them at run time. Introspection fields cost 1 each (the
 * schema bounds them; the depth limit bounds nesting).
 *
 * @module
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from './graphqlJs.js';
import { GraphqlSurfaceError } from './errors.js';

/** What limits check. */
export interface OperationAnalysis {
  /** Deepest field nesting; a root field is 1. */
  readonly depth: number;
  /** Aliased fields, fragments included. */
  readonly aliases: number;
  /** Estimated cost (see the module comment). */
  readonly cost: number;
}

/** The limits an operation must respect. */
export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxCost: number;
  /** Page size assumed for a connection without `first`. */
  readonly defaultPageSize: number;
}

/** Metric reads cost more than plain fields: each is a store lookup. */
const metricReadFields = new Set(['metric', 'latest', 'aggregate', 'labeledMetric', 'metricNames', 'labeledMetricNames']);
const metricReadCost = 2;
/** Assumed length of an unpaged list of entities (containers of a pod, volumes...). */
const unpagedListSize = 10;

/** Whether a list of `type` fans out: its elements are entities (or volumes) with their own reads. */
function fansOut(type: GraphQLNamedType): boolean {
  return isObjectType(type) && (type.getInterfaces().some((i) => i.name === 'MetricEntity') || type.name === 'Volume');
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
  defaultPageSize: number;
  usesVariables: boolean;
}

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

function fieldDefinition(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name && parent === schema.getQueryType()) return TypeMetaFieldDef;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  return 'getFields' in parent ? parent.getFields()[name] : undefined;
}

function pageSizeOf(walk: Walk, node: { arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown; name?: { value: string } } }[] }): number {
  const first = node.arguments?.find((a) => a.name.value === 'first');
  if (!first) return walk.defaultPageSize;
  if (first.value.kind === Kind.INT) return Number(first.value.value);
  if (first.value.kind === Kind.VARIABLE && first.value.name) {
    walk.usesVariables = true;
    const value = walk.variables[first.value.name.value];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : walk.defaultPageSize;
  }
  return walk.defaultPageSize;
}

function measure(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): Measure {
  const total: Measure = { depth: 0, aliases: 0, cost: 0 };
  for (const selection of selectionSet.selections) {
    let part: Measure;
    if (selection.kind === Kind.FIELD) {
      const definition = fieldDefinition(walk.schema, parent, selection.name.value);
      // Unknown fields fail validation before analysis; counting them as leaves keeps this total.
      const type = definition ? getNamedType(definition.type) : undefined;
      const introspection = type?.name.startsWith('__') === true || selection.name.value.startsWith('__');
      let childCost = 0;
      let childDepth = 0;
      let childAliases = 0;
      if (selection.selectionSet && type && isCompositeType(type)) {
        const child = measure(walk, selection.selectionSet, type, seen);
        childCost = child.cost;
        childDepth = child.depth;
        childAliases = child.aliases;
      }
      let multiplier = 1;
      if (!introspection && definition) {
        if (type?.name.endsWith('Connection')) multiplier = pageSizeOf(walk, selection);
        else if (isListType(getNullableType(definition.type)) && type && fansOut(type) && !parent.name.endsWith('Connection')) multiplier = unpagedListSize;
      }
      const own = !introspection && metricReadFields.has(selection.name.value) ? metricReadCost : 1;
      part = { depth: 1 + childDepth, aliases: childAliases + (selection.alias ? 1 : 0), cost: own + multiplier * childCost };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      part = condition && isCompositeType(condition) ? measure(walk, selection.selectionSet, condition, seen) : { depth: 0, aliases: 0, cost: 0 };
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      const condition = fragment ? walk.schema.getType(fragment.typeCondition.name.value) : undefined;
      // A cycle is a validation error; stopping here keeps the walk finite when called before validation.
      part = fragment && condition && isCompositeType(condition) && !seen.has(name) ? measure(walk, fragment.selectionSet, condition, new Set([...seen, name])) : { depth: 0, aliases: 0, cost: 0 };
    }
    total.depth = Math.max(total.depth, part.depth);
    total.aliases += part.aliases;
    total.cost += part.cost;
  }
  return total;
}

const cache = new WeakMap<DocumentNode, Map<string, OperationAnalysis>>();

/** Measures `operation` of `document`; cached per document when no page size is a variable. */
export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  defaultPageSize: number,
): OperationAnalysis {
  const cacheKey = operation.name?.value ?? '';
  const cached = cache.get(document)?.get(cacheKey);
  if (cached) return cached;
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const walk: Walk = { schema, fragments, variables: variables ?? {}, defaultPageSize, usesVariables: false };
  const analysis: OperationAnalysis = root ? measure(walk, operation.selectionSet, root, new Set()) : { depth: 0, aliases: 0, cost: 0 };
  if (!walk.usesVariables) {
    let byOperation = cache.get(document);
    if (!byOperation) cache.set(document, (byOperation = new Map()));
    byOperation.set(cacheKey, analysis);
  }
  return analysis;
}

/** Throws the first limit `analysis` breaks: depth, then aliases, then cost. */
export function enforceLimits(analysis: OperationAnalysis, limits: OperationLimits): void {
  if (analysis.depth > limits.maxDepth) {
    throw new GraphqlSurfaceError('depth_limit', `The operation nests ${analysis.depth} levels deep; the limit is ${limits.maxDepth}`, { depth: analysis.depth, limit: limits.maxDepth });
  }
  if (analysis.aliases > limits.maxAliases) {
    throw new GraphqlSurfaceError('alias_limit', `The operation uses ${analysis.aliases} aliases; the limit is ${limits.maxAliases}`, { aliases: analysis.aliases, limit: limits.maxAliases });
  }
  if (analysis.cost > limits.maxCost) {
    throw new GraphqlSurfaceError('cost_limit', `The operation's estimated cost is ${analysis.cost}; the limit is ${limits.maxCost} (ask for smaller pages or fewer fields)`, { cost: analysis.cost, limit: limits.maxCost });
  }
}
