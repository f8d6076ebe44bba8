import { beforeAll, describe, expect, it } from 'vitest';
import type { MovieListQuery } from '../../src/api/schemas/insights.js';
import { createInsightsService } from '../../src/api/services/insights.js';
import {
  createSearchIndex,
  filmColumns,
  firstInOrder,
  searchColumns,
} from '../../src/api/services/search-index.js';
import type { FilmFilter, FilmSort, MovieInput, SortOrder } from '../../src/persistence/index.js';
import { describeEachDialect, type TestDatabase } from '../helpers/databases.js';

const WORDS = ['Night', 'HOUSE', 'woods', 'Nuit', 'Casa'];

/** Films with equal popularity, missing dates, mixed-case titles and shared links: the hard cases of an order. */
function catalogue(): MovieInput[] {
  return Array.from({ length: 60 }, (_, i) => ({
    tmdb_id: 500 + ((i * 37) % 60),
    title: `${WORDS[i % WORDS.length]} of ${i % 7 === 0 ? 'the Dead' : 'Fear'} ${i}`,
    original_title: i % 4 === 0 ? `${WORDS[(i + 2) % WORDS.length]} ${i}` : null,
    original_language: ['en', 'fr', 'es'][i % 3]!,
    release_date: i % 9 === 0 ? null : `${1990 + (i % 30)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    popularity: Math.floor(i / 3) * 2.5,
    vote_count: (i * 13) % 40,
    vote_average: 3 + (i % 11) / 2,
    runtime: 90,
    genres: ['Horror', ...(i % 2 ? ['Thriller'] : []), ...(i % 5 === 0 ? ['Science Fiction'] : [])],
  }));
}

const COMPANY = { id: 77, name: 'Crypt Pictures' };
const KEYWORD = { id: 88, name: 'haunted house' };

/** Links to a company and a keyword, and a run whose residuals tie in places and miss some films. */
async function seedLinksAndRun({ stores, handle }: TestDatabase): Promise<number> {
  const ids = catalogue().map((film) => film.tmdb_id);
  const { db } = handle;
  await db
    .insertInto('companies')
    .values({ ...COMPANY, origin_country: 'US' })
    .execute();
  await db.insertInto('keywords').values(KEYWORD).execute();
  await db
    .insertInto('movie_companies')
    .values(ids.filter((id) => id % 2 === 0).map((tmdb_id) => ({ tmdb_id, company_id: COMPANY.id })))
    .execute();
  await db
    .insertInto('movie_keywords')
    .values(ids.filter((id) => id % 3 === 0).map((tmdb_id) => ({ tmdb_id, keyword_id: KEYWORD.id })))
    .execute();
  const runId = await stores.trainingRuns.start({ startedAt: '2026-01-01T00:00:00.000Z' });
  await stores.trainingRuns.update(runId, { status: 'succeeded', finished_at: '2026-01-01T00:01:00.000Z' });
  await stores.trainingRuns.writeOutOfFoldPredictions(
    runId,
    ids
      .filter((id) => id % 5 !== 0)
      .flatMap((id) =>
        ['popularity_v2', 'rating_v2'].map((model_name) => ({
          train_run_id: runId,
          model_name,
          tmdb_id: id,
          actual: 1,
          predicted: 1,
          lower: null,
          upper: null,
          residual: (id % 4) / 2,
        })),
      ),
  );
  return runId;
}

const filters: FilmFilter[] = [
  { q: 'house' },
  { q: 'o' },
  { q: 'NUIT', genre: 'thriller' },
  { q: 'of', yearFrom: 2000, yearTo: 2010 },
  { q: 'the dead', language: 'en' },
  { q: 'a', minVotes: 20, genre: 'Science Fiction' },
  { q: 'o', company: COMPANY.id },
  { q: 'o', keyword: 'HAUNTED', genre: 'thriller' },
  { q: 'o', company: 'crypt', keyword: KEYWORD.id },
  { q: 'no such film' },
];
const sorts: FilmSort[] = ['popularity', 'rating', 'votes', 'release_date', 'residual', 'title'];
const orders: SortOrder[] = ['asc', 'desc'];
const pagings = [
  { limit: 5, offset: 0 },
  { limit: 7, offset: 4 },
  { limit: 100, offset: 0 },
];

function listQuery(filter: FilmFilter, sort: FilmSort, order: SortOrder, paging: (typeof pagings)[number]) {
  const query: MovieListQuery = {
    q: filter.q,
    year_from: filter.yearFrom,
    year_to: filter.yearTo,
    genre: filter.genre,
    language: filter.language,
    company: filter.company,
    keyword: filter.keyword,
    min_votes: filter.minVotes,
    sort,
    order,
    ...paging,
  };
  return query;
}

describeEachDialect('Title search in memory', (database) => {
  let runId: number;
  beforeAll(async () => {
    const { stores } = database();
    await stores.films.upsert(catalogue());
    runId = await seedLinksAndRun(database());
  });

  it('answers every filter, order and page as the database alone does', async () => {
    const { stores } = database();
    // A cap of 3 sends a title order of more matches back to the database, with the count known.
    const services = [undefined, 3].map((maxIndexedMatches) =>
      createInsightsService(
        stores.insights,
        stores.trainingRuns,
        createSearchIndex(stores.insights, stores.collectionRuns, { maxIndexedMatches }),
      ),
    );
    let compared = 0;
    for (const filter of filters) {
      for (const sort of sorts) {
        for (const order of orders) {
          for (const paging of pagings) {
            const expected = await stores.insights.searchFilms(filter, { by: sort, order }, paging, runId);
            for (const service of services) {
              const answer = await service.listMovies(listQuery(filter, sort, order, paging));
              const label = JSON.stringify({ filter, sort, order, paging });
              expect(answer.total, label).toBe(expected.total);
              expect(
                answer.items.map((item) => item.tmdb_id),
                label,
              ).toEqual(expected.rows.map((row) => row.tmdb_id));
              compared += expected.rows.length;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

describeEachDialect('Film index during a collection', (database) => {
  it('answers from the films read before while a collection runs, and from fresh ones once it ends', async () => {
    const { stores } = database();
    await stores.films.upsert(catalogue().slice(0, 10));
    const index = createSearchIndex(stores.insights, stores.collectionRuns);
    const count = async () => {
      const found = await index.search(
        {},
        { by: 'popularity', order: 'desc' },
        { limit: 1, offset: 0 },
        null,
      );
      if (found.kind !== 'page') throw new Error(`expected a page, got ${found.kind}`);
      return found.total;
    };
    expect(await count()).toBe(10);
    const day = '2026-02-01T00:00:00.000Z';
    const runId = await stores.collectionRuns.start({ source: 'demo', startedAt: day });
    await stores.films.upsert(catalogue().slice(10, 12), day);
    expect(await count()).toBe(10);
    await stores.collectionRuns.update(runId, { status: 'succeeded', finished_at: day, new_films: 2 });
    expect(await count()).toBe(12);
  });
});

describe('Title search in memory, without a database', () => {
  const films = Array.from({ length: 50 }, (_, i) => ({
    tmdb_id: i + 1,
    title: `The House ${i}`,
    original_title: null,
    release_date: null,
    original_language: 'en',
    genres: '["Horror"]',
    popularity: i % 17,
    vote_count: i % 5,
    vote_average: i % 3 ? 6 : null,
    residual_popularity: null,
  }));

  it('hands a title order to the database as ids, or with the count when there are too many', () => {
    const columns = filmColumns(films);
    const sort = { by: 'title' as const, order: 'asc' as const };
    const paging = { limit: 20, offset: 0 };
    expect(searchColumns(columns, { q: 'house' }, sort, paging, 10)).toEqual({ kind: 'database', total: 50 });
    expect(searchColumns(columns, { q: 'house 1' }, sort, paging, 11)).toEqual({
      kind: 'ids',
      ids: [2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    });
  });

  it('puts films nobody rated last in either order', () => {
    const columns = filmColumns(films);
    const rated = films.filter((f) => f.vote_average !== null).length;
    for (const order of orders) {
      const page = searchColumns(columns, { q: 'house' }, { by: 'rating', order }, { limit: 100, offset: 0 });
      if (page.kind !== 'page') throw new Error('expected a page');
      expect(page.total).toBe(50);
      expect(page.ids.slice(0, rated).every((id) => films[id - 1]!.vote_average !== null)).toBe(true);
      expect(page.ids.slice(rated).every((id) => films[id - 1]!.vote_average === null)).toBe(true);
    }
  });

  it('keeps the first of any count in the same order a full sort gives', () => {
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 101);
    const compare = (a: number, b: number) => values[a]! - values[b]! || a - b;
    const positions = values.map((_, i) => i);
    const sorted = [...positions].sort(compare);
    for (const count of [0, 1, 10, 124, 125, 500, 600]) {
      expect(firstInOrder(positions, compare, count), String(count)).toEqual(sorted.slice(0, count));
    }
  });
});
