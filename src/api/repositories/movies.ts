import type { Kysely } from 'kysely';
import { recentSnapshots } from '../../persistence/analysis.js';
import {
  countMovies,
  countSnapshots,
  findMovie,
  parseGenres,
  topMoviesByPopularity,
} from '../../persistence/movies.js';
import type { Database } from '../../persistence/schema.js';
import type { MovieResponse } from '../schemas/movies.js';
import type { SummaryFilm } from '../schemas/summary.js';

export type MoviesRepository = ReturnType<typeof createMoviesRepository>;

export function createMoviesRepository(db: Kysely<Database>) {
  return {
    async top(limit: number): Promise<SummaryFilm[]> {
      const rows = await topMoviesByPopularity(db, limit);
      return rows.map((m) => ({
        tmdb_id: m.tmdb_id,
        title: m.title,
        release_date: m.release_date,
        popularity: m.popularity,
        vote_count: m.vote_count,
        vote_average: m.vote_average,
        poster_path: m.poster_path,
      }));
    },

    /** The film and its newest snapshots, or undefined when the id is unknown. */
    async find(
      tmdbId: number,
      snapshotLimit: number,
    ): Promise<Omit<MovieResponse, 'prediction'> | undefined> {
      const row = await findMovie(db, tmdbId);
      if (!row) return undefined;
      const { details_fetched_at: _fetched, genres, ...movie } = row;
      const snapshots = await recentSnapshots(db, tmdbId, snapshotLimit);
      return {
        movie: { ...movie, genres: parseGenres(genres) },
        snapshots: snapshots.map((s) => ({
          snapshot_ts: s.snapshot_ts,
          popularity: s.popularity,
          vote_count: s.vote_count,
          vote_average: s.vote_average,
        })),
      };
    },

    async counts(): Promise<{ films: number; snapshots: number }> {
      const [films, snapshots] = await Promise.all([countMovies(db), countSnapshots(db)]);
      return { films, snapshots };
    },
  };
}
