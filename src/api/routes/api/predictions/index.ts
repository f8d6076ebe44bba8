import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponse } from '../../../schemas/common.js';
import { predictionsResponse } from '../../../schemas/predictions.js';
import type { RouteOptions } from '../../../services/index.js';

const TOP_PREDICTIONS = 20;

/** GET /api/predictions: the newest linear run's 20 highest predicted popularities. */
const predictionsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'listLinearPredictions',
        tags: ['models'],
        summary: 'Top 20 linear predictions, with actual values and absolute errors',
        response: { 200: predictionsResponse, 500: errorResponse },
      },
    },
    async () => {
      const answer = await services.models.predictions(TOP_PREDICTIONS);
      if (!answer) return { run: null, metrics: null, items: [], hint: await services.hints.noModel() };
      return {
        run: answer.run,
        metrics: {
          popularity: answer.scores.linear_popularity,
          vote_average: answer.scores.linear_vote_average,
        },
        items: answer.items,
        hint: answer.items.length ? null : await services.hints.noModel(),
      };
    },
  );
};

export default predictionsRoutes;
