# Heapgraph's image, in two stages: the first compiles the TypeScript sources (tsc → dist/), the
# second runs that JavaScript with production dependencies only; no TypeScript tooling at run
# time. Build: docker build -t heapgraph:0.1.0 .
# Run: docker run -p 8082:8082 heapgraph:0.1.0 --source=...   (docs/operations.md)
FROM node:20-bookworm-slim AS build

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What `node bin/heapgraph.js` reads at run time: the compiled code, the GraphQL schema (read by
# dist/api/graphql/schema.js) and package.json (--version).
COPY schema.graphql ./
COPY bin ./bin
COPY --from=build /app/dist ./dist

# 64 MiB young-generation semi-spaces (V8's default is 16): a cycle allocates gigabytes of
# short-lived objects at thousands of nodes, and a small young generation promotes them to old
# space, whose collections then dominate the cycle (docs/operations.md, Sizing). The Deployment
# sets NODE_OPTIONS itself and repeats this flag.
ENV NODE_OPTIONS=--max-semi-space-size=64

# The base image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it. The
# files above stay root's: the process cannot change its own code, and writes nothing at run time,
# so a read-only root filesystem works.
USER 1000:1000

# REST, GraphQL (HTTP and WebSocket), /healthz and /metrics.
EXPOSE 8082

# No HEALTHCHECK: Kubernetes ignores it and probes /healthz itself (deploy/deployment.yaml);
# with plain Docker, see docs/operations.md for a --health-cmd that needs no curl.
ENTRYPOINT ["node", "bin/heapgraph.js"]
