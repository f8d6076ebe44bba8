import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { livenessResponse } from '../../schemas/health.js';
import type { RouteOptions } from '../../services/index.js';

/** GET /health: the process is up. It touches nothing else, so it is safe to poll often. */
const healthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Liveness: the web process answers',
        response: { 200: livenessResponse },
      },
    },
    async () => ({
      status: 'ok' as const,
      uptime_seconds: Math.round((Date.now() - services.settings.started.getTime()) / 1000),
    }),
  );
};

export default healthRoutes;
