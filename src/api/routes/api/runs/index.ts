import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponse } from '../../../schemas/common.js';
import { runsQuery, runsResponse } from '../../../schemas/runs.js';
import type { RouteOptions } from '../../../services/index.js';

/** GET /api/runs: the newest collection and training runs. */
const runsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'listRuns',
        tags: ['operations'],
        summary: 'Recent collection and training runs, newest first',
        querystring: runsQuery,
        response: { 200: runsResponse, 400: errorResponse },
      },
    },
    async (request) => services.runs.recent(request.query.limit),
  );
};

export default runsRoutes;
