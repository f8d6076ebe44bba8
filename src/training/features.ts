import { createMatrix, type Matrix } from '../ml/matrix.js';

/** What the feature builders need to know about a film. */
export interface FilmAttributes {
  readonly runtime: number | null | undefined;
  readonly voteCount: number | null | undefined;
  /** ISO date, YYYY-MM-DD; a missing date counts as January 2000. */
  readonly releaseDate: string | null | undefined;
  /** TMDB genre names, e.g. "Thriller", "Science Fiction". */
  readonly genres: readonly string[];
  readonly originalLanguage: string | null | undefined;
}

/** The linear baseline's features, in this order. */
export const LINEAR_FEATURES = [
  'runtime',
  'vote_count',
  'release_year',
  'release_month',
  'is_summer',
  'is_holiday',
  'genre_thriller',
  'genre_drama',
  'genre_scifi',
  'genre_count',
  'is_english',
] as const;

/** The horror analysis features (forests and clustering), in this order. */
export const HORROR_FEATURES = [
  'runtime',
  'vote_count',
  'release_year',
  'release_month',
  'release_decade',
  'is_october',
  'is_summer',
  'is_holiday',
  'genre_count',
  'genre_thriller',
  'genre_mystery',
  'genre_scifi',
  'genre_fantasy',
  'is_english',
] as const;

export type LinearFeature = (typeof LINEAR_FEATURES)[number];
export type HorrorFeature = (typeof HORROR_FEATURES)[number];

function releaseYearMonth(date: string | null | undefined): { year: number; month: number } {
  const match = date ? /^(\d{4})-(\d{2})/.exec(date) : null;
  if (!match) return { year: 2000, month: 1 };
  return { year: Number(match[1]), month: Number(match[2]) };
}

const flag = (condition: boolean): number => (condition ? 1 : 0);

/**
 * The linear baseline's row. Its holiday season is October to December (Halloween and
 * Christmas); a missing runtime stays 0 here.
 */
export function linearFeatureRow(film: FilmAttributes): number[] {
  const { year, month } = releaseYearMonth(film.releaseDate);
  const genres = film.genres;
  return [
    film.runtime ?? 0,
    film.voteCount ?? 0,
    year,
    month,
    flag(month >= 6 && month <= 8),
    flag(month >= 10),
    flag(genres.includes('Thriller')),
    flag(genres.includes('Drama')),
    flag(genres.includes('Science Fiction')),
    genres.length,
    flag(film.originalLanguage === 'en'),
  ];
}

/**
 * The horror analysis row. Its holiday season is November and December only (October has its own
 * flag); a missing or zero runtime becomes 90 minutes.
 */
export function horrorFeatureRow(film: FilmAttributes): number[] {
  const { year, month } = releaseYearMonth(film.releaseDate);
  const genres = film.genres;
  const runtime = film.runtime && film.runtime > 0 ? film.runtime : 90;
  return [
    runtime,
    film.voteCount ?? 0,
    year,
    month,
    Math.floor(year / 10) * 10,
    flag(month === 10),
    flag(month >= 6 && month <= 8),
    flag(month === 11 || month === 12),
    genres.length,
    flag(genres.includes('Thriller')),
    flag(genres.includes('Mystery')),
    flag(genres.includes('Science Fiction')),
    flag(genres.includes('Fantasy')),
    flag(film.originalLanguage === 'en'),
  ];
}

/** Column-major feature matrix, one row per film. */
export function featureMatrix(
  films: readonly FilmAttributes[],
  row: (film: FilmAttributes) => number[],
): Matrix {
  const n = films.length;
  const first = n > 0 ? row(films[0]) : [];
  const p = first.length;
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const values = i === 0 ? first : row(films[i]);
    for (let j = 0; j < p; j++) data[j * n + i] = values[j];
  }
  return createMatrix(n, p, data);
}
