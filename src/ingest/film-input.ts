import type { FilmFactsInput, MovieInput, SnapshotInput } from '../persistence/index.js';
import { type DiscoverMovie, type MovieDetails, usTheatricalRelease } from '../tmdb/schemas.js';
import { DETAILS_VERSION } from './plan.js';

/** A film as its discover entry lists it, with what its details add when they were fetched. */
export function movieInput(
  film: DiscoverMovie,
  details: MovieDetails | undefined,
  fetchedAt: string,
): MovieInput {
  const listed: MovieInput = {
    tmdb_id: film.id,
    title: film.title,
    original_title: film.original_title,
    overview: film.overview,
    original_language: film.original_language,
    release_date: film.release_date,
    popularity: film.popularity,
    vote_count: film.vote_count,
    vote_average: film.vote_average,
    poster_path: film.poster_path,
    backdrop_path: film.backdrop_path,
  };
  if (!details) return listed;
  return {
    ...listed,
    imdb_id: details.imdb_id,
    runtime: details.runtime,
    genres: details.genres.map((genre) => genre.name),
    details_fetched_at: fetchedAt,
    ...filmFacts(details),
  };
}

/** The facts of a details answer, in the shape the films store keeps them. */
export function filmFacts(details: MovieDetails): FilmFactsInput {
  return {
    budget: details.budget,
    revenue: details.revenue,
    status: details.status,
    tagline: details.tagline,
    us_release_date: usTheatricalRelease(details.release_dates),
    spoken_languages: details.spoken_languages.map((language) => language.iso_639_1),
    collection: details.belongs_to_collection,
    companies: details.production_companies,
    countries: details.production_countries,
    keywords: details.keywords.keywords,
    details_version: DETAILS_VERSION,
  };
}

/** A film's popularity and votes as its discover entry shows them at `at`. */
export function snapshotOf(film: DiscoverMovie, at: string): Omit<SnapshotInput, 'ingest_run_id'> {
  return {
    tmdb_id: film.id,
    snapshot_ts: at,
    popularity: film.popularity,
    vote_count: film.vote_count,
    vote_average: film.vote_average,
  };
}
