# One image for every Argus process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY api/package.json api/
COPY worker/package.json worker/
COPY admin/package.json admin/
COPY loadtest/package.json loadtest/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# the admin panel bundles its React components into .adminjs/ when it starts in production
RUN mkdir -p /app/.adminjs && chown node /app/.adminjs
USER node
CMD ["node", "api/dist/main.js"]
