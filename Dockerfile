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
# Every app sizes its own heap (young generation 2 x 8 MiB, old generation collected once it has
# grown 100% past its live size; README, "Memory"). The young generation's cap given as a flag
# saves the in-process cap its slower start; HEAP_GROWING_PERCENT changes the other setting.
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY --from=build /app /app
USER node
CMD ["node", "--enable-source-maps", "apps/standalone/dist/main.js"]
