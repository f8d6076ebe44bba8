import type { MovieInput } from '../../src/persistence/index.js';
import { generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import type { TrainingFilm } from '../../src/training/pipeline.js';

/** A film with votes, so with a known rating: what training reads. */
export type RatedMovieInput = MovieInput & { vote_average: number };

/** The seeded demo catalogue (what the product shows without a TMDB key), films with ≥ 10 votes. */
export function demoMovies(
  options: { fromYear?: number; toYear?: number; filmsPerYear?: number } = {},
): RatedMovieInput[] {
  return generateDemoCatalog({
    seed: 7,
    fromYear: options.fromYear ?? 2012,
    toYear: options.toYear ?? 2016,
    filmsPerYear: options.filmsPerYear ?? 80,
    now: new Date('2026-01-01T00:00:00Z'),
  })
    .filter((film) => film.vote_count >= 10)
    .map((film) => ({
      tmdb_id: film.id,
      title: film.title,
      original_language: film.original_language,
      release_date: film.release_date || null,
      popularity: film.popularity,
      vote_count: film.vote_count,
      vote_average: film.vote_average,
      runtime: film.runtime,
      genres: film.genres.map((genre) => genre.name),
    }));
}

export function trainingFilms(movies: readonly RatedMovieInput[]): TrainingFilm[] {
  return movies.map((movie) => ({
    tmdbId: movie.tmdb_id,
    popularity: movie.popularity,
    voteAverage: movie.vote_average,
    runtime: movie.runtime ?? null,
    voteCount: movie.vote_count,
    releaseDate: movie.release_date ?? null,
    genres: movie.genres ?? [],
    originalLanguage: movie.original_language ?? null,
  }));
}
