# syntax=docker/dockerfile:1
# One image for every process of the service; the command picks which (docker-compose.yml sets it):
#   node --import tsx api/server.ts          the API (the default)
#   node --max-old-space-size=256 --import tsx worker/main.ts   a worker
#   node --import tsx scripts/migrate.ts     database migrations, one-shot
# The build steps are the ones README.md ("Running in production") gives for a machine without Docker.

ARG NODE_IMAGE=node:20-bookworm-slim

# Build: every dependency, the workflow code bundled once, then the development dependencies dropped.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# swagger-ui-dist depends on @scarf/scarf, which reports installs to its vendor unless told not to.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node --import tsx scripts/bundle-workflows.ts dist/workflow-bundle.js
RUN npm prune --omit=dev --no-audit --no-fund

# Run: the same Node, no compilers or dev packages, files owned by root and read-only to the process.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/server.ts"]
