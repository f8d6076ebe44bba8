import type {
  CollectionRunsStore,
  FilmFilter,
  FilmOrder,
  FilmSort,
  InsightsStore,
  Paging,
  SearchableFilm,
  SortOrder,
} from '../../persistence/index.js';

/** More title matches than this are not handed to the database as an id list (it would cost more than it saves). */
export const MAX_INDEXED_MATCHES = 2000;

/** Orders memory and every database agree on: numbers and ISO dates (titles follow each database's collation). */
type MemorySort = Exclude<FilmSort, 'title'>;
const isMemorySort = (sort: FilmSort): sort is MemorySort => sort !== 'title';

/**
 * The filters memory applies; companies and keywords arrive as `ids`, the films linked to them
 * (read from the database, whose links memory does not hold).
 */
export type MemoryFilter = Omit<FilmFilter, 'company' | 'keyword'>;

/** Every film's searchable fields, one array per field (index i is the same film in each). */
export interface FilmColumns {
  readonly ids: Int32Array;
  readonly titles: readonly string[];
  readonly originalTitles: readonly string[];
  readonly releaseDates: readonly (string | null)[];
  readonly languages: readonly (string | null)[];
  /** The stored genre list (JSON text), lowered: a genre matches as its quoted name, as in the database. */
  readonly genres: readonly string[];
  readonly popularity: Float64Array;
  readonly votes: Float64Array;
  /** NaN where nobody has rated the film. */
  readonly ratings: Float64Array;
  /** The popularity residual in the run the columns were read with; NaN where the film has none. */
  readonly residuals: Float64Array;
}

/** What a search found in memory. */
export type IndexedSearch =
  /** The whole answer: the requested page's film ids in order, and how many films match. */
  | { readonly kind: 'page'; readonly total: number; readonly ids: number[] }
  /** Every matching film, for the database to put in title order. */
  | { readonly kind: 'ids'; readonly ids: number[] }
  /** Too many matches to hand over: the database searches the titles itself, and need not count them. */
  | { readonly kind: 'database'; readonly total: number };

export function filmColumns(films: readonly SearchableFilm[]): FilmColumns {
  return {
    ids: Int32Array.from(films, (f) => f.tmdb_id),
    titles: films.map((f) => f.title.toLowerCase()),
    originalTitles: films.map((f) => (f.original_title ?? '').toLowerCase()),
    releaseDates: films.map((f) => f.release_date),
    languages: films.map((f) => f.original_language),
    genres: films.map((f) => (f.genres ?? '').toLowerCase()),
    popularity: Float64Array.from(films, (f) => f.popularity),
    votes: Float64Array.from(films, (f) => f.vote_count),
    ratings: Float64Array.from(films, (f) => f.vote_average ?? Number.NaN),
    residuals: Float64Array.from(films, (f) => f.residual_popularity ?? Number.NaN),
  };
}

/**
 * Positions of the films whose title or original title contains the filter's text (any case) and
 * that pass its year, genre, language, vote and id filters, with the database's rules: years
 * compare as ISO date text, so a film without a date passes no year filter.
 */
export function matchingPositions(columns: FilmColumns, filter: MemoryFilter): number[] {
  const needle = (filter.q ?? '').toLowerCase();
  const from = filter.yearFrom === undefined ? undefined : `${filter.yearFrom}-01-01`;
  const before = filter.yearTo === undefined ? undefined : `${filter.yearTo + 1}-01-01`;
  const genre = filter.genre === undefined ? undefined : `"${filter.genre.toLowerCase()}"`;
  const only = filter.ids === undefined ? undefined : new Set(filter.ids);
  const found: number[] = [];
  for (let i = 0; i < columns.ids.length; i++) {
    if (!columns.titles[i]!.includes(needle) && !columns.originalTitles[i]!.includes(needle)) continue;
    const date = columns.releaseDates[i];
    if (from !== undefined && !(date != null && date >= from)) continue;
    if (before !== undefined && !(date != null && date < before)) continue;
    if (genre !== undefined && !columns.genres[i]!.includes(genre)) continue;
    if (filter.language !== undefined && columns.languages[i] !== filter.language) continue;
    if (filter.minVotes !== undefined && !(columns.votes[i]! >= filter.minVotes)) continue;
    if (only !== undefined && !only.has(columns.ids[i]!)) continue;
    found.push(i);
  }
  return found;
}

type Comparator = (a: number, b: number) => number;

