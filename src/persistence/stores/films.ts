import { sql } from 'kysely';
import type { Movie, MovieSnapshot, Timestamp } from '../schema.js';
import { chunk, countRows, type StoreContext } from './context.js';

export interface CompanyInput {
  id: number;
  name: string;
  origin_country: string | null;
}

export interface CountryInput {
  iso_3166_1: string;
  name: string;
}

/** A keyword or a collection (franchise): TMDB's id and its name. */
export interface NamedInput {
  id: number;
  name: string;
}

/** What a film's details tell beyond its listing; links left undefined keep what the database holds. */
export interface FilmFactsInput {
  budget?: number | null;
  revenue?: number | null;
  status?: string | null;
  tagline?: string | null;
  us_release_date?: string | null;
  /** ISO 639-1 codes. */
  spoken_languages?: string[] | null;
  collection?: NamedInput | null;
  companies?: CompanyInput[];
  countries?: CountryInput[];
  keywords?: NamedInput[];
  /**
   * Which shape of the details answer these facts come from. Above 0 the row's detail columns are
   * replaced as given (a null is TMDB saying "unknown"); at 0 a null keeps what is stored.
   */
  details_version?: number;
}

/** A film as the collection knows it; detail fields left undefined keep what the database holds. */
export interface MovieInput extends FilmFactsInput {
  tmdb_id: number;
  title: string;
  original_title?: string | null;
  overview?: string | null;
  original_language?: string | null;
  release_date?: string | null;
  popularity: number;
  vote_count: number;
  /** As the source gives it; stored as unknown (null) when the film has no votes. */
  vote_average: number | null;
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
  /** As the source gives it; stored as unknown (null) when the film had no votes. */
  vote_average: number | null;
}

/** A film whose rating is known: somebody has voted on it. */
export type RatedMovie = Movie & { vote_average: number };

/**
 * The rating worth storing: none (null) without votes, where TMDB and CSV files write 0 or
 * nothing, since a film nobody has voted on is not a film everybody rated 0.
 */
export function knownRating(voteCount: number, voteAverage: number | null): number | null {
  return voteCount > 0 ? voteAverage : null;
}

/**
 * Columns that only `/movie/{id}` (or an import) knows: a discover-only update must not blank
 * them, while a details answer of a current version replaces them, nulls included.
 */
const detailColumns = [
  'imdb_id',
  'runtime',
  'genres',
  'details_fetched_at',
  'budget',
  'revenue',
  'status',
  'tagline',
  'us_release_date',
  'spoken_languages',
  'collection_id',
] as const;
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
    vote_average: knownRating(movie.vote_count, movie.vote_average),
    poster_path: movie.poster_path ?? null,
    backdrop_path: movie.backdrop_path ?? null,
    imdb_id: movie.imdb_id ?? null,
    runtime: movie.runtime ?? null,
    genres: movie.genres ? JSON.stringify(movie.genres) : null,
    details_fetched_at: movie.details_fetched_at ?? null,
    budget: movie.budget ?? null,
    revenue: movie.revenue ?? null,
    status: movie.status ?? null,
    tagline: movie.tagline ?? null,
    us_release_date: movie.us_release_date ?? null,
    spoken_languages: movie.spoken_languages ? JSON.stringify(movie.spoken_languages) : null,
    collection_id: movie.collection?.id ?? null,
    details_version: movie.details_version ?? 0,
    inserted_at: now,
    updated_at: now,
  };
}

export interface DetailsState {
  fetchedAt: Timestamp | null;
  version: number;
}

export interface FilmLinks {
  companies: CompanyInput[];
  countries: CountryInput[];
  keywords: NamedInput[];
  collection: NamedInput | null;
}

const byId = <T extends { id: number }>(a: T, b: T) => a.id - b.id;

function uniqueBy<T, K>(items: readonly T[], key: (item: T) => K): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/**
 * Names first (companies, countries, keywords, collections: the newest name wins), then each
 * film's links replaced by the ones given. Films whose input leaves a list undefined keep theirs.
 */
