import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendCsv, wantsCsv } from '../../../csv.js';
import { errorResponse } from '../../../schemas/common.js';
import { formatParam } from '../../../schemas/insights.js';
import { predictionsResponse } from '../../../schemas/predictions.js';
import type { RouteOptions } from '../../../services/index.js';

const TOP_PREDICTIONS = 20;

const csvColumns = [
  'tmdb_id',
  'title',
  'predicted_popularity',
  'actual_popularity',
  'predicted_vote_average',
  'actual_vote_average',
  'mae_popularity',
  'mae_vote_average',
] as const;

/** GET /api/predictions: the newest linear run's 20 highest predicted popularities. */
const predictionsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'listLinearPredictions',
        tags: ['models'],
        summary: 'Top 20 linear predictions, with actual values and absolute errors',
        querystring: z.object({ format: formatParam }),
        response: { 200: predictionsResponse, 400: errorResponse, 500: errorResponse },
      },
    },
    async (request, reply) => {
      const answer = await services.models.predictions(TOP_PREDICTIONS);
      if (wantsCsv(request, request.query.format)) {
        return sendCsv(reply, 'predictions.csv', csvColumns, answer?.items ?? []);
      }
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
