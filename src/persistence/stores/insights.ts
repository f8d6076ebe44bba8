import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { StoreContext } from './context.js';
import { parseGenres } from './films.js';

/** The gradient-boosted models whose out-of-fold residuals rank and sort films. */
export const POPULARITY_MODEL = 'popularity_v2';
export const RATING_MODEL = 'rating_v2';

export type FilmSort = 'popularity' | 'rating' | 'votes' | 'release_date' | 'residual' | 'title';
export type SortOrder = 'asc' | 'desc';

/** A film list's order: the key and its direction (ties go by film id in the same direction). */
export interface FilmOrder {
  by: FilmSort;
  order: SortOrder;
}

/** Filters the film list and the ranked lists share; absent fields do not filter. */
export interface FilmFilter {
  /** Substring of the title or original title, any case. */
  q?: string;
  yearFrom?: number;
  yearTo?: number;
  /** A genre name, any case. */
  genre?: string;
  /** ISO 639-1 code of the original language. */
  language?: string;
  /** A company id, or part of its name. */
  company?: number | string;
  /** A keyword id, or part of its name. */
  keyword?: number | string;
  minVotes?: number;
  /** Only these films (e.g. the title matches an in-memory index found). */
  ids?: readonly number[];
}

export interface Paging {
  limit: number;
  offset: number;
}

export interface FilmListRow {
  tmdb_id: number;
  title: string;
  original_title: string | null;
  release_date: string | null;
  poster_path: string | null;
  genres: string | null;
  original_language: string | null;
  popularity: number;
  vote_count: number;
  /** Null while nobody has voted on the film. */
  vote_average: number | null;
  predicted_popularity: number | null;
  residual_popularity: number | null;
  predicted_rating: number | null;
  residual_rating: number | null;
}

/** What an in-memory film search keeps of each film. */
export type SearchableFilm = Pick<
  FilmListRow,
  | 'tmdb_id'
  | 'title'
  | 'original_title'
  | 'release_date'
  | 'original_language'
  | 'genres'
  | 'popularity'
  | 'vote_count'
  | 'vote_average'
  | 'residual_popularity'
>;

export interface OofRow {
  tmdb_id: number;
  title: string;
  release_date: string | null;
  actual: number;
  predicted: number;
  lower: number | null;
  upper: number | null;
  residual: number;
}

export interface FilmPredictionRow {
  model_name: string;
  actual: number;
  predicted: number;
  lower: number | null;
  upper: number | null;
  residual: number;
}

export interface SimilarFilmRow {
  tmdb_id: number;
  title: string;
  release_date: string | null;
  poster_path: string | null;
  distance: number;
  shared_genres: number;
  shared_keywords: number;
}

export interface MoverRow {
  tmdb_id: number;
  title: string;
  release_date: string | null;
  from: number;
  to: number;
}

/** What a neighbour's reason is told from. */
export interface FilmTraits {
  release_date: string | null;
  runtime: number | null;
  genres: string[];
  /** Keyword names. */
  keywords: string[];
}

export interface MonthFigureRow {
  release_date: string;
  popularity: number;
  vote_count: number;
  /** Null while nobody has voted on the film. */
  vote_average: number | null;
}

const filmsFrom = (db: Kysely<Database>) => db.selectFrom('movies as m');
type FilmQuery = ReturnType<typeof filmsFrom>;
type FilmExpressions = FilmQuery extends { where(cb: (eb: infer E) => unknown): unknown } ? E : never;

/** `!` escapes LIKE wildcards: it means the same in every dialect (a backslash does not in MySQL). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** Case-insensitive substring match; lowers the column only where LIKE minds case. */
function contains(column: string, text: string, likeIgnoresCase: boolean) {
  const value = likeIgnoresCase ? sql.ref(column) : sql`lower(${sql.ref(column)})`;
  return sql<boolean>`${value} like ${containsPattern(text)} escape '!'`;
}

/** A film is linked to a company or keyword given by id, or by part of its name. */
function linkedTo(
  eb: FilmExpressions,
  link: 'company' | 'keyword',
  value: number | string,
  likeIgnoresCase: boolean,
) {
  if (link === 'company') {
    const base = eb
      .selectFrom('movie_companies as mc')
      .select('mc.tmdb_id')
      .whereRef('mc.tmdb_id', '=', 'm.tmdb_id');
    return eb.exists(
      typeof value === 'number'
        ? base.where('mc.company_id', '=', value)
        : base
            .innerJoin('companies as c', 'c.id', 'mc.company_id')
            .where(contains('c.name', value, likeIgnoresCase)),
    );
  }
  const base = eb
    .selectFrom('movie_keywords as mk')
    .select('mk.tmdb_id')
    .whereRef('mk.tmdb_id', '=', 'm.tmdb_id');
  return eb.exists(
    typeof value === 'number'
      ? base.where('mk.keyword_id', '=', value)
      : base
          .innerJoin('keywords as k', 'k.id', 'mk.keyword_id')
          .where(contains('k.name', value, likeIgnoresCase)),
  );
}

