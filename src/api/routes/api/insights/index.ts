import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendCsv, wantsCsv } from '../../../csv.js';
import { errorResponse } from '../../../schemas/common.js';
import {
  formatParam,
  modelHistoryResponse,
  monthsQuery,
  monthsResponse,
  moversQuery,
  moversResponse,
  rankedQuery,
  rankedResponse,
} from '../../../schemas/insights.js';
import type { RouteOptions } from '../../../services/index.js';

/** GET /api/insights/*: under- and over-rated films, movers, release months and model history. */
const insightsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  const { insights, hints } = services;

  app.get(
    '/under-over-rated',
    {
      schema: {
        tags: ['insights'],
        operationId: 'listUnderOverRated',
        summary: 'Films ranked by how far they beat or miss their out-of-fold prediction',
        querystring: rankedQuery,
        response: { 200: rankedResponse, 400: errorResponse },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const { runId, total, items } = await insights.ranked(query);
      if (wantsCsv(request, query.format)) {
        return sendCsv(
          reply,
          `${query.direction}-rated-${query.target}.csv`,
          [
            'tmdb_id',
            'title',
            'year',
            'actual',
            'predicted',
            'lower',
            'upper',
            'residual',
            'ratio',
            'in_words',
          ],
          items,
        );
      }
      return {
        run_id: runId,
        target: query.target,
        direction: query.direction,
        total,
        items,
        hint: total === 0 ? await hints.noModel() : null,
      };
    },
  );

  app.get(
    '/movers',
    {
      schema: {
        tags: ['insights'],
        operationId: 'listMovers',
        summary: 'Films whose popularity rose or fell most over the last 7 or 30 days of snapshots',
        querystring: moversQuery,
        response: { 200: moversResponse, 400: errorResponse },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const { since, items } = await insights.movers(query);
      if (wantsCsv(request, query.format)) {
        return sendCsv(
          reply,
          `${query.direction}-${query.window}-days.csv`,
          ['tmdb_id', 'title', 'year', 'from', 'to', 'change', 'relative_change'],
          items,
        );
      }
      return {
        window_days: query.window,
        since,
        items,
        hint: items.length ? null : 'Movers need at least two collections within the window.',
      };
    },
  );

  app.get(
    '/release-months',
    {
      schema: {
        tags: ['insights'],
        operationId: 'getReleaseMonths',
        summary: 'Film count, popularity and rating per release month; October against the rest',
        querystring: monthsQuery,
        response: { 200: monthsResponse, 400: errorResponse },
      },
    },
    async (request, reply) => {
      const answer = await insights.releaseMonths();
      if (wantsCsv(request, request.query.format)) {
        const rows = answer.months.map((m) => ({
          month: m.month,
          name: m.name,
          film_count: m.film_count,
          popularity_median: m.popularity.median,
          popularity_q1: m.popularity.q1,
          popularity_q3: m.popularity.q3,
          rating_median: m.rating.median,
          rating_q1: m.rating.q1,
          rating_q3: m.rating.q3,
        }));
        return sendCsv(
          reply,
          'release-months.csv',
          Object.keys(rows[0]!) as Array<keyof (typeof rows)[0]>,
          rows,
        );
      }
      const films = answer.months.reduce((n, m) => n + m.film_count, 0);
      return { ...answer, hint: films ? null : await hints.noFilms() };
    },
  );

  app.get(
    '/model-history',
    {
      schema: {
        tags: ['insights'],
        operationId: 'getModelHistory',
        summary: "Every successful run's cross-validated scores, flagged when outside the earlier spread",
        querystring: z.strictObject({ format: formatParam }),
        response: { 200: modelHistoryResponse, 400: errorResponse },
      },
    },
    async (request, reply) => {
      const runs = await insights.history();
      if (wantsCsv(request, request.query.format)) {
        const rows = runs.flatMap((run) =>
          Object.entries(run.metrics).map(([metric, { mean, std }]) => ({
            run_id: run.run_id,
            finished_at: run.finished_at,
            metric,
            mean,
            std,
            flagged: run.flagged.some((f) => f.metric === metric),
          })),
        );
        return sendCsv(
          reply,
          'model-history.csv',
          ['run_id', 'finished_at', 'metric', 'mean', 'std', 'flagged'],
          rows,
        );
      }
      return { runs };
    },
  );
};

export default insightsRoutes;
