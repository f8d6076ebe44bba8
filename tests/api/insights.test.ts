import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from './app.js';
import { BLUMHOUSE, PREDICTED_POPULARITY, SLASHER, seedInsights } from './insights-seed.js';
import { seededFilm } from './seed.js';

async function getJson(app: FastifyInstance, url: string) {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

const idsOf = (body: { items: Array<{ tmdb_id: number }> }) => body.items.map((item) => item.tmdb_id);

describeEachDialect('Film explorer and insights API', (database) => {
  let test: TestApp;
  let newestRunId: number;

  beforeAll(async () => {
    ({ newestRunId } = await seedInsights(database().stores, database().handle));
    test = await buildTestApp(database().handle);
  });
  afterAll(async () => {
    await test?.app.close();
  });

  describe('GET /api/movies', () => {
    it('lists films by popularity with their newest out-of-fold predictions and the total', async () => {
      const { status, body } = await getJson(test.app, '/api/movies?limit=2');
      expect(status).toBe(200);
      expect(body).toMatchObject({ total: 40, limit: 2, offset: 0, hint: null });
      expect(body.items[0]).toEqual({
        tmdb_id: 40,
        title: 'Film 40',
        original_title: 'Film 40',
        release_date: '2020-05-13',
        year: 2020,
        poster_path: null,
        genres: ['Horror', 'Mystery'],
        original_language: 'en',
        popularity: 60,
        vote_count: 800,
        vote_average: 8,
        predicted_popularity: PREDICTED_POPULARITY,
        predicted_rating: 6,
        residual_popularity: expect.closeTo(Math.log1p(60) - Math.log1p(10), 9),
        residual_rating: expect.closeTo(2, 9),
      });
      expect(idsOf(body)).toEqual([40, 39]);
    });

    it('finds a title or original title in any case, and takes wildcards literally', async () => {
      const { body } = await getJson(test.app, '/api/movies?q=FILM%201&limit=100');
      expect(body.total).toBe(11);
      expect(idsOf(body).sort((a, b) => a - b)).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      const img = await getJson(test.app, `/api/movies?q=${encodeURIComponent('<IMG')}`);
      expect(idsOf(img.body)).toEqual([1]);
      for (const wildcard of ['%', '_', 'Film_1']) {
        const none = await getJson(test.app, `/api/movies?q=${encodeURIComponent(wildcard)}`);
        expect(none.body).toMatchObject({ total: 0, items: [] });
      }
    });

    it('filters by years, genre, language, company, keyword and votes', async () => {
      const sorted = async (query: string) => {
        const { status, body } = await getJson(test.app, `/api/movies?limit=100&${query}`);
        expect(status).toBe(200);
        expect(body.total).toBe(body.items.length);
        return idsOf(body).sort((a, b) => a - b);
      };
      expect(await sorted('year_from=2020&year_to=2021')).toEqual([10, 11, 25, 26, 40]);
      expect(await sorted('genre=thriller')).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i + 1));
      expect(await sorted('language=ja')).toEqual(Array.from({ length: 13 }, (_, i) => 3 * (i + 1)));
      expect(await sorted(`company=${BLUMHOUSE.id}`)).toEqual(BLUMHOUSE.films);
      expect(await sorted('company=blumhouse')).toEqual(BLUMHOUSE.films);
      expect(await sorted(`keyword=${SLASHER.id}`)).toEqual(SLASHER.films);
      expect(await sorted('keyword=SLASH')).toEqual(SLASHER.films);
      expect(await sorted('min_votes=700')).toEqual([35, 36, 37, 38, 39, 40]);
      expect(await sorted('genre=thriller&min_votes=700&language=en')).toEqual([35, 37]);
    });

    it('sorts by every key in both orders and pages through the result', async () => {
      const first = async (query: string) => idsOf((await getJson(test.app, `/api/movies?${query}`)).body)[0];
      expect(await first('sort=rating')).toBe(40);
      expect(await first('sort=votes&order=asc')).toBe(1);
      expect(await first('sort=residual')).toBe(40);
      expect(await first('sort=residual&order=asc')).toBe(1);
      expect(await first('sort=release_date&order=asc')).toBe(15);
      expect(await first('sort=release_date')).toBe(29);
      expect(await first('sort=title&q=Film%202')).toBe(2);
      const page = await getJson(test.app, '/api/movies?sort=votes&order=asc&limit=5&offset=5');
      expect(page.body).toMatchObject({ total: 40, limit: 5, offset: 5 });
      expect(idsOf(page.body)).toEqual([6, 7, 8, 9, 10]);
      const filteredPage = await getJson(
        test.app,
        '/api/movies?genre=thriller&sort=votes&order=asc&limit=5&offset=5',
      );
      expect(filteredPage.body).toMatchObject({ total: 20, offset: 5 });
      expect(idsOf(filteredPage.body)).toEqual([11, 13, 15, 17, 19]);
      const beyond = await getJson(test.app, '/api/movies?genre=thriller&offset=100');
      expect(beyond.body).toMatchObject({ total: 20, items: [] });
    });

    it('answers 400 naming the parameter for bad values', async () => {
      const cases: Array<[string, string]> = [
        ['limit=101', 'limit'],
        ['sort=bogus', 'sort'],
        ['order=up', 'order'],
        ['year_from=abc', 'year_from'],
        ['year_from=2020&year_to=2019', 'year_to'],
        ['language=English', 'language'],
        ['min_votes=-1', 'min_votes'],
        ['offset=-3', 'offset'],
        ['format=xml', 'format'],
      ];
      for (const [query, parameter] of cases) {
        const { status, body } = await getJson(test.app, `/api/movies?${query}`);
        expect(status, query).toBe(400);
        expect(body.message, query).toContain(`"${parameter}"`);
      }
      expect((await getJson(test.app, '/api/movies?colour=red')).status).toBe(400);
    });

    it('downloads the list as CSV by ?format=csv or Accept: text/csv', async () => {
      for (const request of [
        { url: '/api/movies?limit=3&format=csv', headers: {} },
        { url: '/api/movies?limit=3', headers: { accept: 'text/csv' } },
      ]) {
        const response = await test.app.inject({ method: 'GET', ...request });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/csv/);
        expect(response.headers['content-disposition']).toBe('attachment; filename="films.csv"');
        expect(response.body).toContain('\r\n');
        const rows: Array<Record<string, string>> = parse(response.body, { columns: true });
        expect(rows.map((r) => r.tmdb_id)).toEqual(['40', '39', '38']);
        expect(rows[0]).toMatchObject({ title: 'Film 40', genres: 'Horror; Mystery', popularity: '60' });
      }
      const xss = await test.app.inject({ method: 'GET', url: '/api/movies?q=img&format=csv' });
      const [row] = parse(xss.body, { columns: true }) as Array<Record<string, string>>;
      expect(row?.title).toBe('<img src=x onerror=alert(1)>');
    });
  });

  it('GET /api/predictions downloads as CSV too (the newest run has no linear predictions)', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/predictions?format=csv' });
    expect(response.headers['content-disposition']).toBe('attachment; filename="predictions.csv"');
    expect(response.body).toBe(
      'tmdb_id,title,predicted_popularity,actual_popularity,predicted_vote_average,actual_vote_average,mae_popularity,mae_vote_average\r\n',
    );
  });

  it('searches titles in the database too (any case, wildcards literal), as very common words do', async () => {
    const search = (q: string) =>
      database().stores.insights.searchFilms(
        { q },
        { by: 'votes', order: 'asc' },
        { limit: 100, offset: 0 },
        null,
      );
    const found = await search('FILM 1');
    expect(found.total).toBe(11);
    expect(found.rows.map((r) => r.tmdb_id)).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect((await search('<IMG')).rows.map((r) => r.tmdb_id)).toEqual([1]);
    for (const wildcard of ['%', '_', 'Film_1']) expect((await search(wildcard)).total).toBe(0);
  });

  describe('GET /api/movies/:id', () => {
    it("adds each model's out-of-fold prediction in words and the stored neighbours with reasons", async () => {
      const { status, body } = await getJson(test.app, '/api/movies/40');
      expect(status).toBe(200);
      expect(body.predictions).toEqual([
        {
          model: 'popularity_v2',
          target: 'popularity',
          predicted: 10,
          lower: 5,
          upper: 20,
          actual: 60,
          residual: expect.any(Number),
          ratio: expect.closeTo(61 / 11, 9),
          in_words: '5.5× as popular as films like it',
        },
        {
          model: 'rating_v2',
          target: 'rating',
          predicted: 6,
          lower: 5,
          upper: 7,
          actual: 8,
          residual: expect.closeTo(2, 9),
          ratio: expect.closeTo(8 / 6, 9),
          in_words: 'rated 2 points above films like it',
        },
      ]);
      const film2 = await getJson(test.app, '/api/movies/2');
      expect(film2.body.similar).toEqual([
        {
          tmdb_id: 4,
          title: 'Film 4',
          year: 2014,
          poster_path: null,
          distance: 0.5,
          shared_genres: 2,
          shared_keywords: 1,
          reason: 'both 2010s; both mystery, slasher; similar runtime',
        },
        expect.objectContaining({ tmdb_id: 16, year: 2011, reason: 'both 2010s; both mystery' }),
      ]);
      expect(film2.body.predictions[0].in_words).toBe('only 0.4× as popular as films like it');
      expect((await getJson(test.app, '/api/movies/40')).body.similar).toEqual([]);
    });
  });

  describe('GET /api/insights/under-over-rated', () => {
    it('ranks by out-of-fold residual in both directions, with filters, from the newest run', async () => {
      const over = await getJson(
        test.app,
        '/api/insights/under-over-rated?target=popularity&direction=over&limit=3',
      );
      expect(over.status).toBe(200);
      expect(over.body).toMatchObject({
        run_id: newestRunId,
        target: 'popularity',
        direction: 'over',
        total: 40,
      });
      expect(idsOf(over.body)).toEqual([40, 39, 38]);
      expect(over.body.items[0]).toEqual({
        tmdb_id: 40,
        title: 'Film 40',
        year: 2020,
        actual: 60,
        predicted: 10,
        lower: 5,
        upper: 20,
        residual: expect.any(Number),
        ratio: expect.closeTo(61 / 11, 9),
        in_words: '5.5× as popular as films like it',
      });
      const under = await getJson(test.app, '/api/insights/under-over-rated?direction=under&limit=2');
      expect(idsOf(under.body)).toEqual([1, 2]);
      const rating = await getJson(
        test.app,
        '/api/insights/under-over-rated?target=rating&direction=over&genre=Thriller&min_votes=200&year_to=2022',
      );
      expect(rating.body.items.every((i: { year: number }) => i.year <= 2022)).toBe(true);
      expect(rating.body.items[0]).toMatchObject({
        tmdb_id: 39,
        in_words: 'rated 1.9 points above films like it',
      });
      expect(rating.body.total).toBe(rating.body.items.length);
    });

    it('answers 400 naming the parameter, and CSV on request', async () => {
      const bad = await getJson(test.app, '/api/insights/under-over-rated?target=budget');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('"target"');
      const csv = await test.app.inject({
        method: 'GET',
        url: '/api/insights/under-over-rated?direction=over&limit=2',
        headers: { accept: 'text/csv' },
      });
      expect(csv.headers['content-disposition']).toBe('attachment; filename="over-rated-popularity.csv"');
      const rows: Array<Record<string, string>> = parse(csv.body, { columns: true });
      expect(rows.map((r) => [r.tmdb_id, r.in_words])).toEqual([
        ['40', '5.5× as popular as films like it'],
        ['39', '5.4× as popular as films like it'],
      ]);
    });
  });

  describe('GET /api/insights/movers', () => {
    it('lists risers and fallers by relative and absolute change since the window start', async () => {
      const risers = await getJson(test.app, '/api/insights/movers?window=7&direction=risers&limit=4');
      expect(risers.status).toBe(200);
      expect(risers.body).toMatchObject({ window_days: 7, since: '2025-12-28T00:00:00.000Z' });
      expect(idsOf(risers.body)).toEqual([6, 7, 8, 9]);
      expect(risers.body.items[0]).toEqual({
        tmdb_id: 6,
        title: 'Film 6',
        year: 2016,
        from: 9,
        to: 18,
        change: 9,
        relative_change: 1,
      });
      const absolute = await getJson(test.app, '/api/insights/movers?measure=absolute&limit=3');
      expect(idsOf(absolute.body)).toEqual([8, 7, 6]);
      const fallers = await getJson(
        test.app,
        '/api/insights/movers?window=30&direction=fallers&measure=absolute',
      );
      expect(idsOf(fallers.body)).toEqual([5, 4, 3, 2, 1]);
      expect(fallers.body.items[0]).toMatchObject({
        from: 7.5,
        to: 3.75,
        change: -3.75,
        relative_change: -0.5,
      });
      const relative = await getJson(test.app, '/api/insights/movers?direction=fallers');
      expect(idsOf(relative.body)).toEqual([1, 2, 3, 4, 5]);
    });

    it('answers 400 for an unknown window, and CSV on request', async () => {
      const bad = await getJson(test.app, '/api/insights/movers?window=14');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('"window"');
      const csv = await test.app.inject({
        method: 'GET',
        url: '/api/insights/movers?direction=fallers&format=csv',
      });
      const rows: Array<Record<string, string>> = parse(csv.body, { columns: true });
      expect(rows.map((r) => r.tmdb_id)).toEqual(['1', '2', '3', '4', '5']);
      expect(Object.keys(rows[0]!)).toEqual([
        'tmdb_id',
        'title',
        'year',
        'from',
        'to',
        'change',
        'relative_change',
      ]);
    });
  });

  describe('GET /api/insights/release-months', () => {
    it('gives each month its count and quartiles, and says how October compares', async () => {
      const { status, body } = await getJson(test.app, '/api/insights/release-months');
      expect(status).toBe(200);
      expect(body.months).toHaveLength(12);
      // Films 9, 21 and 33 come out in October (popularity 13.5, 31.5, 49.5).
      expect(body.months[9]).toEqual({
        month: 10,
        name: 'October',
        film_count: 3,
        popularity: { median: 31.5, q1: 22.5, q3: 40.5 },
        rating: { median: expect.any(Number), q1: expect.any(Number), q3: expect.any(Number) },
      });
      expect(body.months.reduce((n: number, m: { film_count: number }) => n + m.film_count, 0)).toBe(40);
      expect(body.october_vs_rest).toMatchObject({
        october: { film_count: 3, median_popularity: 31.5 },
        rest: { film_count: 37, median_popularity: 30 },
        popularity_ratio: 1.05,
      });
      expect(body.sentence).toBe("October films are 1.1× as popular as other months' (median 31.5 vs 30).");
      const csv = await test.app.inject({ method: 'GET', url: '/api/insights/release-months?format=csv' });
      const rows: Array<Record<string, string>> = parse(csv.body, { columns: true });
      expect(rows).toHaveLength(12);
      expect(rows[9]).toMatchObject({
        month: '10',
        name: 'October',
        film_count: '3',
        popularity_median: '31.5',
      });
    });
  });

  describe('GET /api/insights/model-history', () => {
    it('lists every successful run and flags a score outside the earlier runs’ spread', async () => {
      const { status, body } = await getJson(test.app, '/api/insights/model-history');
      expect(status).toBe(200);
      expect(body.runs).toHaveLength(4);
      expect(
        body.runs.map(
          (r: { metrics: { rf_regression_r2: { mean: number } } }) => r.metrics.rf_regression_r2.mean,
        ),
      ).toEqual([0.34, 0.35, 0.33, 0.1]);
      expect(body.runs.slice(0, 3).flatMap((r: { flagged: unknown[] }) => r.flagged)).toEqual([]);
      expect(body.runs[3]).toMatchObject({ run_id: newestRunId, sample_count: 40 });
      expect(body.runs[3].flagged).toEqual([
        {
          metric: 'rf_regression_r2',
          mean: 0.1,
          previous_mean: expect.closeTo(0.34, 9),
          previous_std: expect.closeTo(0.01, 9),
          worse: true,
        },
      ]);
      const statusAnswer = await getJson(test.app, '/api/status');
      expect(statusAnswer.body.model_alerts).toEqual([
        expect.objectContaining({ run_id: newestRunId, metric: 'rf_regression_r2', worse: true }),
      ]);
    });
  });

  it('finds a film collected after the first search (the title index follows collections)', async () => {
    expect((await getJson(test.app, '/api/movies?q=Late%20Arrival')).body.total).toBe(0);
    const { stores } = database();
    const day = '2026-01-05T00:00:00.000Z';
    const runId = await stores.collectionRuns.start({ source: 'demo', startedAt: day });
    await stores.films.upsert([{ ...seededFilm(41), title: 'The Late Arrival' }], day);
    await stores.collectionRuns.update(runId, { status: 'succeeded', finished_at: day, new_films: 1 });
    const { body } = await getJson(test.app, '/api/movies?q=late%20ARRIVAL');
    expect(body).toMatchObject({ total: 1, items: [{ tmdb_id: 41, title: 'The Late Arrival' }] });
  });
});

describeEachDialect('Film explorer on an empty database', (database) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await buildTestApp(database().handle);
  });
  afterAll(async () => {
    await test?.app.close();
  });

  it('answers empty lists with a hint', async () => {
    const movies = await getJson(test.app, '/api/movies?q=anything');
    expect(movies.status).toBe(200);
    expect(movies.body).toMatchObject({
      total: 0,
      items: [],
      hint: expect.stringContaining('horrorcast ingest'),
    });
    const ranked = await getJson(test.app, '/api/insights/under-over-rated');
    expect(ranked.body).toMatchObject({ run_id: null, items: [], hint: expect.any(String) });
    const movers = await getJson(test.app, '/api/insights/movers');
    expect(movers.body).toMatchObject({ window_days: 7, since: null, items: [], hint: expect.any(String) });
    const months = await getJson(test.app, '/api/insights/release-months');
    expect(months.body.sentence).toBe(
      'Not enough films with release dates to compare October with the other months.',
    );
    expect((await getJson(test.app, '/api/insights/model-history')).body).toEqual({ runs: [] });
    expect((await getJson(test.app, '/api/status')).body.model_alerts).toEqual([]);
  });
});