/** Applies every given filter; release years compare as date text so the comparison can use an index. */
function filterFilms(query: FilmQuery, filter: FilmFilter, likeIgnoresCase: boolean): FilmQuery {
  let q = query;
  if (filter.q) {
    const text = filter.q;
    q = q.where((eb) =>
      eb.or([
        contains('m.title', text, likeIgnoresCase),
        contains('m.original_title', text, likeIgnoresCase),
      ]),
    );
  }
  if (filter.yearFrom !== undefined) q = q.where('m.release_date', '>=', `${filter.yearFrom}-01-01`);
  if (filter.yearTo !== undefined) q = q.where('m.release_date', '<', `${filter.yearTo + 1}-01-01`);
  if (filter.genre) q = q.where(contains('m.genres', `"${filter.genre}"`, likeIgnoresCase));
  if (filter.language) q = q.where('m.original_language', '=', filter.language);
  if (filter.company !== undefined) {
    const company = filter.company;
    q = q.where((eb) => linkedTo(eb, 'company', company, likeIgnoresCase));
  }
  if (filter.keyword !== undefined) {
    const keyword = filter.keyword;
    q = q.where((eb) => linkedTo(eb, 'keyword', keyword, likeIgnoresCase));
  }
  if (filter.minVotes !== undefined) q = q.where('m.vote_count', '>=', filter.minVotes);
  if (filter.ids)
    q = filter.ids.length ? q.where('m.tmdb_id', 'in', [...filter.ids]) : q.where(sql<boolean>`1 = 0`);
  return q;
}

const sortColumns = {
  popularity: 'm.popularity',
  rating: 'm.vote_average',
  votes: 'm.vote_count',
  release_date: 'm.release_date',
  title: 'm.title',
  residual: 'pp.residual',
} as const;

function isFiltering(filter: FilmFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined && value !== '');
}

const nullableSorts: ReadonlySet<FilmSort> = new Set(['release_date', 'residual', 'rating']);

export type InsightsStore = ReturnType<typeof createInsightsStore>;

