import { z } from 'zod';

/**
 * Shapes of the TMDB v3 answers Horrorcast reads. Only the fields we use are validated; TMDB adds
 * fields over time, so unknown ones are dropped rather than rejected. Nullable and empty values are
 * common on obscure films (no poster, no release date, runtime unknown), so the schemas accept them.
 */
const nullableString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);
const nonNegative = z.number().nonnegative();

export const genreSchema = z.object({ id: z.number().int(), name: z.string() });
export type Genre = z.infer<typeof genreSchema>;

/** What a discover entry and a film's details both carry. */
const filmSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  original_title: z.string(),
  overview: nullableString,
  original_language: z.string(),
  release_date: nullableString,
  popularity: nonNegative,
  vote_count: z.number().int().nonnegative(),
  vote_average: nonNegative,
  poster_path: nullableString,
  backdrop_path: nullableString,
});

export const discoverMovieSchema = filmSchema.extend({
  genre_ids: z.array(z.number().int()).default([]),
  adult: z.boolean().default(false),
});
export type DiscoverMovie = z.infer<typeof discoverMovieSchema>;

/**
 * A discover page. Its films are checked one by one: a single odd entry is set aside in `invalid`
 * (to be recorded) instead of making the whole page, and the 19 good films on it, unreadable.
 */
export const discoverPageSchema = z
  .object({
    page: z.number().int().positive(),
    results: z.array(z.unknown()),
    total_pages: z.number().int().nonnegative(),
    total_results: z.number().int().nonnegative(),
  })
  .transform(({ results, ...page }) => {
    const valid: DiscoverMovie[] = [];
    const invalid: Array<{ id?: number; reason: string }> = [];
    for (const entry of results) {
      const parsed = discoverMovieSchema.safeParse(entry);
      if (parsed.success) {
        valid.push(parsed.data);
        continue;
      }
      const id = (entry as { id?: unknown } | null)?.id;
      const issue = parsed.error.issues[0];
      invalid.push({
        ...(typeof id === 'number' ? { id } : {}),
        reason: `unreadable discover entry: ${issue.path.join('.') || 'entry'} ${issue.message}`,
      });
    }
    return { ...page, results: valid, invalid };
  });
export type DiscoverPage = z.infer<typeof discoverPageSchema>;

export const movieDetailsSchema = filmSchema.extend({
  imdb_id: nullableString,
  runtime: z
    .number()
    .int()
    .nonnegative()
    .nullish()
    .transform((value) => value ?? null),
  genres: z.array(genreSchema),
});
export type MovieDetails = z.infer<typeof movieDetailsSchema>;

export const genreListSchema = z.object({ genres: z.array(genreSchema) });

/** TMDB's error body, e.g. `{"status_code":7,"status_message":"Invalid API key…","success":false}`. */
export const tmdbErrorBodySchema = z.object({
  status_code: z.number().int(),
  status_message: z.string(),
});
