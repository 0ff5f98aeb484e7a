/**
 * Bounds on a document's text, checked before graphql-js parses it. graphql-js parses,
 * validates and prints documents recursively, and so do the limits walk (limits.ts) and Apollo's
 * document store: a document nested a few thousand brackets deep, or a chain of a few thousand
 * fragment spreads, overflows the stack in whichever step comes first (a 500, or a parse error
 * reading "Maximum call stack size exceeded"). Refusing such text here, by a linear scan, keeps
 * every later step within a bounded depth.
 *
 * @module
 */
import { GraphqlSurfaceError } from './errors.js';

/** Deepest bracket nesting (`{`, `(`, `[`) outside strings and comments. */
export function bracketNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        i += 3;
        while (i < text.length && !(text.startsWith('"""', i) && text[i - 1] !== '\\')) i++;
        i += 2;
      } else {
        i++;
        while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      }
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === '}' || c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/**
 * Brackets a document may nest: the selection depth limit, plus the operation's own braces and
 * the argument values (input objects and lists) at the deepest field, with room to spare.
 */
export function maxBracketNesting(maxDepth: number): number {
  return maxDepth + 32;
}

/** Tokens a document may have; the introspection query has 183, the longest example in docs/api-graphql.md 149. */
export const maxDocumentTokens = 10_000;

/** Throws `depth_limit` when `query` nests brackets deeper than {@link maxBracketNesting}. */
export function checkDocumentNesting(query: string, maxDepth: number): void {
  const nesting = bracketNesting(query);
  const limit = maxBracketNesting(maxDepth);
  if (nesting > limit) {
    throw new GraphqlSurfaceError('depth_limit', `The document nests brackets ${nesting} levels deep; the limit is ${limit}`, { depth: nesting, limit });
  }
}
