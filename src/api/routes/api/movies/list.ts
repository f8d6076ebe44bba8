import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendCsv, wantsCsv } from '../../../csv.js';
import { errorResponse } from '../../../schemas/common.js';
import { type MovieListItem, movieListQuery, movieListResponse } from '../../../schemas/insights.js';
import type { RouteOptions } from '../../../services/index.js';

const csvColumns: ReadonlyArray<keyof MovieListItem> = [
  'tmdb_id',
  'title',
  'original_title',
  'release_date',
  'year',
  'genres',
  'original_language',
  'popularity',
  'vote_count',
  'vote_average',
  'predicted_popularity',
  'predicted_rating',
  'residual_popularity',
  'residual_rating',
  'poster_path',
];

/** GET /api/movies: search and filter the films, one page at a time, as JSON or CSV. */
const movieListRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    '',
    {
      schema: {
        tags: ['films'],
        operationId: 'searchFilms',
        summary: 'Search and filter films, with their latest figures and newest predictions',
        querystring: movieListQuery,
        response: { 200: movieListResponse, 400: errorResponse },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const { total, items } = await services.insights.listMovies(query);
      if (wantsCsv(request, query.format)) return sendCsv(reply, 'films.csv', csvColumns, items);
      const empty = total === 0 && (await services.movies.counts()).films === 0;
      return {
        total,
        limit: query.limit,
        offset: query.offset,
        items,
        hint: empty ? await services.hints.noFilms() : null,
      };
    },
  );
};

export default movieListRoutes;
