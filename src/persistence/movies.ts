import { type Kysely, sql } from 'kysely';
import type { DialectName } from './connection.js';
import type { Database, Movie, MovieSnapshot, Timestamp } from './schema.js';

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

/** Rows per statement: well under every dialect's bound-parameter limit (SQLite 32,766). */
export const BATCH_SIZE = 500;

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

export function chunk<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

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

/**
 * Inserts new films and updates known ones, one statement per batch of BATCH_SIZE. Rows are sorted
 * by id so that concurrent writers take row locks in the same order (no MySQL deadlock cycles).
 */
export async function upsertMovies(
  db: Kysely<Database>,
  dialect: DialectName,
  movies: readonly MovieInput[],
  now: Timestamp = new Date().toISOString(),
): Promise<UpsertResult> {
  const unique = [...new Map(movies.map((m) => [m.tmdb_id, m])).values()].sort(
    (a, b) => a.tmdb_id - b.tmdb_id,
  );
  let inserted = 0;
  for (const batch of chunk(unique)) {
    const ids = batch.map((m) => m.tmdb_id);
    const existing = await db.selectFrom('movies').select('tmdb_id').where('tmdb_id', 'in', ids).execute();
    inserted += batch.length - existing.length;
    const rows = batch.map((m) => toRow(m, now));
    const insert = db.insertInto('movies').values(rows);
    if (dialect === 'mysql') {
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
}

/** One snapshot per film per run: a repeated (film, run) pair is ignored, so a resumed run cannot duplicate. */
export async function insertSnapshots(
  db: Kysely<Database>,
  dialect: DialectName,
  snapshots: readonly SnapshotInput[],
): Promise<number> {
  let written = 0;
  for (const batch of chunk(snapshots)) {
    const insert = db.insertInto('movie_snapshots').values([...batch]);
    const result =
      dialect === 'mysql'
        ? await insert.ignore().executeTakeFirst()
        : await insert
            .onConflict((oc) => oc.columns(['tmdb_id', 'ingest_run_id']).doNothing())
            .executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return written;
}

export async function topMoviesByPopularity(db: Kysely<Database>, limit: number): Promise<Movie[]> {
  return db
    .selectFrom('movies')
    .selectAll()
    .orderBy('popularity', 'desc')
    .orderBy('tmdb_id', 'asc')
    .limit(limit)
    .execute();
}

export async function findMovie(db: Kysely<Database>, tmdbId: number): Promise<Movie | undefined> {
  return db.selectFrom('movies').selectAll().where('tmdb_id', '=', tmdbId).executeTakeFirst();
}

export async function snapshotHistory(
  db: Kysely<Database>,
  tmdbId: number,
  limit = 1000,
): Promise<MovieSnapshot[]> {
  return db
    .selectFrom('movie_snapshots')
    .selectAll()
    .where('tmdb_id', '=', tmdbId)
    .orderBy('snapshot_ts', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}

export async function countMovies(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('movies')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countSnapshots(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('movie_snapshots')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every film with the fields training needs, in a stable order. */
export async function moviesForTraining(db: Kysely<Database>): Promise<Movie[]> {
  return db.selectFrom('movies').selectAll().orderBy('tmdb_id', 'asc').execute();
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
