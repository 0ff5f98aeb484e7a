/**
 * Parsed and validated documents for the WebSocket path, by query text, in a bounded LRU
 * (HTTP requests use Apollo's own document store). A repeated subscription document is parsed
 * and validated once.
 *
 * @module
 */
import { checkDocumentNesting, maxDocumentTokens } from './documentShape.js';
import { toGraphQLError } from './errors.js';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from './graphqlJs.js';

/** A document, or why it is not one. */
export type CachedDocument = { readonly document: DocumentNode; readonly errors?: undefined } | { readonly document?: undefined; readonly errors: readonly GraphQLError[] };

/** The document cache. */
export interface DocumentCache {
  get(query: string): CachedDocument;
  readonly size: number;
}

/** Creates a cache of at most `maxEntries` documents; the least recently used goes first. */
export function createDocumentCache(schema: GraphQLSchema, maxEntries: number, maxDepth: number, extraRules: readonly ValidationRule[] = []): DocumentCache {
  const entries = new Map<string, CachedDocument>();
  const rules = [...specifiedRules, ...extraRules];
  return {
    get(query) {
      const hit = entries.get(query);
      if (hit) {
        entries.delete(query);
        entries.set(query, hit);
        return hit;
      }
      let entry: CachedDocument;
      try {
        checkDocumentNesting(query, maxDepth);
        const document = parse(query, { maxTokens: maxDocumentTokens });
        const errors = validate(schema, document, rules);
        entry = errors.length > 0 ? { errors } : { document };
      } catch (error) {
        // graphql-ws accepts only GraphQLErrors from onSubscribe; anything else closes the socket with 4500.
        entry = { errors: [error instanceof GraphQLError ? error : toGraphQLError(error)] };
      }
      entries.set(query, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return entry;
    },
    get size() {
      return entries.size;
    },
  };
}
