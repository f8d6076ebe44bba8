import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { summaryResponse } from '../../../schemas/summary.js';
import type { RouteOptions } from '../../../services/index.js';

const SUMMARY_SIZE = 10;

/** GET /api/summary: the ten most popular films by their latest popularity. */
const summaryRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'getSummary',
        tags: ['films'],
        summary: 'Top 10 films by latest popularity',
        response: { 200: summaryResponse },
      },
    },
    async () => {
      const items = await services.movies.top(SUMMARY_SIZE);
      return { items, hint: items.length ? null : await services.hints.noFilms() };
    },
  );
};

export default summaryRoutes;
