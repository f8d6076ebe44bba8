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

/** What the database knows of a film before its release, beyond the films row itself. */
export interface PreReleaseFactsRow {
  companies: Array<{ id: number; name: string }>;
  /** ISO 3166-1 codes. */
  countries: string[];
  /** Keyword names, lower case. */
  keywords: string[];
}

export interface CompanySuggestion {
  id: number;
  name: string;
  origin_country: string | null;
  film_count: number;
}

/** A LIKE pattern for names starting with `text`; wildcards typed by a user are dropped, not obeyed. */
function likePrefix(text: string): string {
  return `${text.replace(/[%_\\]/g, '')}%`;
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

    /**
     * Production companies, countries and keywords of every film that has any, by film id: the
     * pre-release facts training reads beside each film's row (budget and collection live there).
     */
    async preReleaseFactsForTraining(): Promise<Map<number, PreReleaseFactsRow>> {
      const facts = new Map<number, PreReleaseFactsRow>();
      const of = (tmdbId: number) => {
        let entry = facts.get(tmdbId);
        if (!entry) {
          entry = { companies: [], countries: [], keywords: [] };
          facts.set(tmdbId, entry);
        }
        return entry;
      };
      const companies = await db
        .selectFrom('movie_companies as mc')
        .innerJoin('companies as c', 'c.id', 'mc.company_id')
        .select(['mc.tmdb_id', 'c.id', 'c.name'])
        .orderBy('mc.tmdb_id')
        .orderBy('c.id')
        .execute();
      for (const row of companies) of(row.tmdb_id).companies.push({ id: row.id, name: row.name });
      const countries = await db
        .selectFrom('movie_countries')
        .select(['tmdb_id', 'iso_3166_1'])
        .orderBy('tmdb_id')
        .orderBy('iso_3166_1')
        .execute();
      for (const row of countries) of(row.tmdb_id).countries.push(row.iso_3166_1);
      const keywords = await db
        .selectFrom('movie_keywords as mk')
        .innerJoin('keywords as k', 'k.id', 'mk.keyword_id')
        .select(['mk.tmdb_id', 'k.name'])
        .orderBy('mk.tmdb_id')
        .orderBy('k.name')
        .execute();
      for (const row of keywords) of(row.tmdb_id).keywords.push(row.name.toLowerCase());
      return facts;
    },

    /** Companies whose name starts with `prefix` (any case), those with the most films first. */
    async companySuggestions(prefix: string, limit: number): Promise<CompanySuggestion[]> {
      const rows = await db
        .selectFrom('companies as c')
        .leftJoin('movie_companies as mc', 'mc.company_id', 'c.id')
        .select([
          'c.id',
          'c.name',
          'c.origin_country',
          (eb) => eb.fn.count<number>('mc.tmdb_id').as('film_count'),
        ])
        .where((eb) => eb(eb.fn('lower', ['c.name']), 'like', likePrefix(prefix.toLowerCase())))
        .groupBy(['c.id', 'c.name', 'c.origin_country'])
        .orderBy('film_count', 'desc')
        .orderBy('c.name', 'asc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ ...row, film_count: Number(row.film_count) }));
    },

    /** The companies among these ids or names (names match in any case). */
    async findCompanies(
      ids: readonly number[],
      names: readonly string[],
    ): Promise<Array<{ id: number; name: string }>> {
      if (ids.length === 0 && names.length === 0) return [];
      return db
        .selectFrom('companies')
        .select(['id', 'name'])
        .where((eb) =>
          eb.or([
            ...(ids.length > 0 ? [eb('id', 'in', [...ids])] : []),
            ...(names.length > 0
              ? [
                  eb(
                    eb.fn('lower', ['name']),
                    'in',
                    names.map((n) => n.toLowerCase()),
                  ),
                ]
              : []),
          ]),
        )
        .execute();
    },

    /** Which of these keyword names the database knows (any case), lower case. */
    async knownKeywords(names: readonly string[]): Promise<string[]> {
      if (names.length === 0) return [];
      const rows = await db
        .selectFrom('keywords')
        .select('name')
        .where((eb) =>
          eb(
            eb.fn('lower', ['name']),
            'in',
            names.map((n) => n.toLowerCase()),
          ),
        )
        .execute();
      return rows.map((row) => row.name.toLowerCase());
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