async function writeFactLinks(context: StoreContext, films: readonly MovieInput[]): Promise<void> {
  const collections = films.flatMap((film) => (film.collection ? [film.collection] : []));
  await upsertNames(context, 'collections', uniqueBy(collections, (c) => c.id).sort(byId));
  await replaceLinks(context, films, {
    names: 'companies',
    links: 'movie_companies',
    column: 'company_id',
    list: (film) => film.companies,
    key: (company) => company.id,
  });
  await replaceLinks(context, films, {
    names: 'countries',
    links: 'movie_countries',
    column: 'iso_3166_1',
    list: (film) => film.countries,
    key: (country) => country.iso_3166_1,
  });
  await replaceLinks(context, films, {
    names: 'keywords',
    links: 'movie_keywords',
    column: 'keyword_id',
    list: (film) => film.keywords,
    key: (keyword) => keyword.id,
  });
}

type NameTable = 'companies' | 'countries' | 'keywords' | 'collections';
type LinkTable = 'movie_companies' | 'movie_countries' | 'movie_keywords';

interface LinkSpec<T, K extends number | string> {
  names: NameTable;
  links: LinkTable;
  column: 'company_id' | 'iso_3166_1' | 'keyword_id';
  list: (film: MovieInput) => T[] | undefined;
  key: (item: T) => K;
}

async function replaceLinks<T extends object, K extends number | string>(
  context: StoreContext,
  films: readonly MovieInput[],
  spec: LinkSpec<T, K>,
): Promise<void> {
  const linked = films.filter((film) => spec.list(film) !== undefined);
  if (linked.length === 0) return;
  const named = uniqueBy(
    linked.flatMap((film) => spec.list(film) ?? []),
    spec.key,
  ).sort((a, b) => (spec.key(a) < spec.key(b) ? -1 : spec.key(a) > spec.key(b) ? 1 : 0));
  await upsertNames(context, spec.names, named);
  // Kysely cannot relate a table name chosen at run time to its columns; LinkSpec pairs them.
  const { db } = context;
  const ids = linked.map((film) => film.tmdb_id);
  for (const batch of chunk(ids)) {
    await db
      .deleteFrom(spec.links as 'movie_companies')
      .where('tmdb_id', 'in', batch)
      .execute();
  }
  const rows = linked.flatMap((film) =>
    uniqueBy(spec.list(film) ?? [], spec.key).map((item) => ({
      tmdb_id: film.tmdb_id,
      [spec.column]: spec.key(item),
    })),
  );
  for (const batch of chunk(rows)) {
    await db
      .insertInto(spec.links as 'movie_companies')
      .values(batch as Array<{ tmdb_id: number; company_id: number }>)
      .execute();
  }
}

/** Inserts names not yet known and renames the known ones, sorted so concurrent writers lock in one order. */
async function upsertNames(context: StoreContext, table: NameTable, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const { db, capabilities } = context;
  const key = table === 'countries' ? 'iso_3166_1' : 'id';
  const columns = table === 'companies' ? ['name', 'origin_country'] : ['name'];
  for (const batch of chunk(rows)) {
    // As above: the table is one of four whose rows `rows` were built for.
    const insert = db.insertInto(table as 'collections').values(batch as Array<{ id: number; name: string }>);
    if (capabilities.upsert === 'on-duplicate-key') {
      await insert
        .onDuplicateKeyUpdate(Object.fromEntries(columns.map((c) => [c, sql.raw(`values(${c})`)])))
        .execute();
    } else {
      await insert
        .onConflict((oc) =>
          oc
            .column(key as 'id')
            .doUpdateSet(Object.fromEntries(columns.map((c) => [c, sql.raw(`excluded.${c}`)]))),
        )
        .execute();
    }
  }
}

