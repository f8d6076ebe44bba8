import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readinessResponse, readinessUnavailable } from '../../../schemas/health.js';
import type { RouteOptions } from '../../../services/index.js';

/** GET /api/health: readiness, including one round trip to the database. */
const apiHealthRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  const { health, settings } = services;
  app.get(
    '',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: the API and its database answer',
        response: { 200: readinessResponse, 503: readinessUnavailable },
      },
    },
    async (request, reply) => {
      try {
        await health.checkDatabase();
      } catch (error) {
        request.log.error({ err: error }, 'database health check failed');
        return reply.code(503).send({
          status: 'unavailable' as const,
          database: health.databaseKind,
          message: 'The database does not answer; the reason is in the server log.',
        });
      }
      return {
        status: 'ok' as const,
        database: health.databaseKind,
        uptime_seconds: Math.round((Date.now() - settings.started.getTime()) / 1000),
      };
    },
  );
};

export default apiHealthRoutes;
