import { z } from 'zod';
import { hint, voteAverage } from './common.js';

export const summaryFilm = z
  .object({
    tmdb_id: z.number().int(),
    title: z.string().describe('plain text, never HTML'),
    release_date: z.string().nullable(),
    popularity: z.number(),
    vote_count: z.number().int(),
    vote_average: voteAverage,
    poster_path: z.string().nullable(),
  })
  .meta({ id: 'SummaryFilm' });

export const summaryResponse = z
  .object({
    items: z.array(summaryFilm).describe('the 10 films with the highest latest popularity'),
    hint,
  })
  .meta({ id: 'Summary' });

export type SummaryFilm = z.infer<typeof summaryFilm>;