/** A JSON list of strings as stored in a text column (genres, spoken languages); [] for anything else. */
export function parseStringList(text: string | null): string[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

export const parseGenres = parseStringList;

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
              ...Object.fromEntries(
                detailColumns.map((c) => [
                  c,
                  sql.raw(
                    `case when values(details_version) > 0 then values(${c}) else coalesce(values(${c}), ${c}) end`,
                  ),
                ]),
              ),
              details_version: sql.raw('greatest(values(details_version), details_version)'),
              updated_at: sql.raw('values(updated_at)'),
            })
            .execute();
        } else {
          await insert
            .onConflict((oc) =>
              oc.column('tmdb_id').doUpdateSet({
                ...Object.fromEntries(listColumns.map((c) => [c, sql.raw(`excluded.${c}`)])),
                ...Object.fromEntries(
                  detailColumns.map((c) => [
                    c,
                    sql.raw(
                      `case when excluded.details_version > 0 then excluded.${c} else coalesce(excluded.${c}, movies.${c}) end`,
                    ),
                  ]),
                ),
                details_version: sql.raw(
                  `case when excluded.details_version > movies.details_version then excluded.details_version else movies.details_version end`,
                ),
                updated_at: sql.raw('excluded.updated_at'),
              }),
            )
            .execute();
        }
        await writeFactLinks(context, batch);
      }
      return { inserted, updated: unique.length - inserted };
    },

    /** One snapshot per film per run: a repeated (film, run) pair is ignored, so a resumed run cannot duplicate. */
    async insertSnapshots(snapshots: readonly SnapshotInput[]): Promise<number> {
      let written = 0;
      for (const batch of chunk(snapshots)) {
        const insert = db.insertInto('movie_snapshots').values(
          batch.map((snapshot) => ({
            ...snapshot,
            vote_average: knownRating(snapshot.vote_count, snapshot.vote_average),
          })),
        );
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

    /**
     * Per film: when its details were last fetched (null: never) and the version of the details
     * answer stored; absent ids are new films.
     */
    async detailsState(ids: readonly number[]): Promise<Map<number, DetailsState>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('movies')
        .select(['tmdb_id', 'details_fetched_at', 'details_version'])
        .where('tmdb_id', 'in', [...ids])
        .execute();
      return new Map(
        rows.map((row) => [
          row.tmdb_id,
          { fetchedAt: row.details_fetched_at, version: Number(row.details_version) },
        ]),
      );
    },

    /** The companies, production countries, keywords and collection of a film, by name. */
    async factsOf(tmdbId: number): Promise<FilmLinks> {
      const [companies, countries, keywords, collection] = await Promise.all([
        db
          .selectFrom('movie_companies')
          .innerJoin('companies', 'companies.id', 'movie_companies.company_id')
          .select(['companies.id', 'companies.name', 'companies.origin_country'])
          .where('movie_companies.tmdb_id', '=', tmdbId)
          .orderBy('companies.id')
          .execute(),
        db
          .selectFrom('movie_countries')
          .innerJoin('countries', 'countries.iso_3166_1', 'movie_countries.iso_3166_1')
          .select(['countries.iso_3166_1', 'countries.name'])
          .where('movie_countries.tmdb_id', '=', tmdbId)
          .orderBy('countries.iso_3166_1')
          .execute(),
        db
          .selectFrom('movie_keywords')
          .innerJoin('keywords', 'keywords.id', 'movie_keywords.keyword_id')
          .select(['keywords.id', 'keywords.name'])
          .where('movie_keywords.tmdb_id', '=', tmdbId)
          .orderBy('keywords.id')
          .execute(),
        db
          .selectFrom('movies')
          .innerJoin('collections', 'collections.id', 'movies.collection_id')
          .select(['collections.id', 'collections.name'])
          .where('movies.tmdb_id', '=', tmdbId)
          .executeTakeFirst(),
      ]);
      return { companies, countries, keywords, collection: collection ?? null };
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

    /** Every film, in a stable order. */
    async all(): Promise<Movie[]> {
      return db.selectFrom('movies').selectAll().orderBy('tmdb_id', 'asc').execute();
    },

    /**
     * The films training learns from, in a stable order: those with a known rating. A film nobody
     * has voted on has no rating to learn and next to no popularity yet.
     */
    async rated(): Promise<RatedMovie[]> {
      return db
        .selectFrom('movies')
        .selectAll()
        .where('vote_average', 'is not', null)
        .orderBy('tmdb_id', 'asc')
        .$narrowType<{ vote_average: number }>()
        .execute();
    },

    /** Films whose rating is unknown because nobody has voted on them yet. */
    async countUnrated(): Promise<number> {
      const row = await db
        .selectFrom('movies')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('vote_average', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
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

    /**
     * Films whose details (genres, and the runtime when TMDB knows it) are stored: what a complete
     * collection leaves.
     */
    async countWithDetails(): Promise<number> {
      const row = await db
        .selectFrom('movies')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('details_fetched_at', 'is not', null)
        .where('genres', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    countSnapshots: () => countRows(context, 'movie_snapshots'),
  };
}
