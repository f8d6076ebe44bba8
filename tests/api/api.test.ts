import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loseFilmsTable } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from './app.js';
import { seedDatabase, seededFilm, seededMetrics, xssTitle } from './seed.js';

const adminToken = 'test-admin-token-5f2c9e1a7b3d8c6e0f4a2b9d';

async function getJson(app: FastifyInstance, url: string) {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

describeEachDialect(
  'API on a seeded database',
  (database, dialect) => {
    let test: TestApp;
    let films: number;

    beforeAll(async () => {
      ({ films } = await seedDatabase(database().stores));
      test = await buildTestApp(database().handle, { adminToken });
    });
    afterAll(async () => {
      await test?.app.close();
    });

    it('GET /health and /api/health answer ok', async () => {
      const health = await getJson(test.app, '/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
      const api = await getJson(test.app, '/api/health');
      expect(api.status).toBe(200);
      expect(api.body).toMatchObject({ status: 'ok', database: dialect });
    });

    it('GET /api/summary lists the 10 most popular films, most popular first', async () => {
      const { status, body } = await getJson(test.app, '/api/summary');
      expect(status).toBe(200);
      expect(body.hint).toBeNull();
      expect(body.items).toHaveLength(10);
      expect(body.items[0]).toMatchObject({
        tmdb_id: films,
        title: `Film ${films}`,
        popularity: films * 1.5,
      });
      const popularity = body.items.map((f: { popularity: number }) => f.popularity);
      expect(popularity).toEqual([...popularity].sort((a, b) => b - a));
      expect((await getJson(test.app, '/api/summary/')).status).toBe(200);
    });

    it('GET /api/predictions lists the top 20 linear predictions with actual values and scores', async () => {
      const { status, body } = await getJson(test.app, '/api/predictions');
      expect(status).toBe(200);
      expect(body.items).toHaveLength(20);
      expect(body.items[0]).toEqual({
        tmdb_id: films,
        title: `Film ${films}`,
        predicted_popularity: expect.any(Number),
        actual_popularity: films * 1.5,
        predicted_vote_average: expect.any(Number),
        actual_vote_average: expect.any(Number),
        mae_popularity: expect.any(Number),
        mae_vote_average: expect.any(Number),
      });
      expect(body.run).toMatchObject({ sample_count: films });
      expect(body.metrics.popularity).toEqual({
        mae: 3.4,
        r2: 0.22,
        cv_mae: seededMetrics.cv5.linear_popularity_mae,
        cv_r2: seededMetrics.cv5.linear_popularity_r2,
      });
      expect(body.metrics.vote_average).toMatchObject({ mae: 0.75, r2: 0.26, cv_mae: null });
    });

    it('GET /api/horror/regression/features ranks features and honours ?limit', async () => {
      const all = await getJson(test.app, '/api/horror/regression/features');
      expect(all.body.items.map((f: { rank: number }) => f.rank)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(all.body.items[0]).toEqual({ feature: 'vote_count', importance: 6 / 21, rank: 1 });
      const two = await getJson(test.app, '/api/horror/regression/features?limit=2');
      expect(two.body.items).toHaveLength(2);
    });

    it('GET /api/horror/regression/predictions filters by set and pages', async () => {
      const test_ = await getJson(test.app, '/api/horror/regression/predictions');
      expect(test_.status).toBe(200);
      expect(test_.body.set).toBe('test');
      expect(test_.body.total).toBe(films / 4);
      expect(test_.body.items.every((p: { in_test_set: boolean }) => p.in_test_set)).toBe(true);
      expect(test_.body.metrics).toMatchObject({ mae: 2.6, r2: 0.32, cv_r2: { mean: 0.34, std: 0.09 } });
      const page = await getJson(test.app, '/api/horror/regression/predictions?set=all&limit=5&offset=5');
      expect(page.body.total).toBe(films);
      expect(page.body.items.map((p: { tmdb_id: number }) => p.tmdb_id)).toEqual([6, 7, 8, 9, 10]);
    });

    it('GET /api/horror/classification gives the confusion matrix, ROC curve and AUC', async () => {
      const { status, body } = await getJson(test.app, '/api/horror/classification');
      expect(status).toBe(200);
      expect(body.result).toMatchObject({
        threshold: 6.4,
        accuracy: 0.78,
        auc: 0.85,
        cv_auc: { mean: 0.85, std: 0.01 },
        confusion: { true_negatives: 4, false_positives: 1, false_negatives: 1, true_positives: 4 },
        roc: { fpr: [0, 0.2, 0.5, 1], tpr: [0, 0.6, 0.9, 1] },
      });
    });

    it('GET /api/horror/clustering/pca and /profiles describe the clusters', async () => {
      const pca = await getJson(test.app, '/api/horror/clustering/pca');
      expect(pca.body).toMatchObject({
        clusters: 3,
        explained_variance: [0.41, 0.22],
        total: films,
        hint: null,
      });
      expect(pca.body.items[0]).toEqual({ tmdb_id: 1, title: xssTitle, cluster: 0, pc1: -3, pc2: -2 });
      const profiles = await getJson(test.app, '/api/horror/clustering/profiles');
      expect(profiles.body.items.map((p: { cluster: number }) => p.cluster)).toEqual([0, 1, 2]);
      expect(profiles.body.items[1]).toEqual({
        cluster: 1,
        film_count: 13,
        avg_popularity: 11,
        avg_vote_average: 5.5,
        avg_runtime: 95,
        avg_vote_count: 400,
      });
    });

    it('GET /api/runs lists collections and trainings, newest first', async () => {
      const { body } = await getJson(test.app, '/api/runs?limit=2');
      expect(body.ingest).toHaveLength(2);
      expect(body.ingest[0].id).toBeGreaterThan(body.ingest[1].id);
      expect(body.ingest[0]).toMatchObject({ status: 'succeeded', source: 'demo', snapshots: films });
      expect(body.train[0]).toMatchObject({
        status: 'succeeded',
        sample_count: films,
        metrics: seededMetrics,
      });
    });

    it('GET /api/movies/:id returns the film, its snapshot history and its prediction', async () => {
      const { status, body } = await getJson(test.app, '/api/movies/7');
      expect(status).toBe(200);
      expect(body.movie).toMatchObject({
        tmdb_id: 7,
        title: 'Film 7',
        genres: ['Horror', 'Thriller'],
        runtime: 87,
      });
      expect(body.snapshots.map((s: { popularity: number }) => s.popularity)).toEqual([10.5, 11.5, 12.5]);
      expect(body.prediction).toMatchObject({ tmdb_id: 7, actual_popularity: 10.5 });
      const latestTwo = await getJson(test.app, '/api/movies/7?snapshots=2');
      expect(latestTwo.body.snapshots.map((s: { popularity: number }) => s.popularity)).toEqual([11.5, 12.5]);
    });

    it("GET /api/movies/:id returns the film's facts, and empty facts for a film without them", async () => {
      await database().stores.films.upsert([
        {
          ...seededFilm(9),
          budget: 4_500_000,
          revenue: null,
          status: 'Released',
          tagline: 'Some doors should stay closed.',
          us_release_date: '2019-10-25',
          spoken_languages: ['en', 'es'],
          collection: { id: 656, name: 'Saw Collection' },
          companies: [{ id: 3172, name: 'Blumhouse Productions', origin_country: 'US' }],
          countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
          keywords: [{ id: 12339, name: 'slasher' }],
          details_version: 2,
        },
      ]);
      const { status, body } = await getJson(test.app, '/api/movies/9');
      expect(status).toBe(200);
      expect(body.facts).toEqual({
        budget: 4_500_000,
        revenue: null,
        status: 'Released',
        tagline: 'Some doors should stay closed.',
        us_release_date: '2019-10-25',
        spoken_languages: ['en', 'es'],
        companies: [{ id: 3172, name: 'Blumhouse Productions', origin_country: 'US' }],
        countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
        collection: { id: 656, name: 'Saw Collection' },
        keywords: [{ id: 12339, name: 'slasher' }],
      });
      expect(body.movie).not.toHaveProperty('budget');
      const bare = await getJson(test.app, '/api/movies/8');
      expect(bare.body.facts).toEqual({
        budget: null,
        revenue: null,
        status: null,
        tagline: null,
        us_release_date: null,
        spoken_languages: [],
        companies: [],
        countries: [],
        collection: null,
        keywords: [],
      });
    });

    it('GET /api/status reports the last collection and training and the demo source', async () => {
      const { body } = await getJson(test.app, '/api/status');
      expect(body).toMatchObject({
        data_source: 'demo',
        configured_source: 'demo',
        films,
        snapshots: films * 3,
        last_collection: { status: 'succeeded', source: 'demo', updated_films: films },
        last_training: { status: 'succeeded', sample_count: films },
        model: {
          sample_count: films,
          scores: { clusters: 3, rf_classification: { accuracy: 0.78, auc: 0.85 } },
        },
        hint: null,
      });
    });

    it('GET /api/config exposes the poll interval', async () => {
      const { body } = await getJson(test.app, '/api/config');
      expect(body).toEqual({ poll_interval_ms: 30_000, configured_source: 'demo' });
    });

    it('answers 400 naming the bad parameter', async () => {
      const cases: Array<[string, string]> = [
        ['/api/runs?limit=0', 'query parameter "limit"'],
        ['/api/runs?limit=1000', 'query parameter "limit"'],
        ['/api/runs?limit=ten', 'query parameter "limit"'],
        ['/api/horror/regression/predictions?set=everything', 'query parameter "set"'],
        ['/api/horror/clustering/pca?offset=-1', 'query parameter "offset"'],
        ['/api/horror/regression/features?limt=3', 'query parameter "limt"'],
        ['/api/movies/abc', 'path parameter "id"'],
        ['/api/movies/-4', 'path parameter "id"'],
      ];
      for (const [url, named] of cases) {
        const { status, body } = await getJson(test.app, url);
        expect(status, url).toBe(400);
        expect(body.statusCode).toBe(400);
        expect(body.message, url).toContain(named);
      }
      const range = await getJson(test.app, '/api/runs?limit=0');
      expect(range.body.message).toContain('between 1 and 100');
    });

    it('answers JSON 404 for unknown paths, films and jobs', async () => {
      for (const url of ['/api/nope', '/nothing/here', '/api/movies/999999', '/api/jobs/unknown-job']) {
        const response = await test.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(404);
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
    });

    it('POST /api/jobs/* needs the admin token: 401 without or with a wrong one', async () => {
      for (const url of ['/api/jobs/ingest', '/api/jobs/train']) {
        const missing = await test.app.inject({ method: 'POST', url });
        expect(missing.statusCode).toBe(401);
        expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
        const wrong = await test.app.inject({
          method: 'POST',
          url,
          headers: { authorization: 'Bearer not-the-token' },
        });
        expect(wrong.statusCode).toBe(401);
        expect(wrong.json().message).toContain('admin token');
      }
      expect(test.jobs.ingestRequests).toHaveLength(0);
      expect(test.jobs.trainRequests).toBe(0);
    });

    it('POST /api/jobs/* with the token queues a job and GET /api/jobs/:id follows it', async () => {
      const ingest = await test.app.inject({
        method: 'POST',
        url: '/api/jobs/ingest',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { from: 2020, to: 2021, pages: 2 },
      });
      expect(ingest.statusCode).toBe(202);
      const accepted = ingest.json();
      expect(accepted).toMatchObject({ deduplicated: false, status_url: `/api/jobs/${accepted.id}` });
      expect(test.jobs.ingestRequests.at(-1)).toEqual({ from: 2020, to: 2021, pages: 2 });

      const job = await getJson(test.app, accepted.status_url);
      expect(job.status).toBe(200);
      expect(job.body).toMatchObject({ id: accepted.id, kind: 'ingest', state: 'queued', finished_at: null });

      const train = await test.app.inject({
        method: 'POST',
        url: '/api/jobs/train',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(train.statusCode).toBe(202);
      expect(test.jobs.trainRequests).toBe(1);
    });

    it('POST /api/jobs/ingest rejects a bad body, naming the field', async () => {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/jobs/ingest',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { from: 2022, to: 2020 },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain('body field "to"');
      const pages = await test.app.inject({
        method: 'POST',
        url: '/api/jobs/ingest',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { pages: 'many' },
      });
      expect(pages.json().message).toContain('body field "pages"');
    });

    it('never writes the admin token or the authorization header to the log', async () => {
      await test.app.inject({
        method: 'POST',
        url: '/api/jobs/train',
        headers: { authorization: 'Bearer a-wrong-token-8d1e' },
      });
      const log = test.logs.join('');
      expect(log).toContain('request completed');
      expect(log).not.toContain(adminToken);
      expect(log).not.toContain('a-wrong-token-8d1e');
    });

    it('sends security headers, a CSP without inline scripts, and compresses', async () => {
      const response = await test.app.inject({
        method: 'GET',
        url: '/api/predictions',
        headers: { 'accept-encoding': 'gzip' },
      });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-encoding']).toBe('gzip');
    });

    it('serves the dashboard, its modules and Chart.js with cache headers', async () => {
      const page = await test.app.inject({ method: 'GET', url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const chart = await test.app.inject({ method: 'GET', url: '/vendor/chart.js/chart.umd.min.js' });
      expect(chart.statusCode).toBe(200);
      expect(chart.headers['cache-control']).toBe('public, max-age=86400');
      const hidden = await test.app.inject({ method: 'GET', url: '/vendor/chart.js/chart.cjs' });
      expect(hidden.statusCode).toBe(404);
    });

    it('serves the OpenAPI document and Swagger UI at /docs', async () => {
      const doc = await getJson(test.app, '/docs/json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/summary',
          '/api/predictions',
          '/api/horror/regression/features',
          '/api/horror/clustering/pca',
          '/api/movies/{id}',
          '/api/jobs/ingest',
        ]),
      );
      expect(doc.body.paths['/api/runs'].get.parameters[0]).toMatchObject({ name: 'limit', in: 'query' });
      const ui = await test.app.inject({ method: 'GET', url: '/docs/' });
      expect(ui.statusCode).toBe(200);
      expect(ui.body).toContain('swagger-ui');
      expect(ui.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[^"']*\.js/);
    });
  },
  { dialects: ['sqlite', 'mysql', 'postgres'] },
);

describeEachDialect('API on an empty database', (database) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await buildTestApp(database().handle);
  });
  afterAll(async () => {
    await test?.app.close();
  });

  it('answers 200 with empty lists and a hint that says what to run', async () => {
    const urls = [
      '/api/summary',
      '/api/predictions',
      '/api/horror/regression/features',
      '/api/horror/regression/predictions',
      '/api/horror/clustering/pca',
      '/api/horror/clustering/profiles',
    ];
    for (const url of urls) {
      const { status, body } = await getJson(test.app, url);
      expect(status, url).toBe(200);
      expect(body.items, url).toEqual([]);
      expect(body.hint, url).toMatch(/horrorcast ingest|npm start/);
    }
    const classification = await getJson(test.app, '/api/horror/classification');
    expect(classification.body).toMatchObject({ run: null, result: null, hint: expect.any(String) });
    const status = await getJson(test.app, '/api/status');
    expect(status.body).toMatchObject({ films: 0, last_collection: null, last_training: null, model: null });
    const runs = await getJson(test.app, '/api/runs');
    expect(runs.body).toEqual({ ingest: [], train: [] });
  });

  it('answers 503 on job endpoints when no ADMIN_TOKEN is configured, saying why', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/jobs/train',
      headers: { authorization: 'Bearer anything' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toContain('ADMIN_TOKEN is not set');
    expect(test.jobs.trainRequests).toBe(0);
  });
});

describe('API error handler', () => {
  it('rate limits unknown paths per address', async () => {
    const { createTestDatabase } = await import('../helpers/databases.js');
    const database = await createTestDatabase('sqlite');
    const test = await buildTestApp(database.handle);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 125; i++) {
        statuses.push((await test.app.inject({ method: 'GET', url: `/probe-${i}` })).statusCode);
      }
      expect(statuses.filter((s) => s === 404)).toHaveLength(120);
      const limited = await test.app.inject({ method: 'GET', url: '/one-more' });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('60');
      expect((await test.app.inject({ method: 'GET', url: '/api/summary' })).statusCode).toBe(200);
    } finally {
      await test.app.close();
      await database.drop();
    }
  });

  it('hides 5xx details from the client and logs them', async () => {
    const { createTestDatabase } = await import('../helpers/databases.js');
    const database = await createTestDatabase('sqlite');
    const test = await buildTestApp(database.handle);
    await loseFilmsTable(database.handle);
    try {
      const response = await test.app.inject({ method: 'GET', url: '/api/summary' });
      expect(response.statusCode).toBe(500);
      expect(response.json().message).not.toMatch(/movies|sqlite|no such table/i);
      expect(test.logs.join('')).toMatch(/no such table/);
    } finally {
      await test.app.close();
      await database.drop();
    }
  });
});
