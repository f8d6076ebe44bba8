import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { classificationResponse } from '../../../../schemas/classification.js';
import type { RouteOptions } from '../../../../services/index.js';

/** GET /api/horror/classification: the "high rating" classifier's confusion matrix and ROC curve. */
const classificationRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'getClassificationResults',
        tags: ['models'],
        summary: 'Confusion matrix, accuracy, ROC curve and AUC of the high-rating classifier',
        response: { 200: classificationResponse },
      },
    },
    async () => {
      const answer = await services.models.classification();
      if (!answer?.result)
        return { run: answer?.run ?? null, result: null, hint: await services.hints.noModel() };
      return { run: answer.run, result: answer.result, hint: null };
    },
  );
};

export default classificationRoutes;
