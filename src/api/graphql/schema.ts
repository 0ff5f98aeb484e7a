/**
 * The executable schema: schema.graphql (the single source of the graph's shape, also read by
 * codegen) with the resolvers and custom scalars attached.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLScalarType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from './graphqlJs.js';
import { resolvers } from './resolvers/index.js';

/** Where the SDL lives: the repository root, beside codegen.yml. */
export const schemaUrl = new URL('../../../schema.graphql', import.meta.url);

/** The SDL text of the schema. */
export function schemaSource(): string {
  return readFileSync(schemaUrl, 'utf8');
}

type FieldResolverEntry = GraphQLFieldResolver<unknown, unknown> | { resolve?: GraphQLFieldResolver<unknown, unknown>; subscribe?: GraphQLFieldResolver<unknown, unknown> };

/** Builds the schema and attaches every resolver; a resolver for a field the SDL lacks is an error. */
export function createSchema(): GraphQLSchema {
  const schema = buildSchema(schemaSource());
  for (const [typeName, entry] of Object.entries(resolvers as Record<string, unknown>)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`resolvers name type ${typeName}, which schema.graphql lacks`);
    if (isScalarType(type)) {
      const scalar = entry as GraphQLScalarType;
      // buildSchema gives identity scalars; the behaviour comes from the implementations.
      Object.assign(type, { serialize: scalar.serialize, parseValue: scalar.parseValue, parseLiteral: scalar.parseLiteral });
      continue;
    }
    if (isInterfaceType(type)) {
      type.resolveType = (entry as { __resolveType: GraphQLTypeResolver<unknown, unknown> }).__resolveType;
      continue;
    }
    if (!isObjectType(type)) throw new Error(`resolvers for ${typeName}, which is neither an object, an interface nor a scalar`);
    const fields = type.getFields();
    for (const [fieldName, resolver] of Object.entries(entry as Record<string, FieldResolverEntry>)) {
      const field = fields[fieldName];
      if (!field) throw new Error(`resolver ${typeName}.${fieldName} has no field in schema.graphql`);
      if (typeof resolver === 'function') field.resolve = resolver;
      else {
        if (resolver.resolve) field.resolve = resolver.resolve;
        if (resolver.subscribe) field.subscribe = resolver.subscribe;
      }
    }
  }
  return schema;
}
