import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FilmAttributes } from '../../../../training/index.js';
import { errorBody } from '../../../errors.js';
import { errorResponse } from '../../../schemas/common.js';
import {
  noModelResponse,
  type PredictBody,
  type PredictResponse,
  predictBody,
  predictResponse,
} from '../../../schemas/predict.js';
import type { RouteOptions } from '../../../services/index.js';

/** Every collected film is a horror film, so the models learnt their genre counts with it. */
const HORROR = 'Horror';

/** The film as the models see it: a year and month become the first of that month. */
function resolve(body: PredictBody): PredictResponse['film'] {
  return {
    runtime: body.runtime,
    vote_count: body.vote_count,
    release_date:
      body.release_date ?? `${body.release_year!}-${String(body.release_month!).padStart(2, '0')}-01`,
    genres: body.genres.includes(HORROR) ? body.genres : [HORROR, ...body.genres],
    original_language: body.original_language,
  };
}

function attributesOf(film: PredictResponse['film']): FilmAttributes {
  return {
    runtime: film.runtime,
    voteCount: film.vote_count,
    releaseDate: film.release_date,
    genres: film.genres,
    originalLanguage: film.original_language,
  };
}

/**
 * POST /api/predict: what the newest successful run's stored models predict for a film that need
 * not exist (SPEC §8). Read-only: nothing is retrained or written. 409 while there are no models.
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
    async (request, reply) => {
      const film = resolve(request.body);
      const answer = await services.models.whatIf(attributesOf(film));
      if (!answer) {
        return reply.code(409).send({
          ...errorBody(
            409,
            'No trained models to predict with yet: run `horrorcast train` once films are collected.',
          ),
          hint: await services.hints.noModel(),
        });
      }
      const { run, prediction } = answer;
      if (!prediction) {
        return reply.code(409).send({
          ...errorBody(409, `Training run ${run.id} stored no models to predict with.`),
          hint: 'Run `horrorcast train` (or POST /api/jobs/train): every new run stores its models.',
        });
      }
      return {
        run,
        film,
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
