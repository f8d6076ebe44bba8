import { z } from 'zod';
import { boundedInteger, hint, offsetParam, timestamp, voteAverage } from './common.js';

/**
 * The explorer's lists: the film search and the insights computed from snapshots, out-of-fold
 * predictions and the training history. Every list also answers as CSV (see csv.ts).
 */

export const formatParam = z
  .enum(['json', 'csv'], { error: 'expected json or csv' })
  .optional()
  .describe('csv downloads the list as a CSV file (so does `Accept: text/csv`)');

function optionalInteger(min: number, max: number, description: string) {
  const expectation = { error: `expected an integer between ${min} and ${max}` };
  return z.coerce
    .number(expectation)
    .int(expectation)
    .min(min, expectation)
    .max(max, expectation)
    .optional()
    .describe(`${description} (${min}–${max})`);
}

function optionalText(max: number, description: string) {
  return z
    .string()
    .trim()
    .min(1, { error: 'expected a non-empty text' })
    .max(max, { error: `expected at most ${max} characters` })
    .optional()
    .describe(description);
}

/** An id when the value is all digits, otherwise part of a name. */
const idOrName = (description: string) =>
  optionalText(200, description).transform((v) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : v));

const yearFilters = {
  year_from: optionalInteger(1870, 2100, 'released in or after this year'),
  year_to: optionalInteger(1870, 2100, 'released in or before this year'),
};

const minVotes = optionalInteger(0, 100_000_000, 'at least this many votes');

const genre = optionalText(64, 'a genre name, e.g. Thriller (any case)');

/** year_to before year_from is an error that names year_to. */
function yearsInOrder(value: { year_from?: number; year_to?: number }, ctx: z.RefinementCtx) {
  if (value.year_from !== undefined && value.year_to !== undefined && value.year_to < value.year_from) {
    ctx.addIssue({ code: 'custom', path: ['year_to'], message: 'expected a year not before year_from' });
  }
}

export const movieListQuery = z
  .strictObject({
    q: optionalText(200, 'part of the title or original title (any case)'),
    ...yearFilters,
    genre,
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, { error: 'expected an ISO 639-1 language code such as en' })
      .optional()
      .describe('original language, ISO 639-1 (e.g. en, ja)'),
    company: idOrName('a production company id, or part of its name'),
    keyword: idOrName('a TMDB keyword id, or part of its name'),
    min_votes: minVotes,
    sort: z
      .enum(['popularity', 'rating', 'votes', 'release_date', 'residual', 'title'], {
        error: 'expected one of popularity, rating, votes, release_date, residual, title',
      })
      .default('popularity')
      .describe(
        'order of the list (default popularity); residual is the popularity residual; films without the sorted value (no votes yet, no release date, no residual) come last in either order',
      ),
    order: z
      .enum(['asc', 'desc'], { error: 'expected asc or desc' })
      .optional()
      .describe('asc or desc (default: asc for title, desc otherwise)'),
    limit: boundedInteger({ min: 1, max: 100, default: 20, description: 'films per page' }),
    offset: offsetParam,
    format: formatParam,
  })
  .superRefine(yearsInOrder);

export type MovieListQuery = z.infer<typeof movieListQuery>;

export const movieListItem = z.object({
  tmdb_id: z.number().int(),
  title: z.string(),
  original_title: z.string().nullable(),
  release_date: z.string().nullable(),
  year: z.number().int().nullable(),
  poster_path: z.string().nullable(),
  genres: z.array(z.string()),
  original_language: z.string().nullable(),
  popularity: z.number(),
  vote_count: z.number().int(),
  vote_average: voteAverage,
  predicted_popularity: z
    .number()
    .nullable()
    .describe('out-of-fold popularity prediction of the newest run; null when none'),
  predicted_rating: z.number().nullable().describe('out-of-fold rating prediction of the newest run'),
  residual_popularity: z
    .number()
    .nullable()
    .describe('actual minus predicted popularity on the log1p scale (0.69 ≈ twice as popular)'),
  residual_rating: z.number().nullable().describe('actual minus predicted rating, in points'),
});

export type MovieListItem = z.infer<typeof movieListItem>;

export const movieListResponse = z.object({
  total: z.number().int().describe('films matching the filters'),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(movieListItem),
  hint: hint.optional(),
});

export const rankedQuery = z
  .strictObject({
    target: z
      .enum(['popularity', 'rating'], { error: 'expected popularity or rating' })
      .default('popularity'),
    direction: z
      .enum(['under', 'over'], { error: 'expected under or over' })
      .default('under')
      .describe('under: doing worse than films like it (worth a look); over: doing better'),
    ...yearFilters,
    genre,
    min_votes: minVotes,
    limit: boundedInteger({ min: 1, max: 100, default: 20, description: 'films per page' }),
    offset: offsetParam,
    format: formatParam,
  })
  .superRefine(yearsInOrder);

