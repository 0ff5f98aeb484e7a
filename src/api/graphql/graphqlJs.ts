/**
 * graphql-js, imported by file so that every importer gets the one copy Apollo Server and
 * graphql-ws load. `graphql` has no `exports` map: Node resolves the bare name to its CommonJS
 * `index.js`, while bundler-style resolvers (Vite, hence vitest) pick its `module` field,
 * `index.mjs` — a second realm whose schemas Apollo rejects ("from another module or realm").
 *
 * @module
 */
export * from 'graphql/index.js';
