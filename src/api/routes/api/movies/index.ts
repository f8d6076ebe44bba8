import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HttpError } from '../../../errors.js';
import { errorResponse } from '../../../schemas/common.js';
import { movieParams, movieQuery, movieResponse } from '../../../schemas/movies.js';
import type { RouteOptions } from '../../../services/index.js';

/** GET /api/movies/:id: one film, its facts, its snapshot history and its newest prediction. */
const moviesRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getFilm',
        tags: ['films'],
        summary:
          'A film with its facts (money, companies, countries, collection, keywords) and its popularity and vote history',
        params: movieParams,
        querystring: movieQuery,
        response: { 200: movieResponse, 400: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const { id } = request.params;
      const [found, prediction, modelOutputs] = await Promise.all([
        services.movies.find(id, request.query.snapshots),
        services.models.predictionOf(id),
        services.insights.filmModelOutputs(id),
      ]);
      if (!found) throw new HttpError(404, `No film with TMDB id ${id} has been collected.`);
      return { ...found, prediction, ...modelOutputs };
    },
  );
};

export default moviesRoutes;