export type RankedQuery = z.infer<typeof rankedQuery>;

export const rankedItem = z.object({
  tmdb_id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
  actual: z.number(),
  predicted: z.number(),
  lower: z.number().nullable().describe('80% prediction interval'),
  upper: z.number().nullable(),
  residual: z.number().describe('actual minus predicted on the model scale (log1p for popularity)'),
  ratio: z.number().nullable().describe('how many times the prediction the film reached'),
  in_words: z.string(),
});

export type RankedItem = z.infer<typeof rankedItem>;

export const rankedResponse = z.object({
  run_id: z.number().int().nullable(),
  target: z.enum(['popularity', 'rating']),
  direction: z.enum(['under', 'over']),
  total: z.number().int(),
  items: z.array(rankedItem),
  hint: hint.optional(),
});

export const moversQuery = z.strictObject({
  window: z
    .enum(['7', '30'], { error: 'expected 7 or 30' })
    .default('7')
    .transform(Number)
    .describe('days of snapshots, counted back from the newest'),
  direction: z.enum(['risers', 'fallers'], { error: 'expected risers or fallers' }).default('risers'),
  measure: z.enum(['relative', 'absolute'], { error: 'expected relative or absolute' }).default('relative'),
  limit: boundedInteger({ min: 1, max: 100, default: 10, description: 'films' }),
  format: formatParam,
});

export type MoversQuery = z.infer<typeof moversQuery>;

export const moverItem = z.object({
  tmdb_id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
  from: z.number().describe('popularity at the first snapshot in the window'),
  to: z.number().describe('popularity at the newest snapshot'),
  change: z.number(),
  relative_change: z.number().describe('change divided by the first value'),
});

export type MoverItem = z.infer<typeof moverItem>;

export const moversResponse = z.object({
  window_days: z.number().int(),
  since: timestamp.nullable().describe('start of the window; null without snapshots'),
  items: z.array(moverItem),
  hint: hint.optional(),
});

const quartiles = z.object({
  median: z.number().nullable(),
  q1: z.number().nullable(),
  q3: z.number().nullable(),
});

export const monthItem = z.object({
  month: z.number().int().min(1).max(12),
  name: z.string(),
  film_count: z.number().int(),
  popularity: quartiles,
  rating: quartiles.describe('over films with at least one vote'),
});

export type MonthItem = z.infer<typeof monthItem>;

const monthGroup = z.object({
  film_count: z.number().int(),
  median_popularity: z.number().nullable(),
  median_rating: z.number().nullable(),
});

export const monthsQuery = z.strictObject({ format: formatParam });

export const monthsResponse = z.object({
  months: z.array(monthItem),
  october_vs_rest: z.object({
    october: monthGroup,
    rest: monthGroup,
    popularity_ratio: z.number().nullable().describe("October's median popularity over the rest's"),
    rating_difference: z.number().nullable().describe("October's median rating minus the rest's"),
  }),
  sentence: z.string(),
  hint: hint.optional(),
});

export type MonthsResponse = z.infer<typeof monthsResponse>;

export const modelAlert = z.object({
  metric: z.string(),
  mean: z.number(),
  previous_mean: z.number().describe('mean of the same metric over the earlier runs'),
  previous_std: z.number(),
  worse: z.boolean().describe('true when the score moved in the bad direction'),
});

export type ModelAlert = z.infer<typeof modelAlert>;

export const historyRun = z.object({
  run_id: z.number().int(),
  finished_at: timestamp.nullable(),
  sample_count: z.number().int(),
  metrics: z.record(z.string(), z.object({ mean: z.number(), std: z.number() })),
  flagged: z.array(modelAlert),
});

export type HistoryRun = z.infer<typeof historyRun>;

export const modelHistoryResponse = z.object({ runs: z.array(historyRun) });

export const filmPrediction = z.object({
  model: z.string().describe('popularity_v2, rating_v2, pre_release_popularity, pre_release_rating, …'),
  target: z.enum(['popularity', 'rating']),
  predicted: z.number().describe('out-of-fold: the model never saw this film'),
  lower: z.number().nullable().describe('80% prediction interval'),
  upper: z.number().nullable(),
  actual: z.number(),
  residual: z.number().describe('actual minus predicted on the model scale (log1p for popularity)'),
  ratio: z.number().nullable(),
  in_words: z.string(),
});

export const similarFilm = z.object({
  tmdb_id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
  poster_path: z.string().nullable(),
  distance: z.number().describe('in the standardised analysis features'),
  shared_genres: z.number().int(),
  shared_keywords: z.number().int(),
  reason: z.string(),
});
