import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pcaQuery, pcaResponse, profilesResponse } from '../../../../schemas/clustering.js';
import { errorResponse } from '../../../../schemas/common.js';
import type { RouteOptions } from '../../../../services/index.js';

/** /api/horror/clustering: k-means groups, drawn on two principal components. */
const clusteringRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '/pca',
    {
      schema: {
        operationId: 'listPcaPoints',
        tags: ['models'],
        summary: 'Each film on the first two principal components, with its cluster',
        querystring: pcaQuery,
        response: { 200: pcaResponse, 400: errorResponse },
      },
    },
    async (request) => {
      const answer = await services.models.pca(request.query);
      if (!answer)
        return {
          run: null,
          clusters: 0,
          explained_variance: [],
          total: 0,
          items: [],
          hint: await services.hints.noModel(),
        };
      return { ...answer, hint: null };
    },
  );

  app.get(
    '/profiles',
    {
      schema: {
        operationId: 'listClusterProfiles',
        tags: ['models'],
        summary: 'Per-cluster averages of popularity, rating, runtime and votes, and film counts',
        response: { 200: profilesResponse },
      },
    },
    async () => {
      const answer = await services.models.profiles();
      if (!answer) return { run: null, items: [], hint: await services.hints.noModel() };
      return { ...answer, hint: null };
    },
  );
};

export default clusteringRoutes;
