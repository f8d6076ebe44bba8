import { type FilmsStore, parseGenres, parseStringList } from '../../persistence/index.js';
import type { MovieResponse } from '../schemas/movies.js';
import type { SummaryFilm } from '../schemas/summary.js';

export type MoviesService = ReturnType<typeof createMoviesService>;

/** Films as the API lists and shows them. */
export function createMoviesService(films: FilmsStore) {
  return {
    async top(limit: number): Promise<SummaryFilm[]> {
      const rows = await films.top(limit);
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
    ): Promise<Omit<MovieResponse, 'prediction' | 'predictions' | 'similar'> | undefined> {
      const row = await films.find(tmdbId);
      if (!row) return undefined;
      const {
        details_fetched_at: _fetched,
        details_version: _version,
        collection_id: _collection,
        budget,
        revenue,
        status,
        tagline,
        us_release_date,
        spoken_languages,
        genres,
        ...movie
      } = row;
      const [snapshots, links] = await Promise.all([
        films.recentSnapshots(tmdbId, snapshotLimit),
        films.factsOf(tmdbId),
      ]);
      return {
        movie: { ...movie, genres: parseGenres(genres) },
        facts: {
          budget,
          revenue,
          status,
          tagline,
          us_release_date,
          spoken_languages: parseStringList(spoken_languages),
          ...links,
        },
        snapshots: snapshots.map((s) => ({
          snapshot_ts: s.snapshot_ts,
          popularity: s.popularity,
          vote_count: s.vote_count,
          vote_average: s.vote_average,
        })),
      };
    },

    async counts(): Promise<{ films: number; snapshots: number }> {
      const [filmCount, snapshots] = await Promise.all([films.count(), films.countSnapshots()]);
      return { films: filmCount, snapshots };
    },
  };
}
