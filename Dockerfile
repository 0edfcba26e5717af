# syntax=docker/dockerfile:1
# Portcullis container image (docs/deployment.md, "Container image").
#   docker build -t portcullis .
#   docker run -p 3000:3000 -v portcullis-data:/data -e PORTCULLIS_SECRET_KEY=… -e ADMIN_PASSWORD=… portcullis
# test/container-image.test.ts performs these steps outside a container.

ARG NODE_IMAGE=node:20-bookworm-slim

# Build: all dependencies, the console (.next) and the server bundle (dist/server.mjs), packed as npm
# would publish it (package.json "files": what the runtime needs, nothing else).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && node scripts/build-server.mjs \
 && npm pack --pack-destination /tmp \
 && mv /tmp/portcullis-*.tgz /tmp/portcullis.tgz

# Runtime: the packed project and its production dependencies only (postinstall generates the Prisma
# client the CLI uses; the server bundle has its own), as the unprivileged `node` user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/data/portcullis.db
WORKDIR /app
COPY --from=build /tmp/portcullis.tgz /tmp/portcullis.tgz
COPY --from=build /src/package-lock.json /app/package-lock.json
RUN tar -xzf /tmp/portcullis.tgz --strip-components=1 -C /app \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && rm /tmp/portcullis.tgz \
 && mkdir -p /data \
 && chown node:node /data
USER node
# The SQLite database and, unless PORTCULLIS_SECRET_KEY is set, the generated secret key.
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# npm start's Node flags (scripts/server-process.mjs), on the prebuilt bundle.
CMD ["node", "--enable-source-maps", "--heap-growing-percent=20", "--no-allocation-site-pretenuring", "--max-valid-polymorphic-map-count=8", "--no-memory-reducer", "--max-semi-space-size=8", "dist/server.mjs"]
