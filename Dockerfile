# One image for every Switchyard app; the container's command picks the app
# (apps/admin, apps/config-sync, apps/proxy or apps/standalone).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps apps
COPY libs libs
COPY tools tools
COPY tests tests
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# The young generation's cap (2 x 8 MiB; README, "Memory") is fixed when V8 creates the heap,
# so it is a node flag; the apps set the old generation's growth themselves (HEAP_GROWING_PERCENT).
ENV NODE_OPTIONS=--max-semi-space-size=8
# glibc's malloc keeps an arena per thread by default (V8's helpers, libuv's pool): two hold the
# same allocations in less memory (README, "Memory").
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app /app
USER node
CMD ["node", "--enable-source-maps", "apps/standalone/dist/main.js"]
