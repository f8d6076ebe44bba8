import { z } from 'zod';
import { integerBetween } from '../../config/integer.js';
import { TMDB_MOVIE_GENRES } from '../../tmdb/catalog.js';
import { runRef } from './common.js';

const genreNames = TMDB_MOVIE_GENRES.map((genre) => genre.name);

/** The same years whichever way the date is given. */
const FIRST_YEAR = 1874;
const LAST_YEAR = 2100;

export const predictBody = z
  .strictObject({
    runtime: integerBetween(1, 600).describe('running time in minutes (1–600)'),
    vote_count: integerBetween(0, 10_000_000)
      .optional()
      .describe(
        'TMDB votes the film is imagined to have; only the baseline models read it (without it they get the training median)',
      ),
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
    release_year: integerBetween(FIRST_YEAR, LAST_YEAR)
      .optional()
      .describe('with release_month, instead of release_date'),
    release_month: integerBetween(1, 12).optional().describe('1–12, with release_year'),
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
    budget: integerBetween(1, 10_000_000_000)
      .optional()
      .describe('production budget in US dollars, when known'),
    companies: z
      .array(
        z.union([
          integerBetween(1, 2_147_483_647),
          z.string().trim().min(1, { error: 'expected a company name' }).max(200),
        ]),
        { error: 'expected an array of production company ids or names' },
      )
      .max(20, { error: 'expected at most 20 companies' })
      .default([])
      .describe('production companies, by TMDB id or name (GET /api/predict/companies?q= suggests them)'),
    sequel: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .describe('part of a collection: a sequel, prequel or remake'),
    keywords: z
      .array(z.string().trim().min(1, { error: 'expected a keyword' }).max(100), {
        error: 'expected an array of keywords',
      })
      .max(20, { error: 'expected at most 20 keywords' })
      .default([])
      .describe('TMDB keywords, e.g. "haunted house"'),
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
  .describe('A film before its release: what the newest training run’s models make of it');

const forecast = z.object({
  value: z.number(),
  lower: z.number().describe('the 80% interval: 8 in 10 films like this land between lower and upper'),
  upper: z.number(),
});

const contribution = z.object({
  feature: z.string(),
  label: z.string().describe('the feature with this film’s value, in words, e.g. "October release"'),
  value: z.number().describe('how far it pushes the prediction, on the target’s scale'),
});

export const predictResponse = z
  .object({
    run: runRef,
    film: z
      .object({
        runtime: z.number().int(),
        release_date: z.string(),
        genres: z.array(z.string()),
        original_language: z.string(),
        budget: z.number().nullable(),
        companies: z.array(z.object({ id: z.number().int(), name: z.string() })),
        keywords: z.array(z.string()),
        sequel: z.boolean(),
        vote_count: z.number().describe('the votes the baseline models were given'),
      })
      .describe(
        'the film as the models saw it: the date resolved, "Horror" among the genres, unknown companies and keywords left out',
      ),
    popularity: forecast.describe('pre-release popularity model (gradient-boosted trees), clamped at 0'),
    rating: forecast.describe('pre-release rating model (gradient-boosted trees), within 0–10'),
    high_rating_probability: z
      .number()
      .describe('0–1, the baseline classifier: chance of a vote average above the median'),
    cluster: z.number().int().describe('the baseline k-means cluster'),
    contributions: z
      .object({ popularity: z.array(contribution), rating: z.array(contribution) })
      .describe('the five features that push each prediction most, strongest first'),
    similar: z
      .array(
        z.object({
          tmdb_id: z.number().int(),
          title: z.string(),
          year: z.number().int().nullable(),
          poster_path: z.string().nullable(),
          distance: z.number(),
        }),
      )
      .describe('the five stored films nearest to this one in the pre-release features'),
    notes: z.array(z.string()).describe('what was left out or extrapolated, in words'),
    baseline_models: z
      .object({
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
      .describe('the models that read vote_count (linear, random forests, k-means)'),
  })
  .meta({ id: 'PredictionAnswer' });

export const companiesQuery = z.strictObject({
  q: z.string().trim().max(100).default('').describe('the start of a company name, any case'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const companiesResponse = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      origin_country: z.string().nullable(),
      film_count: z.number().int(),
    }),
  ),
});

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
