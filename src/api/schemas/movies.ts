import { z } from 'zod';
import { boundedInteger, timestamp, tmdbIdParam, voteAverage } from './common.js';
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

export const movie = z
  .object({
    tmdb_id: z.number().int(),
    imdb_id: z.string().nullable(),
    title: z.string(),
    original_title: z.string().nullable(),
    overview: z.string().nullable(),
    original_language: z.string().nullable(),
    release_date: z.string().nullable(),
    popularity: z.number(),
    vote_count: z.number().int(),
    vote_average: voteAverage,
    runtime: z.number().int().nullable(),
    genres: z.array(z.string()),
    poster_path: z.string().nullable(),
    backdrop_path: z.string().nullable(),
    inserted_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Film' });

export const snapshot = z
  .object({
    snapshot_ts: timestamp,
    popularity: z.number(),
    vote_count: z.number().int(),
    vote_average: voteAverage,
  })
  .meta({ id: 'Snapshot' });

export const filmFacts = z
  .object({
    budget: z.number().nullable().describe('US dollars; null when TMDB does not know'),
    revenue: z.number().nullable().describe('US dollars; null when TMDB does not know'),
    status: z
      .string()
      .nullable()
      .describe('Rumored, Planned, In Production, Post Production, Released or Canceled'),
    tagline: z.string().nullable(),
    us_release_date: z.string().nullable().describe('YYYY-MM-DD of the earliest US theatrical release'),
    spoken_languages: z.array(z.string()).describe('ISO 639-1 codes'),
    companies: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        origin_country: z.string().nullable(),
      }),
    ),
    countries: z.array(z.object({ iso_3166_1: z.string(), name: z.string() })),
    collection: z
      .object({ id: z.number().int(), name: z.string() })
      .nullable()
      .describe('the franchise the film belongs to'),
    keywords: z.array(z.object({ id: z.number().int(), name: z.string() })),
  })
  .meta({ id: 'FilmFacts' });

export const movieResponse = z
  .object({
    movie,
    facts: filmFacts.describe(
      'what TMDB knows of the film beyond its listing; empty until its details are collected',
    ),
    snapshots: z.array(snapshot).describe('popularity and votes at each collection, oldest first'),
    prediction: linearPrediction.nullable().describe('the newest linear prediction for this film'),
    predictions: z.array(filmPrediction).describe("each model's out-of-fold prediction in the newest run"),
    similar: z.array(similarFilm).describe('the ten nearest films in the newest run, nearest first'),
  })
  .meta({ id: 'FilmWithHistory' });

export type MovieResponse = z.infer<typeof movieResponse>;
