import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';

export interface RateLimitSettings {
  /** Requests per minute and client to each expensive read endpoint. */
  readsPerMinute: number;
  /** Requests per minute and client to POST /api/predict. */
  predictPerMinute: number;
}

/**
 * The endpoints whose answers cost real work (large lists, film histories, a what-if prediction).
 * Everything else, /health and the dashboard's files included, is never limited: cheap answers are
 * better served than refused.
 */
const limitedRoutes: Record<string, keyof RateLimitSettings> = {
  'GET /api/predictions': 'readsPerMinute',
  'GET /api/horror/regression/predictions': 'readsPerMinute',
  'GET /api/horror/clustering/pca': 'readsPerMinute',
  'GET /api/movies': 'readsPerMinute',
  'GET /api/movies/:id': 'readsPerMinute',
  'GET /api/runs': 'readsPerMinute',
  'POST /api/predict': 'predictPerMinute',
};

function limitOf(method: string, url: string): keyof RateLimitSettings | undefined {
  const path = url.length > 1 ? url.replace(/\/$/, '') : url;
  return limitedRoutes[`${method === 'HEAD' ? 'GET' : method} ${path}`];
}

/**
 * Per-client limits (by address; see TRUST_PROXY for clients behind a proxy), counted per endpoint
 * over one minute. Past the limit the answer is 429 with Retry-After, in the application's shape.
 */
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  // Runs before the plugin's own onRoute hook, which reads `config.rateLimit`.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const limit = limitOf(method, route.url);
      if (limit) route.config = { ...route.config, rateLimit: { max: settings[limit], timeWindow: 60_000 } };
    }
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        `Too many requests to this endpoint from this address (at most ${context.max} a minute); try again in ${context.after}.`,
      ),
  });
}
