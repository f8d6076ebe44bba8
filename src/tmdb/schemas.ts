import { z } from 'zod';

/**
 * Shapes of the TMDB v3 answers Horrorcast reads. Only the fields we use are validated; TMDB adds
 * fields over time (origin_country, homepage, video…), so unknown ones are dropped rather than
 * rejected. Obscure films come with empty values: TMDB sends "" or null for a missing text or
 * image path, 0 for an unknown runtime, budget or revenue. Each of those reads as null here, so
 * that "unknown" has one spelling in the database.
 */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value || null);
const nonNegative = z.number().nonnegative();
/** An amount, runtime or count where TMDB's 0 means "not known". */
const zeroUnknown = z
  .number()
  .nonnegative()
  .nullish()
  .transform((value) => value || null);

export const genreSchema = z.object({ id: z.number().int(), name: z.string() });
export type Genre = z.infer<typeof genreSchema>;

/** What a discover entry and a film's details both carry. */
const filmSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  original_title: z.string(),
  overview: optionalText,
  original_language: z.string(),
  release_date: optionalText,
  popularity: nonNegative,
  vote_count: z.number().int().nonnegative(),
  vote_average: nonNegative,
  poster_path: optionalText,
  backdrop_path: optionalText,
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

export const companySchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  /** ISO 3166-1 code; TMDB sends "" when it does not know. */
  origin_country: optionalText,
});
export type Company = z.infer<typeof companySchema>;

export const countrySchema = z.object({ iso_3166_1: z.string().min(1), name: z.string() });
export type Country = z.infer<typeof countrySchema>;

export const keywordSchema = z.object({ id: z.number().int().positive(), name: z.string() });
export type Keyword = z.infer<typeof keywordSchema>;

export const filmCollectionSchema = z.object({ id: z.number().int().positive(), name: z.string() });
export type FilmCollection = z.infer<typeof filmCollectionSchema>;

/** TMDB's release types; 3 is a theatrical release. */
export const THEATRICAL_RELEASE = 3;

const releaseDatesSchema = z.object({
  results: z.array(
    z.object({
      iso_3166_1: z.string(),
      release_dates: z.array(z.object({ release_date: z.string(), type: z.number().int() })),
    }),
  ),
});
export type ReleaseDates = z.infer<typeof releaseDatesSchema>;

/**
 * `GET /movie/{id}?append_to_response=keywords,release_dates`. The appended parts are absent when
 * not asked for; they read as empty then.
 */
export const movieDetailsSchema = filmSchema.extend({
  imdb_id: optionalText,
  runtime: zeroUnknown,
  genres: z.array(genreSchema),
  tagline: optionalText,
  status: optionalText,
  budget: zeroUnknown,
  revenue: zeroUnknown,
  belongs_to_collection: filmCollectionSchema.nullish().transform((value) => value ?? null),
  production_companies: z.array(companySchema).default([]),
  production_countries: z.array(countrySchema).default([]),
  spoken_languages: z.array(z.object({ iso_639_1: z.string().min(1) })).default([]),
  keywords: z.object({ keywords: z.array(keywordSchema) }).default({ keywords: [] }),
  release_dates: releaseDatesSchema.default({ results: [] }),
});
export type MovieDetails = z.infer<typeof movieDetailsSchema>;

/** Any JSON object: what the transport checks a details answer against before it is read field by field. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * A details answer, or the first field that is wrong with it, named in words a run record can
 * carry: `details: vote_count: expected number, got string`.
 */
export function readMovieDetails(answer: unknown): { details: MovieDetails } | { problem: string } {
  const parsed = movieDetailsSchema.safeParse(answer, { reportInput: true });
  if (parsed.success) return { details: parsed.data };
  return { problem: `details: ${describeIssue(parsed.error.issues[0])}` };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'unreadable';
  const where = issue.path.join('.') || 'answer';
  if (issue.code === 'invalid_type')
    return `${where}: expected ${issue.expected}, got ${kindOf(issue.input)}`;
  return `${where}: ${issue.message}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The earliest US theatrical release (YYYY-MM-DD), or null when TMDB lists none. */
export function usTheatricalRelease(releaseDates: ReleaseDates): string | null {
  const dates = releaseDates.results
    .filter((country) => country.iso_3166_1 === 'US')
    .flatMap((country) => country.release_dates)
    .filter((release) => release.type === THEATRICAL_RELEASE)
    .map((release) => release.release_date.slice(0, 10))
    .filter((date) => /^\d{4}-\d{2}-\d{2}$/.test(date))
    .sort();
  return dates[0] ?? null;
}

export const genreListSchema = z.object({ genres: z.array(genreSchema) });

/** TMDB's error body, e.g. `{"status_code":7,"status_message":"Invalid API key…","success":false}`. */
export const tmdbErrorBodySchema = z.object({
  status_code: z.number().int(),
  status_message: z.string(),
});
