import type { DatabaseHandle, Stores, TrainingMetrics } from '../../src/persistence/index.js';
import { seedDatabase, seededMetrics } from './seed.js';

export const BLUMHOUSE = { id: 10, name: 'Blumhouse Productions', films: [2, 3] };
export const SLASHER = { id: 100, name: 'slasher', films: [2, 4] };
/** Out-of-fold predictions every film gets: popularity 10, rating 6. */
export const PREDICTED_POPULARITY = 10;
export const PREDICTED_RATING = 6;

/** Companies and keywords: the collection writes them, no store reads them back one by one. */
async function seedFacts({ db }: DatabaseHandle): Promise<void> {
  await db
    .insertInto('companies')
    .values({ id: BLUMHOUSE.id, name: BLUMHOUSE.name, origin_country: 'US' })
    .execute();
  await db
    .insertInto('movie_companies')
    .values(BLUMHOUSE.films.map((tmdb_id) => ({ tmdb_id, company_id: BLUMHOUSE.id })))
    .execute();
  await db.insertInto('keywords').values({ id: SLASHER.id, name: SLASHER.name }).execute();
  await db
    .insertInto('movie_keywords')
    .values(SLASHER.films.map((tmdb_id) => ({ tmdb_id, keyword_id: SLASHER.id })))
    .execute();
}

function withRegressionR2(mean: number): TrainingMetrics {
  return { ...seededMetrics, cv5: { ...seededMetrics.cv5, rf_regression_r2: { mean, std: 0.05 } } };
}

async function succeededRun(stores: Stores, day: number, metrics: TrainingMetrics): Promise<number> {
  const at = new Date(Date.UTC(2026, 0, day, 2)).toISOString();
  const runId = await stores.trainingRuns.start({ startedAt: at });
  await stores.trainingRuns.update(runId, {
    status: 'succeeded',
    finished_at: at,
    sample_count: 40,
    metrics,
  });
  return runId;
}

/**
 * The API seed (40 films, three collections, one run), then a fourth collection in which films 1–5
 * lose half their popularity and films 6–8 double, three more training runs (the last one's
 * random-forest R² far below the others') and that last run's out-of-fold predictions and neighbours.
 */
export async function seedInsights(
  stores: Stores,
  handle: DatabaseHandle,
): Promise<{ newestRunId: number; films: number }> {
  const { films } = await seedDatabase(stores);
  await seedFacts(handle);

  const day = '2026-01-04T00:00:00.000Z';
  const collection = await stores.collectionRuns.start({
    source: 'demo',
    startedAt: day,
    yearFrom: 2010,
    yearTo: 2026,
  });
  const moved = Array.from({ length: 8 }, (_, i) => i + 1);
  await stores.films.insertSnapshots(
    moved.map((id) => ({
      tmdb_id: id,
      ingest_run_id: collection,
      snapshot_ts: day,
      popularity: id <= 5 ? (id * 1.5) / 2 : id * 1.5 * 2,
      vote_count: id * 20,
      vote_average: 5,
    })),
  );
  await stores.collectionRuns.update(collection, { status: 'succeeded', finished_at: day, snapshots: 8 });

  await succeededRun(stores, 5, withRegressionR2(0.35));
  await succeededRun(stores, 6, withRegressionR2(0.33));
  const newestRunId = await succeededRun(stores, 7, withRegressionR2(0.1));

  const ids = Array.from({ length: films }, (_, i) => i + 1);
  await stores.trainingRuns.writeOutOfFoldPredictions(
    newestRunId,
    ids.flatMap((id) => {
      const popularity = id * 1.5;
      const rating = 4 + (id % 50) / 10;
      return [
        {
          train_run_id: newestRunId,
          model_name: 'popularity_v2',
          tmdb_id: id,
          actual: popularity,
          predicted: PREDICTED_POPULARITY,
          lower: 5,
          upper: 20,
          residual: Math.log1p(popularity) - Math.log1p(PREDICTED_POPULARITY),
        },
        {
          train_run_id: newestRunId,
          model_name: 'rating_v2',
          tmdb_id: id,
          actual: rating,
          predicted: PREDICTED_RATING,
          lower: 5,
          upper: 7,
          residual: rating - PREDICTED_RATING,
        },
      ];
    }),
  );
  await stores.trainingRuns.writeSimilarFilms(newestRunId, [
    { tmdb_id: 2, rank: 1, similar_tmdb_id: 4, distance: 0.5, shared_genres: 2, shared_keywords: 1 },
    { tmdb_id: 2, rank: 2, similar_tmdb_id: 16, distance: 0.8, shared_genres: 2, shared_keywords: 0 },
  ]);
  return { newestRunId, films };
}
