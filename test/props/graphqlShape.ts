/**
 * Checks that the `data` of a GraphQL response has the shape the document asked for under the
 * schema: every selected response key present (and no other), non-null positions never null,
 * lists as arrays, Int within 32 bits, Float finite, enums among their values, Timestamps
 * parseable RFC 3339, and interface values of a type that implements the interface.
 */
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from '../../src/api/graphql/graphqlJs.js';

/** Problems found, each with its response path; empty when the data fits. */
export function shapeProblems(schema: GraphQLSchema, document: DocumentNode, data: unknown, operationName?: string): string[] {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => o.name?.value === operationName) ?? operations[0];
  if (!operation) return ['no operation in a document that returned data'];
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const problems: string[] = [];
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getMutationType();
  if (!root) return [`the schema has no ${operation.operation} type`];
  if (data === null) return [];
  checkObject(schema, fragments, root, operation.selectionSet, data, 'data', problems);
  return problems;
}

/** Response keys with their field names, of the selections that apply to `typeName`. */
function collectFields(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  typeName: string,
  into: Map<string, { name: string; selectionSet?: SelectionSetNode }[]>,
  seen = new Set<string>(),
): void {
  const applies = (condition: string | undefined) => {
    if (condition === undefined || condition === typeName) return true;
    const conditionType = schema.getType(condition);
    const concrete = schema.getType(typeName);
    return conditionType !== undefined && isAbstractType(conditionType) && isObjectType(concrete) && schema.isSubType(conditionType, concrete);
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const list = into.get(key) ?? [];
      list.push({ name: selection.name.value, ...(selection.selectionSet ? { selectionSet: selection.selectionSet } : {}) });
      into.set(key, list);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(selection.typeCondition?.name.value)) collectFields(schema, fragments, selection.selectionSet, typeName, into, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      if (applies(fragment.typeCondition.name.value)) collectFields(schema, fragments, fragment.selectionSet, typeName, into, seen);
    }
  }
}

function checkObject(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  value: unknown,
  path: string,
  problems: string[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object of ${type.name}, got ${JSON.stringify(value)}`);
    return;
  }
  const record = value as Record<string, unknown>;
  let concrete = type;
  if (isAbstractType(type)) {
    const typename = record.__typename;
    const named = typeof typename === 'string' ? schema.getType(typename) : undefined;
    if (!named || !isObjectType(named) || !schema.isSubType(type, named)) {
      problems.push(`${path}: __typename ${JSON.stringify(typename)} is not a type of ${type.name}`);
      return;
    }
    concrete = named;
  }
  const fields = new Map<string, { name: string; selectionSet?: SelectionSetNode }[]>();
  collectFields(schema, fragments, selectionSet, concrete.name, fields);
  for (const key of Object.keys(record)) if (!fields.has(key)) problems.push(`${path}.${key}: not selected`);
  for (const [key, selections] of fields) {
    const here = `${path}.${key}`;
    if (!(key in record)) {
      problems.push(`${here}: missing`);
      continue;
    }
    const name = selections[0]!.name;
    if (name === '__typename') {
      if (record[key] !== concrete.name) problems.push(`${here}: ${JSON.stringify(record[key])} is not ${concrete.name}`);
      continue;
    }
    const definition = isObjectType(concrete) ? concrete.getFields()[name] : undefined;
    if (!definition) {
      problems.push(`${here}: ${concrete.name} has no field ${name}`);
      continue;
    }
    const merged: SelectionSetNode | undefined = selections.some((s) => s.selectionSet)
      ? { kind: Kind.SELECTION_SET, selections: selections.flatMap((s) => s.selectionSet?.selections ?? []) }
      : undefined;
    checkValue(schema, fragments, definition.type, merged, record[key], here, problems);
  }
}

function checkValue(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode | undefined,
  value: unknown,
  path: string,
  problems: string[],
): void {
  if (isNonNullType(type)) {
    if (value === null) problems.push(`${path}: null in a non-null position (${String(type)})`);
    else checkValue(schema, fragments, type.ofType, selectionSet, value, path, problems);
    return;
  }
  if (value === null) return;
  if (isListType(type)) {
    if (!Array.isArray(value)) problems.push(`${path}: expected a list, got ${JSON.stringify(value)}`);
    else value.forEach((item, i) => checkValue(schema, fragments, type.ofType, selectionSet, item, `${path}[${i}]`, problems));
    return;
  }
  const named = getNamedType(type);
  if (isEnumType(named)) {
    if (!named.getValues().some((v) => v.name === value)) problems.push(`${path}: ${JSON.stringify(value)} is not a ${named.name}`);
    return;
  }
  if (isObjectType(named) || isAbstractType(named)) {
    if (!selectionSet) problems.push(`${path}: object without a selection`);
    else checkObject(schema, fragments, named, selectionSet, value, path, problems);
    return;
  }
  const ok = (() => {
    switch (named.name) {
      case 'Int':
        return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31;
      case 'Float':
        return typeof value === 'number' && Number.isFinite(value);
      case 'Boolean':
        return typeof value === 'boolean';
      case 'Timestamp':
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && Number.isFinite(Date.parse(value));
      case 'Duration':
        return typeof value === 'string' && /^(0s|(\d+h)?(\d+m)?((\d+(\.\d+)?)(s|ms|µs|us|ns))?)$/.test(value) && value !== '';
      default:
        return typeof value === 'string';
    }
  })();
  if (!ok) problems.push(`${path}: ${JSON.stringify(value)} is not a valid ${named.name}`);
}
