# Two stages: `build` compiles TypeScript with every dependency; the runtime image holds only the
# compiled code, the templates and the production dependencies, and runs as an unprivileged user.
# NODE_IMAGE lets a machine without Docker Hub build from a local Node 24 image (see
# scripts/check-containers.sh); the Node major must match package.json's engines.
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only the source changes.
COPY package.json package-lock.json ./
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# The portal's API client is built first: the server's pages import it.
COPY client/tsconfig.json client/
COPY client/src client/src
COPY src src
COPY migrations migrations
COPY bench bench
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# The client workspace's manifest (npm ci links the workspace) and its build: the portal's pages
# load it.
COPY package.json package-lock.json ./
COPY client/package.json client/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/client/dist client/dist
COPY --from=build /app/dist/src dist/src
COPY --from=build /app/dist/migrations dist/migrations
COPY templates templates
# var/ holds written mail (.eml, when SMTP_URL is unset) and the local file store: the only place
# the process writes. Mount a volume there (var/files shared by api and worker) to keep it.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home grants \
    && mkdir -p var/files var/mail \
    && chown -R grants:grants var
USER 10001
EXPOSE 3000
# Liveness of the HTTP roles (api, all). The worker role serves no HTTP: its container turns the
# check off (see compose.yaml).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The service. Migrations run once, from a one-off container of this image:
#   node dist/src/cli.js migrate
CMD ["node", "dist/src/main.js"]
