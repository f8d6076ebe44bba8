import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PreReleaseQuestion } from '../../../../training/index.js';
import { HttpError } from '../../../errors.js';
import { errorResponse } from '../../../schemas/common.js';
import {
  companiesQuery,
  companiesResponse,
  noModelResponse,
  type PredictBody,
  type PredictResponse,
  predictBody,
  predictResponse,
} from '../../../schemas/predict.js';
import type { ForecastService } from '../../../services/forecast.js';
import type { RouteOptions } from '../../../services/index.js';

/** The body as the training module asks it (which resolves the date and the genres). */
function questionOf(body: PredictBody): PreReleaseQuestion {
  return {
    runtime: body.runtime,
    releaseDate: body.release_date,
    releaseYear: body.release_year,
    releaseMonth: body.release_month,
    genres: body.genres,
    originalLanguage: body.original_language,
    budget: body.budget,
    sequel: body.sequel,
    companies: body.companies,
    keywords: body.keywords,
    voteCount: body.vote_count,
  };
}

type Forecast = NonNullable<NonNullable<Awaited<ReturnType<ForecastService['forecast']>>>['answer']>;

const rounded = (value: number) => Math.round(value * 1000) / 1000;

function answerOf(run: PredictResponse['run'], answer: Forecast): PredictResponse {
  const { film, baseline } = answer;
  const contributions = (list: Forecast['popularity']['contributions']) =>
    list.map((entry) => ({ feature: entry.feature, label: entry.label, value: rounded(entry.value) }));
  return {
    run,
    film: {
      runtime: film.runtime ?? 0,
      release_date: film.releaseDate,
      genres: [...film.genres],
      original_language: film.originalLanguage ?? '',
      budget: film.budget ?? null,
      companies: (film.companies ?? []).map((company) => ({ id: company.id, name: company.name })),
      keywords: [...(film.keywords ?? [])],
      sequel: film.inCollection === true,
      vote_count: answer.voteCount,
    },
    popularity: {
      value: answer.popularity.value,
      lower: answer.popularity.lower,
      upper: answer.popularity.upper,
    },
    rating: { value: answer.rating.value, lower: answer.rating.lower, upper: answer.rating.upper },
    high_rating_probability: answer.highRatingProbability,
    cluster: answer.cluster,
    contributions: {
      popularity: contributions(answer.popularity.contributions),
      rating: contributions(answer.rating.contributions),
    },
    similar: answer.similar.map((similar) => ({
      tmdb_id: similar.tmdbId,
      title: similar.title,
      year: similar.year,
      poster_path: similar.posterPath,
      distance: similar.distance,
    })),
    notes: answer.notes,
    baseline_models: {
      random_forest: { popularity: baseline.popularity },
      linear: { popularity: baseline.linearPopularity, vote_average: baseline.linearVoteAverage },
      high_rating: { probability: baseline.highRatingProbability, threshold: baseline.highRatingThreshold },
      clustering: { cluster: baseline.cluster, pc1: baseline.pc1, pc2: baseline.pc2 },
    },
  };
}

/**
 * POST /api/predict: the pre-release forecast of the newest successful run's stored models for a
 * film that need not exist. Read-only: nothing is retrained or written. 409 while there are no
 * models. GET /api/predict/companies suggests production companies for the form.
 */
const predictRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'predictFilm',
        tags: ['models'],
        summary: 'What-if: forecast a film before its release with the newest run’s models',
        body: predictBody,
        response: { 200: predictResponse, 400: errorResponse, 409: noModelResponse },
      },
    },
    async (request) => {
      const result = await services.forecast.forecast(questionOf(request.body));
      if (!result) {
        throw new HttpError(
          409,
          'No trained models to predict with yet: run `horrorcast train` once films are collected.',
          await services.hints.noModel(),
        );
      }
      if (!result.answer) {
        throw new HttpError(
          409,
          `Training run ${result.run.id} stored no pre-release models to predict with.`,
          'Run `horrorcast train` (or POST /api/jobs/train): every new run stores its models.',
        );
      }
      return answerOf(result.run, result.answer);
    },
  );

  app.get(
    '/companies',
    {
      schema: {
        tags: ['models'],
        operationId: 'suggestCompanies',
        summary: 'Production companies whose name starts with q, those with the most films first',
        querystring: companiesQuery,
        response: { 200: companiesResponse, 400: errorResponse },
      },
    },
    async (request) => ({ items: await services.forecast.companies(request.query.q, request.query.limit) }),
  );
};

export default predictRoutes;
