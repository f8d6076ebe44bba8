import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponse } from '../../../../schemas/common.js';
import {
  featuresQuery,
  featuresResponse,
  regressionPredictionsQuery,
  regressionPredictionsResponse,
} from '../../../../schemas/regression.js';
import type { RouteOptions } from '../../../../services/index.js';

/** /api/horror/regression: the random-forest popularity model. */
const regressionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '/features',
    {
      schema: {
        operationId: 'listFeatureImportances',
        tags: ['models'],
        summary: 'Feature importances of the random-forest regression, most important first',
        querystring: featuresQuery,
        response: { 200: featuresResponse, 400: errorResponse },
      },
    },
    async (request) => {
      const answer = await services.models.features(request.query.limit);
      if (!answer) return { run: null, items: [], hint: await services.hints.noModel() };
      return { ...answer, hint: null };
    },
  );

  app.get(
    '/predictions',
    {
      schema: {
        operationId: 'listRegressionPredictions',
        tags: ['models'],
        summary: 'Actual and predicted popularity per film (random forest)',
        querystring: regressionPredictionsQuery,
        response: { 200: regressionPredictionsResponse, 400: errorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const answer = await services.models.regression(query);
      if (!answer) {
        return {
          run: null,
          metrics: null,
          set: query.set,
          total: 0,
          items: [],
          hint: await services.hints.noModel(),
        };
      }
      return {
        run: answer.run,
        metrics: answer.scores.rf_regression,
        set: query.set,
        total: answer.total,
        items: answer.items,
        hint: null,
      };
    },
  );
};

export default regressionRoutes;
