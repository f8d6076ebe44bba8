import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { createWiring, type Wiring } from '../../src/wiring.js';
import { createRecordingJobRunner } from '../api/fake-jobs.js';
import { seedDatabase } from '../api/seed.js';
import { describeEachDialect } from '../helpers/databases.js';
import { sample } from './exposition.js';
import { checkWithPromtool, itWithPromtool } from './promtool.js';

describeEachDialect('GET /metrics on the web process', (database) => {
  let wiring: Wiring;
  let app: FastifyInstance;
  let films: number;

  beforeAll(async () => {
    ({ films } = await seedDatabase(database().stores));
    wiring = createWiring({
      config: loadConfig({ DATABASE_URL: database().url }),
      logger: createLogger({ level: 'silent' }),
      database: database().handle,
    });
    const jobs = createRecordingJobRunner();
    await jobs.enqueueIngest();
    app = await wiring.webApp(jobs);
    await app.ready();
  });
  afterAll(async () => {
    await wiring?.close();
  });

  async function scrape(): Promise<string> {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  }

  it('counts requests by route pattern and status, never by raw URL', async () => {
    for (const id of [1, 2, 3]) await app.inject({ method: 'GET', url: `/api/movies/${id}` });
    await app.inject({ method: 'GET', url: '/api/movies/999999' });
    await app.inject({ method: 'GET', url: '/no/such/page-123' });
    const exposition = await scrape();
    const movie = { process: 'web', method: 'GET', route: '/api/movies/:id' };
    expect(sample(exposition, 'horrorcast_http_requests_total', { ...movie, status_code: '200' })).toBe(3);
    expect(sample(exposition, 'horrorcast_http_requests_total', { ...movie, status_code: '404' })).toBe(1);
    expect(
      sample(exposition, 'horrorcast_http_request_duration_seconds_count', { ...movie, status_code: '200' }),
    ).toBe(3);
    expect(exposition).toContain('route="unmatched",status_code="404"');
    expect(exposition).not.toContain('/api/movies/1"');
    expect(exposition).not.toContain('page-123');
  });

  it('reports films, snapshots, the newest model scores and queue depths when scraped', async () => {
    const exposition = await scrape();
    const web = { process: 'web' };
    expect(sample(exposition, 'horrorcast_films', web)).toBe(films);
    expect(sample(exposition, 'horrorcast_snapshots', web)).toBe(films * 3);
    const score = (model: string, metric: string) =>
      sample(exposition, 'horrorcast_model_score', { ...web, model, metric });
    expect(score('rf_regression', 'r2')).toBe(0.32);
    expect(score('rf_regression', 'cv_r2_mean')).toBe(0.34);
    expect(score('rf_classification', 'auc')).toBe(0.85);
    expect(sample(exposition, 'horrorcast_model_run_id', web)).toBeGreaterThan(0);
    expect(sample(exposition, 'horrorcast_queue_jobs', { ...web, kind: 'ingest', state: 'queued' })).toBe(1);
    expect(sample(exposition, 'horrorcast_queue_jobs', { ...web, kind: 'train', state: 'queued' })).toBe(0);
    expect(
      sample(exposition, 'horrorcast_jobs_finished_total', { ...web, kind: 'train', outcome: 'failed' }),
    ).toBe(0);
    expect(exposition).toContain('process_cpu_seconds_total');
    expect(exposition).toContain('nodejs_eventloop_lag_seconds');
  });

  itWithPromtool('passes promtool check metrics', async () => {
    checkWithPromtool(await scrape());
  });
});