/** The database's order: films without the value last in either order, ties by id in the same direction. */
function comparator(columns: FilmColumns, by: MemorySort, order: SortOrder): Comparator {
  const sign = order === 'asc' ? 1 : -1;
  const byId: Comparator = (a, b) => sign * (columns.ids[a]! - columns.ids[b]!);
  if (by === 'release_date') {
    const dates = columns.releaseDates;
    return (a, b) => {
      const x = dates[a];
      const y = dates[b];
      if (x == null || y == null) return x == null && y == null ? byId(a, b) : x == null ? 1 : -1;
      return x === y ? byId(a, b) : sign * (x < y ? -1 : 1);
    };
  }
  const values = {
    popularity: columns.popularity,
    votes: columns.votes,
    rating: columns.ratings,
    residual: columns.residuals,
  }[by];
  return (a, b) => {
    const x = values[a]!;
    const y = values[b]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      return Number.isNaN(x) && Number.isNaN(y) ? byId(a, b) : Number.isNaN(x) ? 1 : -1;
    }
    return x === y ? byId(a, b) : sign * (x - y);
  };
}

/** The first `count` positions in order; a full sort only when most of them are wanted. */
export function firstInOrder(positions: readonly number[], compare: Comparator, count: number): number[] {
  if (count <= 0) return [];
  if (count >= positions.length / 4) return [...positions].sort(compare).slice(0, count);
  const kept: number[] = [];
  for (const position of positions) {
    if (kept.length === count && compare(position, kept[count - 1]!) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(kept[middle]!, position) <= 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, position);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

/** Searches the columns: the whole page when memory can order it, else the matches or their count. */
export function searchColumns(
  columns: FilmColumns,
  filter: MemoryFilter,
  sort: FilmOrder,
  paging: Paging,
  maxIds = MAX_INDEXED_MATCHES,
): IndexedSearch {
  const positions = matchingPositions(columns, filter);
  const by = sort.by;
  if (isMemorySort(by)) {
    const wanted = firstInOrder(positions, comparator(columns, by, sort.order), paging.offset + paging.limit);
    const ids = wanted.slice(paging.offset).map((i) => columns.ids[i]!);
    return { kind: 'page', total: positions.length, ids };
  }
  if (positions.length > maxIds) return { kind: 'database', total: positions.length };
  return { kind: 'ids', ids: positions.map((i) => columns.ids[i]!) };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;

/**
 * Every film's titles and list fields in memory, so that a search reads a substring match over
 * 100,000 strings in a few milliseconds instead of a LIKE scan in the database. Films change only
 * through a collection or an import, and residuals with each training run, so the index is
 * rebuilt when the newest collection run (its id, state, heartbeat or end) or the training run
 * asked for differs from the ones it was built with.
 */
export function createSearchIndex(
  insights: InsightsStore,
  collectionRuns: CollectionRunsStore,
  options: { maxIndexedMatches?: number } = {},
) {
  type Built = { key: string; runId: number | null; columns: FilmColumns };
  let built: Built | undefined;
  let building: { key: string; columns: Promise<FilmColumns> } | undefined;

  function rebuild(key: string, runId: number | null): Promise<FilmColumns> {
    if (building?.key === key) return building.columns;
    const columns = insights.searchableFilms(runId).then((films) => {
      built = { key, runId, columns: filmColumns(films) };
      return built.columns;
    });
    building = { key, columns };
    // A failed read is not kept: the next search tries again.
    columns
      .catch(() => undefined)
      .finally(() => {
        if (building?.columns === columns) building = undefined;
      });
    return columns;
  }

  async function columns(runId: number | null): Promise<FilmColumns> {
    const run = await collectionRuns.latest();
    const collection = run
      ? `${run.id}:${run.status}:${run.heartbeat_at ?? ''}:${run.finished_at ?? ''}`
      : 'none';
    const key = `${collection}|${runId ?? 'none'}`;
    if (built?.key === key) return built.columns;
    const fresh = rebuild(key, runId);
    // A running collection moves its heartbeat every few seconds: until the films are read again,
    // the list answers from the previous read (seconds old) instead of making each request wait.
    if (run?.status === 'running' && built?.runId === runId) return built.columns;
    return fresh;
  }

  return {
    /** The films matching the filter in the given run's residuals, as far as memory can answer. */
    async search(
      filter: MemoryFilter,
      sort: FilmOrder,
      paging: Paging,
      runId: number | null,
    ): Promise<IndexedSearch> {
      return searchColumns(await columns(runId), filter, sort, paging, options.maxIndexedMatches);
    },
  };
}
