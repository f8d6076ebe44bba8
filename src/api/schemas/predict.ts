import { z } from 'zod';
import { TMDB_MOVIE_GENRES } from '../../tmdb/catalog.js';
import { runRef } from './common.js';

const genreNames = TMDB_MOVIE_GENRES.map((genre) => genre.name);

function boundedInt(min: number, max: number) {
  const expectation = { error: `expected an integer between ${min} and ${max}` };
  return z.number(expectation).int(expectation).min(min, expectation).max(max, expectation);
}

/** The same years whichever way the date is given. */
const FIRST_YEAR = 1874;
const LAST_YEAR = 2100;

export const predictBody = z
  .strictObject({
    runtime: boundedInt(1, 600).describe('running time in minutes (1–600)'),
    vote_count: boundedInt(0, 10_000_000).describe('TMDB votes the film is imagined to have'),
    release_date: z.iso
      .date({ error: 'expected a date as YYYY-MM-DD' })
      .refine(
        (date) => {
          const year = Number(date.slice(0, 4));
          return year >= FIRST_YEAR && year <= LAST_YEAR;
        },
        { error: `expected a date in the years ${FIRST_YEAR} to ${LAST_YEAR}` },
      )
      .optional()
      .describe('YYYY-MM-DD; or give release_year and release_month instead'),
    release_year: boundedInt(FIRST_YEAR, LAST_YEAR)
      .optional()
      .describe('with release_month, instead of release_date'),
    release_month: boundedInt(1, 12).optional().describe('1–12, with release_year'),
    genres: z
      .array(z.enum(genreNames, { error: `expected a TMDB genre name: ${genreNames.join(', ')}` }), {
        error: 'expected an array of TMDB genre names',
      })
      .max(genreNames.length, { error: `expected at most ${genreNames.length} genres` })
      .refine((genres) => new Set(genres).size === genres.length, { error: 'expected each genre once' })
      .default([])
      .describe('TMDB genre names, e.g. "Thriller", "Science Fiction"; "Horror" is added when missing'),
    original_language: z
      .string({ error: 'expected an ISO 639-1 code such as "en"' })
      .regex(/^[a-z]{2}$/, { error: 'expected an ISO 639-1 code such as "en"' })
      .describe('ISO 639-1 code, e.g. "en", "ja"'),
  })
  .superRefine((body, context) => {
    const month = body.release_month !== undefined;
    const year = body.release_year !== undefined;
    if (body.release_date !== undefined && (year || month)) {
      context.addIssue({
        code: 'custom',
        path: ['release_date'],
        message: 'expected either release_date or release_year with release_month, not both',
      });
    } else if (body.release_date === undefined && !year) {
      context.addIssue({
        code: 'custom',
        path: ['release_date'],
        message: 'expected a date as YYYY-MM-DD (or release_year with release_month)',
      });
    } else if (year && !month) {
      context.addIssue({ code: 'custom', path: ['release_month'], message: 'expected a month 1–12' });
    }
  })
  .describe('A film that need not exist: what the newest training run’s models make of it');

export const predictResponse = z
  .object({
    run: runRef,
    film: z
      .object({
        runtime: z.number().int(),
        vote_count: z.number().int(),
        release_date: z.string(),
        genres: z.array(z.string()),
        original_language: z.string(),
      })
      .describe('the film as the models saw it: the date resolved, "Horror" among the genres'),
    random_forest: z.object({ popularity: z.number() }).describe('random-forest regression'),
    linear: z
      .object({ popularity: z.number(), vote_average: z.number() })
      .describe('the two linear regressions of the baseline'),
    high_rating: z
      .object({
        probability: z.number().describe('0–1: chance that the vote average lands above the threshold'),
        threshold: z.number().describe('the median vote average of the run’s films'),
      })
      .describe('random-forest classifier'),
    clustering: z
      .object({ cluster: z.number().int(), pc1: z.number(), pc2: z.number() })
      .describe('the k-means cluster and the place on the PCA plot (GET /api/horror/clustering/pca)'),
  })
  .meta({ id: 'PredictionAnswer' });

export const noModelResponse = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
    hint: z.string().describe('what to run so that there are models to predict with'),
  })
  .describe('No successful training run with stored models yet; the hint says what to run')
  .meta({ id: 'NoModel' });

export type PredictBody = z.infer<typeof predictBody>;
export type PredictResponse = z.infer<typeof predictResponse>;
