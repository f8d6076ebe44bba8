import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Genre } from './schemas.js';

/** TMDB's movie genres (GET /genre/movie/list, English). */
export const TMDB_MOVIE_GENRES: readonly Genre[] = [
  { id: 28, name: 'Action' },
  { id: 12, name: 'Adventure' },
  { id: 16, name: 'Animation' },
  { id: 35, name: 'Comedy' },
  { id: 80, name: 'Crime' },
  { id: 99, name: 'Documentary' },
  { id: 18, name: 'Drama' },
  { id: 10751, name: 'Family' },
  { id: 14, name: 'Fantasy' },
  { id: 36, name: 'History' },
  { id: 27, name: 'Horror' },
  { id: 10402, name: 'Music' },
  { id: 9648, name: 'Mystery' },
  { id: 10749, name: 'Romance' },
  { id: 878, name: 'Science Fiction' },
  { id: 10770, name: 'TV Movie' },
  { id: 53, name: 'Thriller' },
  { id: 10752, name: 'War' },
  { id: 37, name: 'Western' },
];

export const HORROR_GENRE_ID = 27;

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');
const path = z
  .string()
  .nullish()
  .transform((value) => value || null);

/**
 * One film as the mock serves it: the fields of TMDB's `GET /movie/{id}`. Also the line format of
 * a JSONL catalogue (see /work/shared/data in development); missing optional fields get TMDB's
 * own defaults for an obscure film.
 */
export const catalogFilmSchema = z.object({
  id: z.number().int().positive(),
  imdb_id: path,
  title: z.string(),
  original_title: z.string().nullish(),
  overview: text,
  tagline: text,
  original_language: z.string().default('en'),
  release_date: text,
  popularity: z.number().nonnegative().default(0),
  vote_count: z.number().int().nonnegative().default(0),
  vote_average: z.number().nonnegative().default(0),
  runtime: z
    .number()
    .int()
    .nonnegative()
    .nullish()
    .transform((value) => value ?? null),
  genres: z.array(z.object({ id: z.number().int(), name: z.string() })).default([]),
  poster_path: path,
  backdrop_path: path,
  budget: z.number().nonnegative().default(0),
  revenue: z.number().nonnegative().default(0),
  adult: z.boolean().default(false),
  status: z.string().default('Released'),
  // The facts below are absent from older catalogues; the mock then answers as TMDB does for a
  // film nobody filled in (empty lists, no collection).
  belongs_to_collection: z.object({ id: z.number().int().positive(), name: z.string() }).nullish(),
  production_companies: z
    .array(z.object({ id: z.number().int().positive(), name: z.string(), origin_country: path }))
    .optional(),
  production_countries: z.array(z.object({ iso_3166_1: z.string(), name: z.string() })).optional(),
  spoken_languages: z
    .array(
      z.object({ iso_639_1: z.string(), english_name: z.string().optional(), name: z.string().optional() }),
    )
    .optional(),
  /** The film's keywords; served as `keywords.keywords` when asked for. */
  keywords: z.array(z.object({ id: z.number().int().positive(), name: z.string() })).optional(),
  /** Release dates per country as TMDB lists them; served as `release_dates.results` when asked for. */
  release_dates: z
    .array(
      z.object({
        iso_3166_1: z.string(),
        release_dates: z.array(
          z.object({
            release_date: z.string(),
            type: z.number().int(),
            certification: z.string().default(''),
            note: z.string().default(''),
          }),
        ),
      }),
    )
    .optional(),
});

export type CatalogFilm = Omit<z.infer<typeof catalogFilmSchema>, 'original_title'> & {
  original_title: string;
};

export class CatalogFormatError extends Error {
  override name = 'CatalogFormatError';
}

export function parseCatalogJsonl(content: string, source = 'catalogue'): CatalogFilm[] {
  const films: CatalogFilm[] = [];
  const seen = new Set<number>();
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index].trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new CatalogFormatError(`${source} line ${index + 1}: not valid JSON`);
    }
    const parsed = catalogFilmSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CatalogFormatError(
        `${source} line ${index + 1}: ${issue.path.join('.') || 'film'} ${issue.message}`,
      );
    }
    if (seen.has(parsed.data.id)) continue;
    seen.add(parsed.data.id);
    films.push({ ...parsed.data, original_title: parsed.data.original_title ?? parsed.data.title });
  }
  return films;
}

export async function loadCatalogFile(file: string): Promise<CatalogFilm[]> {
  return parseCatalogJsonl(await readFile(file, 'utf8'), file);
}

/** What `GET /discover/movie` would list for one year with Horrorcast's filters: horror (genre 27), at least the minimum votes, by popularity. */
export function discoverableFilms(
  catalog: readonly CatalogFilm[],
  options: { fromYear: number; toYear: number; minVotes: number; maxPagesPerYear?: number },
): CatalogFilm[] {
  const perYear = new Map<number, CatalogFilm[]>();
  for (const film of catalog) {
    const year = Number(film.release_date.slice(0, 4));
    if (!(year >= options.fromYear && year <= options.toYear)) continue;
    if (film.vote_count < options.minVotes) continue;
    if (!film.genres.some((genre) => genre.id === HORROR_GENRE_ID)) continue;
    const list = perYear.get(year) ?? [];
    list.push(film);
    perYear.set(year, list);
  }
  const limit =
    options.maxPagesPerYear === undefined ? Number.POSITIVE_INFINITY : options.maxPagesPerYear * 20;
  return [...perYear.values()].flatMap((films) => films.sort(byPopularity).slice(0, limit));
}

/** popularity.desc, ties by id so that pages never overlap. */
export function byPopularity(a: CatalogFilm, b: CatalogFilm): number {
  return b.popularity - a.popularity || a.id - b.id;
}
