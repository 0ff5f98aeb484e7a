# Heapgraph's image: the TypeScript sources run through tsx (a runtime dependency), so there is
# no build stage; production dependencies only. Build: docker build -t heapgraph:0.1.0 .
# Run: docker run -p 8082:8082 heapgraph:0.1.0 --source=...   (docs/operations.md)
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What `node bin/heapgraph.js` reads at run time: the sources, the GraphQL schema (read by
# src/api/graphql/schema.ts), package.json (--version) and tsconfig.json (tsx's compiler options).
COPY tsconfig.json schema.graphql ./
COPY bin ./bin
COPY src ./src

# tsx would cache its compiled output under the temp dir, and fails at start when that is not
# writable (a read-only root filesystem). A new container starts with an empty cache anyway.
ENV TSX_DISABLE_CACHE=1

# 64 MiB young-generation semi-spaces (V8's default is 16): a cycle allocates gigabytes of
# short-lived objects at thousands of nodes, and a small young generation promotes them to old
# space, whose collections then dominate the cycle (docs/operations.md, Sizing). The Deployment
# sets NODE_OPTIONS itself and repeats this flag.
ENV NODE_OPTIONS=--max-semi-space-size=64

# The base image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it. The
# files above stay root's: the process cannot change its own code.
USER 1000:1000

# REST, GraphQL (HTTP and WebSocket), /healthz and /metrics.
EXPOSE 8082

# No HEALTHCHECK: Kubernetes ignores it and probes /healthz itself (deploy/deployment.yaml);
# with plain Docker, see docs/operations.md for a --health-cmd that needs no curl.
ENTRYPOINT ["node", "bin/heapgraph.js"]
