import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientConfigResponse } from '../../../schemas/config.js';
import type { RouteOptions } from '../../../services/index.js';

/** GET /api/config: what the dashboard needs to know before it polls. */
const configRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'getDashboardConfig',
        tags: ['operations'],
        summary: 'Dashboard settings: refresh interval and configured data source',
        response: { 200: clientConfigResponse },
      },
    },
    async () => ({
      poll_interval_ms: services.settings.pollIntervalMs,
      configured_source: services.settings.configuredSource,
    }),
  );
};

export default configRoutes;
