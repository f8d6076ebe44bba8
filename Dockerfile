# syntax=docker/dockerfile:1
# Multi-stage: dev dependencies and the compiler live only in the build stage; the image runs the
# compiled JavaScript in dist/.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: better-sqlite3 and msgpackr-extract load the prebuilt binaries their packages
# ship, and the project's own `prepare` (the build) runs below, once the sources are here.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite:/app/data/horrorcast.db
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin/horrorcast.js ./bin/
# The dashboard serves the machine-learning guide at /guide.
COPY --chown=node:node docs/ML.md ./docs/
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "bin/horrorcast.js"]
CMD ["serve"]
