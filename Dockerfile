# DIF's two worker images, from one multi-stage build (README: Containers):
#   worker      DIF's worker (workflows and activities, workers/main.ts), the default target
#   clean-room  a clean-room customer's worker (workers/clean-room.ts)
# Both run as an unprivileged user, carry the prebuilt workflow bundle (dist/workflow-bundle.js,
# so start-up does not bundle), and answer a HEALTHCHECK (workers/health-check.ts asks the
# worker's /healthz on DIF_METRICS_PORT). Build with Docker, or daemonless with buildah:
#   buildah build --format docker --target worker -t dif-worker .
# NODE_IMAGE: any Debian-based Node 20 image; scripts/container-build.sh passes a locally made
# one where no registry of images can be reached.
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

# --- build: compile TypeScript, bundle the workflows, keep only production dependencies ---
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Dependencies first: this layer is reused until package-lock.json changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: what a worker needs, no compiler, no sources, no root ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DIF_HOME=/home/dif/.cache/dif \
    DIF_METRICS_PORT=9464
RUN groupadd --system --gid 10001 dif \
 && useradd --system --uid 10001 --gid dif --create-home --home-dir /home/dif --shell /usr/sbin/nologin dif
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/vendors ./vendors
COPY --from=build /src/migrations ./migrations
# Numeric, so platforms that check runAsNonRoot can tell without reading /etc/passwd.
USER 10001:10001
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/workers/health-check.js"]

FROM runtime AS clean-room
# DIF_CLEAN_ROOM_CUSTOMER and the customer's own services are set where the container runs.
CMD ["node", "dist/workers/clean-room.js"]

FROM runtime AS worker
CMD ["node", "dist/workers/main.js"]