/** The explorer's read side: film search, out-of-fold rankings, neighbours, movers and release months. */
export function createInsightsStore(context: StoreContext) {
  const { db } = context;
  const filtered = (query: FilmQuery, filter: FilmFilter) =>
    filterFilms(query, filter, context.capabilities.likeIgnoresCase);

  /** Films left-joined with a run's popularity and rating out-of-fold predictions (null without a run). */
  function withPredictions(films: FilmQuery, runId: number | null) {
    const run = runId ?? -1;
    return films
      .leftJoin('oof_predictions as pp', (join) =>
        join
          .onRef('pp.tmdb_id', '=', 'm.tmdb_id')
          .on('pp.train_run_id', '=', run)
          .on('pp.model_name', '=', POPULARITY_MODEL),
      )
      .leftJoin('oof_predictions as pr', (join) =>
        join
          .onRef('pr.tmdb_id', '=', 'm.tmdb_id')
          .on('pr.train_run_id', '=', run)
          .on('pr.model_name', '=', RATING_MODEL),
      );
  }

  return {
    /** One page of films matching the filter, with the run's predictions and the total match count. */
    async searchFilms(
      filter: FilmFilter,
      sort: FilmOrder,
      paging: Paging,
      runId: number | null,
      /** How many films match, when the caller knows: then only the page is read. */
      knownTotal?: number,
    ): Promise<{ total: number; rows: FilmListRow[] }> {
      const matching = filtered(filmsFrom(db), filter);
      const countMatching = async () =>
        Number((await matching.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const column = sortColumns[sort.by];
      let page = withPredictions(matching, runId).select([
        'm.tmdb_id',
        'm.title',
        'm.original_title',
        'm.release_date',
        'm.poster_path',
        'm.genres',
        'm.original_language',
        'm.popularity',
        'm.vote_count',
        'm.vote_average',
        'pp.predicted as predicted_popularity',
        'pp.residual as residual_popularity',
        'pr.predicted as predicted_rating',
        'pr.residual as residual_rating',
      ]);
      // Films without the sorted value go last in either order, the same in every dialect; the
      // columns that cannot be null skip this so that their index can serve the order.
      if (nullableSorts.has(sort.by))
        page = page.orderBy(sql`case when ${sql.ref(column)} is null then 1 else 0 end`);
      // Ties follow the same direction: an index on the sorted column (which ends in the primary
      // key) then serves the whole order.
      const ordered = page
        .orderBy(column, sort.order)
        .orderBy('m.tmdb_id', sort.order)
        .limit(paging.limit)
        .offset(paging.offset);
      if (knownTotal !== undefined) return { total: knownTotal, rows: await ordered.execute() };
      if (!isFiltering(filter)) {
        // Unfiltered, the index serves the page without reading every film; counting is separate.
        const [total, rows] = await Promise.all([countMatching(), ordered.execute()]);
        return { total, rows };
      }
      // Filtered, every match is read anyway: the page counts them in the same pass.
      const rows = await ordered.select(sql<number | string>`count(*) over ()`.as('total')).execute();
      const first = rows[0];
      const total = first ? Number(first.total) : paging.offset > 0 ? await countMatching() : 0;
      return { total, rows: rows.map(({ total: _total, ...row }) => row) };
    },

    /** A run's out-of-fold predictions of one model, largest residual first (`desc`) or smallest. */
    async rankedByResidual(
      runId: number,
      modelName: string,
      filter: FilmFilter,
      order: SortOrder,
      paging: Paging,
    ): Promise<{ total: number; rows: OofRow[] }> {
      const base = filtered(filmsFrom(db), filter)
        .innerJoin('oof_predictions as o', 'o.tmdb_id', 'm.tmdb_id')
        .where('o.train_run_id', '=', runId)
        .where('o.model_name', '=', modelName);
      // Every prediction has its film (deleting a film deletes its predictions), so without a
      // film filter the predictions alone are counted: their index answers without the join.
      const counted = isFiltering(filter)
        ? base
        : db
            .selectFrom('oof_predictions as o')
            .where('o.train_run_id', '=', runId)
            .where('o.model_name', '=', modelName);
      const [count, rows] = await Promise.all([
        counted.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
        base
          .select([
            'm.tmdb_id',
            'm.title',
            'm.release_date',
            'o.actual',
            'o.predicted',
            'o.lower',
            'o.upper',
            'o.residual',
          ])
          .orderBy('o.residual', order)
          // Ties in the same direction: the residual index (which ends in the film id) serves the order.
          .orderBy('o.tmdb_id', order)
          .limit(paging.limit)
          .offset(paging.offset)
          .execute(),
      ]);
      return { total: Number(count.n), rows };
    },

    /** Every model's out-of-fold prediction of one film in one run, by model name. */
    async predictionsOf(runId: number, tmdbId: number): Promise<FilmPredictionRow[]> {
      // Sorted here: an ORDER BY model_name would lead SQLite to the primary key, which starts
      // with the run, and read every prediction of the run instead of the film's few.
      const rows = await db
        .selectFrom('oof_predictions')
        .select(['model_name', 'actual', 'predicted', 'lower', 'upper', 'residual'])
        .where('tmdb_id', '=', tmdbId)
        .where('train_run_id', '=', runId)
        .execute();
      return rows.sort((a, b) => (a.model_name < b.model_name ? -1 : a.model_name > b.model_name ? 1 : 0));
    },

    /** A film's nearest neighbours as the run stored them, nearest first. */
    async similarTo(runId: number, tmdbId: number): Promise<SimilarFilmRow[]> {
      return db
        .selectFrom('similar_films as s')
        .innerJoin('movies as m', 'm.tmdb_id', 's.similar_tmdb_id')
        .select([
          'm.tmdb_id',
          'm.title',
          'm.release_date',
          'm.poster_path',
          's.distance',
          's.shared_genres',
          's.shared_keywords',
        ])
        .where('s.train_run_id', '=', runId)
        .where('s.tmdb_id', '=', tmdbId)
        .orderBy('s.rank', 'asc')
        .execute();
    },

    /**
     * Every film's titles and the fields the list filters and sorts on, with its popularity
     * residual in the run, for an in-memory search.
     */
    async searchableFilms(runId: number | null): Promise<SearchableFilm[]> {
      return withPredictions(filmsFrom(db), runId)
        .select([
          'm.tmdb_id',
          'm.title',
          'm.original_title',
          'm.release_date',
          'm.original_language',
          'm.genres',
          'm.popularity',
          'm.vote_count',
          'm.vote_average',
          'pp.residual as residual_popularity',
        ])
        .execute();
    },

    /** The films linked to a company or keyword given by id, or by part of its name. */
    async linkedFilmIds(link: 'company' | 'keyword', value: number | string): Promise<number[]> {
      const rows = await filmsFrom(db)
        .select('m.tmdb_id')
        .where((eb) => linkedTo(eb, link, value, context.capabilities.likeIgnoresCase))
        .execute();
      return rows.map((row) => row.tmdb_id);
    },

    /** Release date, runtime, genres and keyword names of each of these films. */
    async filmTraits(ids: readonly number[]): Promise<Map<number, FilmTraits>> {
      if (ids.length === 0) return new Map();
      const [films, keywords] = await Promise.all([
        db
          .selectFrom('movies')
          .select(['tmdb_id', 'release_date', 'runtime', 'genres'])
          .where('tmdb_id', 'in', [...ids])
          .execute(),
        db
          .selectFrom('movie_keywords as mk')
          .innerJoin('keywords as k', 'k.id', 'mk.keyword_id')
          .select(['mk.tmdb_id', 'k.name'])
          .where('mk.tmdb_id', 'in', [...ids])
          .execute(),
      ]);
      const traits = new Map<number, FilmTraits>();
      for (const f of films) {
        traits.set(f.tmdb_id, {
          release_date: f.release_date,
          runtime: f.runtime,
          genres: parseGenres(f.genres),
          keywords: [],
        });
      }
      for (const k of keywords) traits.get(k.tmdb_id)?.keywords.push(k.name);
      return traits;
    },

    /** Every film's keyword ids: what the neighbour search compares besides genres. */
    async filmKeywordIds(): Promise<Map<number, number[]>> {
      const rows = await db.selectFrom('movie_keywords').select(['tmdb_id', 'keyword_id']).execute();
      const keywords = new Map<number, number[]>();
      for (const row of rows) {
        const list = keywords.get(row.tmdb_id);
        if (list) list.push(row.keyword_id);
        else keywords.set(row.tmdb_id, [row.keyword_id]);
      }
      return keywords;
    },

    /** When the newest snapshot was taken; movers are measured back from it. */
    async newestSnapshotTime(): Promise<string | null> {
      const row = await db
        .selectFrom('movie_snapshots')
        .select((eb) => eb.fn.max('snapshot_ts').as('ts'))
        .executeTakeFirst();
      return row?.ts ?? null;
    },

    /**
     * Each film's popularity at its first and last snapshot since `since` (films with at least two
     * distinct snapshot times), ranked by the change: absolute, or relative to the first value.
     * `desc` lists risers (change above 0), `asc` fallers (below 0). Snapshots that share a time
     * are averaged.
     */
    async movers(
      since: string,
      measure: 'absolute' | 'relative',
      order: SortOrder,
      limit: number,
    ): Promise<MoverRow[]> {
      const fromValue = sql<number>`avg(f.popularity)`;
      const toValue = sql<number>`avg(l.popularity)`;
      const change =
        measure === 'absolute'
          ? sql<number>`avg(l.popularity) - avg(f.popularity)`
          : sql<number>`(avg(l.popularity) - avg(f.popularity)) / avg(f.popularity)`;
      const rows = await db
        .with('w', (qb) =>
          qb
            .selectFrom('movie_snapshots')
            .select((eb) => [
              'tmdb_id',
              eb.fn.min('snapshot_ts').as('first_ts'),
              eb.fn.max('snapshot_ts').as('last_ts'),
            ])
            .where('snapshot_ts', '>=', since)
            .groupBy('tmdb_id'),
        )
        .selectFrom('w')
        .innerJoin('movie_snapshots as f', (join) =>
          join.onRef('f.tmdb_id', '=', 'w.tmdb_id').onRef('f.snapshot_ts', '=', 'w.first_ts'),
        )
        .innerJoin('movie_snapshots as l', (join) =>
          join.onRef('l.tmdb_id', '=', 'w.tmdb_id').onRef('l.snapshot_ts', '=', 'w.last_ts'),
        )
        .innerJoin('movies as m', 'm.tmdb_id', 'w.tmdb_id')
        .select(['m.tmdb_id', 'm.title', 'm.release_date', fromValue.as('from'), toValue.as('to')])
        .whereRef('w.first_ts', '<', 'w.last_ts')
        .groupBy(['m.tmdb_id', 'm.title', 'm.release_date'])
        .having(fromValue, '>', 0)
        .having(change, order === 'desc' ? '>' : '<', 0)
        .orderBy(change, order)
        .orderBy('m.tmdb_id', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, from: Number(r.from), to: Number(r.to) }));
    },

    /** Release date and latest figures of every film with a known release date. */
    async releaseMonthFigures(): Promise<MonthFigureRow[]> {
      const rows = await db
        .selectFrom('movies')
        .select(['release_date', 'popularity', 'vote_count', 'vote_average'])
        .where('release_date', 'is not', null)
        .execute();
      return rows.flatMap((r) => (r.release_date ? [{ ...r, release_date: r.release_date }] : []));
    },
  };
}
