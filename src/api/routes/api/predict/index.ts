import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type ResolvedWhatIfFilm, resolveWhatIfFilm } from '../../../../training/index.js';
import { HttpError } from '../../../errors.js';
import { errorResponse } from '../../../schemas/common.js';
import {
  noModelResponse,
  type PredictBody,
  type PredictResponse,
  predictBody,
  predictResponse,
} from '../../../schemas/predict.js';
import type { RouteOptions } from '../../../services/index.js';

function filmOf(body: PredictBody): ResolvedWhatIfFilm {
  return resolveWhatIfFilm({
    runtime: body.runtime,
    voteCount: body.vote_count,
    releaseDate: body.release_date,
    releaseYear: body.release_year,
    releaseMonth: body.release_month,
    genres: body.genres,
    originalLanguage: body.original_language,
  });
}

function filmView(film: ResolvedWhatIfFilm, body: PredictBody): PredictResponse['film'] {
  return {
    runtime: body.runtime,
    vote_count: body.vote_count,
    release_date: film.releaseDate,
    genres: [...film.genres],
    original_language: body.original_language,
  };
}

/**
 * POST /api/predict: what the newest successful run's stored models predict for a film that need
 * not exist. Read-only: nothing is retrained or written. 409 while there are no models.
 */
const predictRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'predictFilm',
        tags: ['models'],
        summary: 'What-if: predict a film that does not exist yet with the newest run’s models',
        body: predictBody,
        response: { 200: predictResponse, 400: errorResponse, 409: noModelResponse },
      },
    },
    async (request) => {
      const film = filmOf(request.body);
      const answer = await services.models.whatIf(film);
      if (!answer) {
        throw new HttpError(
          409,
          'No trained models to predict with yet: run `horrorcast train` once films are collected.',
          await services.hints.noModel(),
        );
      }
      const { run, prediction } = answer;
      if (!prediction) {
        throw new HttpError(
          409,
          `Training run ${run.id} stored no models to predict with.`,
          'Run `horrorcast train` (or POST /api/jobs/train): every new run stores its models.',
        );
      }
      return {
        run,
        film: filmView(film, request.body),
        random_forest: { popularity: prediction.popularity },
        linear: { popularity: prediction.linearPopularity, vote_average: prediction.linearVoteAverage },
        high_rating: {
          probability: prediction.highRatingProbability,
          threshold: prediction.highRatingThreshold,
        },
        clustering: { cluster: prediction.cluster, pc1: prediction.pc1, pc2: prediction.pc2 },
      };
    },
  );
};

export default predictRoutes;
