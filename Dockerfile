# syntax=docker/dockerfile:1
# One image for every process of the service; the command picks which (docker-compose.yml sets it):
#   node --enable-source-maps dist/api.js          the API (the default)
#   node --enable-source-maps --max-old-space-size=1024 --max-semi-space-size=16 dist/worker.js
#                                                  a worker (heap flags: scripts/children.ts)
#   node --enable-source-maps dist/migrate.js      database migrations, one-shot
# The build steps are the ones README.md ("Running in production") gives for a machine without Docker.

ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every dependency, the TypeScript compiled to dist/ (with the workflow bundle), then the development
# dependencies (the compilers among them) dropped.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# swagger-ui-dist depends on @scarf/scarf, which reports installs to its vendor unless told not to.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

# Run: the same Node, compiled JavaScript only, files owned by root and read-only to the process.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/api.js"]
