import { beforeEach, describe, expect, it } from 'vitest';
import {
  clampPopularity,
  clampVoteAverage,
  SMALL_SAMPLE_TEST_FILMS,
  withSampleSize,
} from '../../src/persistence/index.js';
import { runTraining } from '../../src/training/run.js';
import { buildTestApp } from '../api/app.js';
import { seedDatabase, seededMetrics } from '../api/seed.js';
import { describeEachDialect } from '../helpers/databases.js';
import { demoMovies } from '../training/catalogue.js';

describe('prediction scales', () => {
  it('keeps a vote average within 0–10 and a popularity at or above 0', () => {
    expect([11.54, -0.3, 6.2].map(clampVoteAverage)).toEqual([10, 0, 6.2]);
    expect([-4.1, 0, 25.58].map(clampPopularity)).toEqual([0, 0, 25.58]);
  });

  it('flags metrics computed on fewer than 30 test films', () => {
    expect(SMALL_SAMPLE_TEST_FILMS).toBe(30);
    expect(withSampleSize(seededMetrics, 29)).toMatchObject({ test_count: 29, small_sample: true });
    expect(withSampleSize(seededMetrics, 30)).toMatchObject({ test_count: 30, small_sample: false });
  });
});

describeEachDialect(
  'predictions within their scales',
  (database) => {
    beforeEach(async () => {
      const { db } = database().handle;
      await db.deleteFrom('model_predictions').execute();
      await db.deleteFrom('train_runs').execute();
    });

    it('stores clamped predictions and a small_sample flag for a small test set', async () => {
      const { stores, handle } = database();
      // At most 60 films: a quarter held out is at most 15 test films, under the 30 that make figures trustworthy.
      await stores.films.upsert(demoMovies({ filmsPerYear: 20 }).slice(0, 60));
      const summary = await runTraining({ stores, settings: { trees: 5 }, threads: 1 });
      const testCount = summary.metrics?.test_count ?? 0;
      expect(testCount).toBeGreaterThan(0);
      expect(testCount).toBeLessThanOrEqual(15);
      expect(summary.metrics?.small_sample).toBe(true);
      const stored = await handle.db
        .selectFrom('model_predictions')
        .select(['predicted_popularity', 'predicted_vote_average'])
        .execute();
      expect(stored.length).toBeGreaterThan(0);
      for (const row of stored) {
        expect(row.predicted_vote_average).toBeGreaterThanOrEqual(0);
        expect(row.predicted_vote_average).toBeLessThanOrEqual(10);
        expect(row.predicted_popularity).toBeGreaterThanOrEqual(0);
      }

      const { app } = await buildTestApp(handle);
      try {
        const status = await app.inject({ method: 'GET', url: '/api/status' });
        expect(status.json().model.scores).toMatchObject({ test_count: testCount, small_sample: true });
      } finally {
        await app.close();
      }
    });

    it('serves predictions stored out of scale within it', async () => {
      const { stores, handle } = database();
      const { trainRunId } = await seedDatabase(stores, { snapshotsPerFilm: 1 });
      await handle.db
        .updateTable('model_predictions')
        .set({ predicted_vote_average: 11.54, predicted_popularity: -3 })
        .where('train_run_id', '=', trainRunId)
        .execute();
      const { app } = await buildTestApp(handle);
      try {
        const answer = await app.inject({ method: 'GET', url: '/api/predictions?limit=5' });
        expect(answer.statusCode).toBe(200);
        const items = answer.json().items as Array<Record<string, number>>;
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) {
          expect(item.predicted_vote_average).toBe(10);
          expect(item.predicted_popularity).toBe(0);
        }
      } finally {
        await app.close();
      }
    });
  },
  { dialects: ['sqlite', 'postgres'] },
);
