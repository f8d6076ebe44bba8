import { sql } from 'kysely';
import type { Movie, MovieSnapshot, Timestamp } from '../schema.js';
import { chunk, countRows, type StoreContext } from './context.js';

/** A film as the collection knows it; detail fields left undefined keep what the database holds. */
export interface MovieInput {
  tmdb_id: number;
  title: string;
  original_title?: string | null;
  overview?: string | null;
  original_language?: string | null;
  release_date?: string | null;
  popularity: number;
  vote_count: number;
  vote_average: number;
  poster_path?: string | null;
  backdrop_path?: string | null;
  imdb_id?: string | null;
  runtime?: number | null;
  genres?: string[] | null;
  details_fetched_at?: Timestamp | null;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
}

export interface SnapshotInput {
  tmdb_id: number;
  ingest_run_id: number | null;
  snapshot_ts: Timestamp;
  popularity: number;
  vote_count: number;
  vote_average: number;
}

/** Columns that only `/movie/{id}` knows: a discover-only update must not blank them. */
const detailColumns = ['imdb_id', 'runtime', 'genres', 'details_fetched_at'] as const;
const listColumns = [
  'title',
  'original_title',
  'overview',
  'original_language',
  'release_date',
  'popularity',
  'vote_count',
  'vote_average',
  'poster_path',
  'backdrop_path',
] as const;

function toRow(movie: MovieInput, now: Timestamp) {
  return {
    tmdb_id: movie.tmdb_id,
    title: movie.title,
    original_title: movie.original_title ?? null,
    overview: movie.overview ?? null,
    original_language: movie.original_language ?? null,
    release_date: movie.release_date || null,
    popularity: movie.popularity,
    vote_count: movie.vote_count,
    vote_average: movie.vote_average,
    poster_path: movie.poster_path ?? null,
    backdrop_path: movie.backdrop_path ?? null,
    imdb_id: movie.imdb_id ?? null,
    runtime: movie.runtime ?? null,
    genres: movie.genres ? JSON.stringify(movie.genres) : null,
    details_fetched_at: movie.details_fetched_at ?? null,
    inserted_at: now,
    updated_at: now,
  };
}

export function parseGenres(genres: string | null): string[] {
  if (!genres) return [];
  try {
    const parsed: unknown = JSON.parse(genres);
    return Array.isArray(parsed) ? parsed.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

export type FilmsStore = ReturnType<typeof createFilmsStore>;

/** Films and their snapshots: what collections and imports write, and the lists the API reads. */
export function createFilmsStore(context: StoreContext) {
  const { db, capabilities } = context;
  return {
    /**
     * Inserts new films and updates known ones, one statement per batch. Rows are sorted by id so
     * that concurrent writers take row locks in the same order (no MySQL deadlock cycles).
     */
    async upsert(
      movies: readonly MovieInput[],
      now: Timestamp = new Date().toISOString(),
    ): Promise<UpsertResult> {
      const unique = [...new Map(movies.map((m) => [m.tmdb_id, m])).values()].sort(
        (a, b) => a.tmdb_id - b.tmdb_id,
      );
      let inserted = 0;
      for (const batch of chunk(unique)) {
        const ids = batch.map((m) => m.tmdb_id);
        const existing = await db
          .selectFrom('movies')
          .select('tmdb_id')
          .where('tmdb_id', 'in', ids)
          .execute();
        inserted += batch.length - existing.length;
        const insert = db.insertInto('movies').values(batch.map((m) => toRow(m, now)));
        if (capabilities.upsert === 'on-duplicate-key') {
          await insert
            .onDuplicateKeyUpdate({
              ...Object.fromEntries(listColumns.map((c) => [c, sql.raw(`values(${c})`)])),
              ...Object.fromEntries(detailColumns.map((c) => [c, sql.raw(`coalesce(values(${c}), ${c})`)])),
              updated_at: sql.raw('values(updated_at)'),
            })
            .execute();
        } else {
          await insert
            .onConflict((oc) =>
              oc.column('tmdb_id').doUpdateSet({
                ...Object.fromEntries(listColumns.map((c) => [c, sql.raw(`excluded.${c}`)])),
                ...Object.fromEntries(
                  detailColumns.map((c) => [c, sql.raw(`coalesce(excluded.${c}, movies.${c})`)]),
                ),
                updated_at: sql.raw('excluded.updated_at'),
              }),
            )
            .execute();
        }
      }
      return { inserted, updated: unique.length - inserted };
    },

    /** One snapshot per film per run: a repeated (film, run) pair is ignored, so a resumed run cannot duplicate. */
    async insertSnapshots(snapshots: readonly SnapshotInput[]): Promise<number> {
      let written = 0;
      for (const batch of chunk(snapshots)) {
        const insert = db.insertInto('movie_snapshots').values([...batch]);
        const result =
          capabilities.upsert === 'on-duplicate-key'
            ? await insert.ignore().executeTakeFirst()
            : await insert
                .onConflict((oc) => oc.columns(['tmdb_id', 'ingest_run_id']).doNothing())
                .executeTakeFirst();
        written += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      return written;
    },

    /** When each of these films last had its details fetched (null: never); absent ids are new films. */
    async detailsFetchedAt(ids: readonly number[]): Promise<Map<number, Timestamp | null>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('movies')
        .select(['tmdb_id', 'details_fetched_at'])
        .where('tmdb_id', 'in', [...ids])
        .execute();
      return new Map(rows.map((row) => [row.tmdb_id, row.details_fetched_at]));
    },

    async top(limit: number): Promise<Movie[]> {
      return db
        .selectFrom('movies')
        .selectAll()
        .orderBy('popularity', 'desc')
        .orderBy('tmdb_id', 'asc')
        .limit(limit)
        .execute();
    },

    async find(tmdbId: number): Promise<Movie | undefined> {
      return db.selectFrom('movies').selectAll().where('tmdb_id', '=', tmdbId).executeTakeFirst();
    },

    /** Every film with the fields training needs, in a stable order. */
    async all(): Promise<Movie[]> {
      return db.selectFrom('movies').selectAll().orderBy('tmdb_id', 'asc').execute();
    },

    /** A film's snapshots from the first on, oldest first. */
    async snapshotHistory(tmdbId: number, limit = 1000): Promise<MovieSnapshot[]> {
      return db
        .selectFrom('movie_snapshots')
        .selectAll()
        .where('tmdb_id', '=', tmdbId)
        .orderBy('snapshot_ts', 'asc')
        .orderBy('id', 'asc')
        .limit(limit)
        .execute();
    },

    /** The newest snapshots of a film, returned oldest first (the order a trend is drawn in). */
    async recentSnapshots(tmdbId: number, limit: number): Promise<MovieSnapshot[]> {
      const rows = await db
        .selectFrom('movie_snapshots')
        .selectAll()
        .where('tmdb_id', '=', tmdbId)
        .orderBy('snapshot_ts', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse();
    },

    count: () => countRows(context, 'movies'),

    /** Films whose details (runtime and genres) are stored: what a complete collection leaves. */
    async countWithDetails(): Promise<number> {
      const row = await db
        .selectFrom('movies')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('runtime', 'is not', null)
        .where('genres', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    countSnapshots: () => countRows(context, 'movie_snapshots'),
  };
}
