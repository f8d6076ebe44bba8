import { z } from 'zod';
import { boundedInteger, timestamp, tmdbIdParam } from './common.js';
import { filmPrediction, similarFilm } from './insights.js';
import { linearPrediction } from './predictions.js';

export const movieParams = z.strictObject({ id: tmdbIdParam.describe('TMDB film id') });

export const movieQuery = z.strictObject({
  snapshots: boundedInteger({
    min: 1,
    max: 1000,
    default: 365,
    description: 'how many of the newest snapshots',
  }),
});

export const movie = z.object({
  tmdb_id: z.number().int(),
  imdb_id: z.string().nullable(),
  title: z.string(),
  original_title: z.string().nullable(),
  overview: z.string().nullable(),
  original_language: z.string().nullable(),
  release_date: z.string().nullable(),
  popularity: z.number(),
  vote_count: z.number().int(),
  vote_average: z.number(),
  runtime: z.number().int().nullable(),
  genres: z.array(z.string()),
  poster_path: z.string().nullable(),
  backdrop_path: z.string().nullable(),
  inserted_at: timestamp,
  updated_at: timestamp,
});

export const snapshot = z.object({
  snapshot_ts: timestamp,
  popularity: z.number(),
  vote_count: z.number().int(),
  vote_average: z.number(),
});

export const movieResponse = z.object({
  movie,
  snapshots: z.array(snapshot).describe('popularity and votes at each collection, oldest first'),
  prediction: linearPrediction.nullable().describe('the newest linear prediction for this film'),
  predictions: z.array(filmPrediction).describe("each model's out-of-fold prediction in the newest run"),
  similar: z.array(similarFilm).describe('the ten nearest films in the newest run, nearest first'),
});

export type MovieResponse = z.infer<typeof movieResponse>;
