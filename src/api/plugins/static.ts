import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The dashboard's own files: src/web/static, beside this module in the source tree. */
export const defaultWebRoot = fileURLToPath(new URL('../../web/static/', import.meta.url));

/** Chart.js's browser build, straight from node_modules: no CDN, and the version the lockfile pins. */
function chartJsDist(): string {
  return dirname(createRequire(import.meta.url).resolve('chart.js'));
}

/**
 * The dashboard's HTML, modules and styles must be revalidated (ETag) so that a new release shows at
 * once; Chart.js changes only with the lockfile, so browsers keep it for a day.
 */
export async function registerDashboardAssets(
  app: FastifyInstance,
  options: { webRoot?: string } = {},
): Promise<void> {
  await app.register(fastifyStatic, {
    root: options.webRoot ?? defaultWebRoot,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
  });
  await app.register(fastifyStatic, {
    root: chartJsDist(),
    prefix: '/vendor/chart.js/',
    decorateReply: false,
    wildcard: false,
    allowedPath: (path) => path === '/chart.umd.min.js' || path === '/chart.umd.min.js.map',
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', 'public, max-age=86400'),
  });
}
