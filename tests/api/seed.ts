import type { MovieInput, Stores, TrainingMetrics } from '../../src/persistence/index.js';

export const xssTitle = '<img src=x onerror=alert(1)>';

/** A metrics document as a training run stores it; the linear vote-average cross-validation is missing. */
export const seededMetrics: TrainingMetrics = {
  n: 40,
  linear: { popularity: { mae: 3.4, r2: 0.22 }, vote_average: { mae: 0.75, r2: 0.26 }, features: 'linear' },
  rf_regression: { mae: 2.6, r2: 0.32, top_features: ['vote_count', 'runtime'] },
  rf_classification: {
    accuracy: 0.78,
    auc: 0.85,
    threshold: 6.4,
    confusion: [
      [4, 1],
      [1, 4],
    ],
  },
  clustering: { k: 3, inertia: 120.5, sizes: [14, 13, 13], pca_explained: [0.41, 0.22] },
  cv5: {
    rf_regression_r2: { mean: 0.34, std: 0.09 },
    rf_regression_mae: { mean: 2.9, std: 0.19 },
    rf_classification_auc: { mean: 0.85, std: 0.01 },
    rf_classification_accuracy: { mean: 0.77, std: 0.01 },
    linear_popularity_r2: { mean: 0.31, std: 0.14 },
    linear_popularity_mae: { mean: 3.8, std: 0.3 },
  },
};

export function seededFilm(id: number): MovieInput & { vote_average: number } {
  return {
    tmdb_id: id,
    title: id === 1 ? xssTitle : `Film ${id}`,
    original_title: `Film ${id}`,
    overview: 'Something moves in the dark.',
    original_language: id % 3 ? 'en' : 'ja',
    release_date: `${2010 + (id % 15)}-${String((id % 12) + 1).padStart(2, '0')}-13`,
    popularity: id * 1.5,
    vote_count: id * 20,
    vote_average: 4 + (id % 50) / 10,
    runtime: 80 + (id % 40),
    genres: ['Horror', id % 2 ? 'Thriller' : 'Mystery'],
    imdb_id: `tt${1000000 + id}`,
    details_fetched_at: '2026-01-01T00:00:00.000Z',
  };
}

/**
 * Films, three collections' snapshots and one complete training run, written straight into the
 * analysis tables so that API tests do not depend on the training code.
 */
export async function seedDatabase(
  stores: Stores,
  options: { films?: number; snapshotsPerFilm?: number } = {},
): Promise<{ trainRunId: number; films: number }> {
  const count = options.films ?? 40;
  const snapshotsPerFilm = options.snapshotsPerFilm ?? 3;
  const films = Array.from({ length: count }, (_, i) => seededFilm(i + 1));
  for (let s = 0; s < snapshotsPerFilm; s++) {
    const day = new Date(Date.UTC(2026, 0, 1 + s)).toISOString();
    const runId = await stores.collectionRuns.start({
      source: 'demo',
      startedAt: day,
      yearFrom: 2010,
      yearTo: 2026,
    });
    await stores.films.upsert(films, day);
    await stores.films.insertSnapshots(
      films.map((f) => ({
        tmdb_id: f.tmdb_id,
        ingest_run_id: runId,
        snapshot_ts: day,
        popularity: f.popularity + s,
        vote_count: f.vote_count + s,
        vote_average: f.vote_average,
      })),
    );
    await stores.collectionRuns.update(runId, {
      status: 'succeeded',
      finished_at: day,
      new_films: s === 0 ? count : 0,
      updated_films: s === 0 ? 0 : count,
      snapshots: count,
    });
  }

  const trainRunId = await stores.trainingRuns.start({ startedAt: '2026-01-03T01:00:00.000Z' });
  const features = ['vote_count', 'runtime', 'release_year', 'is_summer', 'genre_count', 'release_month'];
  await stores.trainingRuns.writeResults(trainRunId, {
    model_predictions: films.map((f) => ({
      pred_ts: '2026-01-03T01:00:01.000Z',
      tmdb_id: f.tmdb_id,
      model_name: 'linear',
      predicted_popularity: f.popularity * 0.9 + 1,
      actual_popularity: f.popularity,
      predicted_vote_average: f.vote_average + 0.2,
      actual_vote_average: f.vote_average,
      mae_popularity: Math.abs(f.popularity * 0.1 - 1),
      mae_vote_average: 0.2,
    })),
    feature_importances: features.map((feature, i) => ({ feature, importance: (6 - i) / 21, rank: i + 1 })),
    regression_predictions: films.map((f, i) => ({
      tmdb_id: f.tmdb_id,
      actual_popularity: f.popularity,
      predicted_popularity: f.popularity * 0.8 + 2,
      in_test_set: i % 4 === 0 ? 1 : 0,
    })),
    classification_results: [
      {
        threshold: 6.4,
        accuracy: 0.78,
        auc: 0.85,
        true_negatives: 4,
        false_positives: 1,
        false_negatives: 1,
        true_positives: 4,
        roc_curve: JSON.stringify({
          fpr: [0, 0.2, 0.5, 1],
          tpr: [0, 0.6, 0.9, 1],
          thresholds: [2, 0.8, 0.4, 0],
        }),
      },
    ],
    cluster_points: films.map((f, i) => ({
      tmdb_id: f.tmdb_id,
      cluster: i % 3,
      pc1: (i % 7) - 3,
      pc2: (i % 5) - 2,
    })),
    cluster_profiles: [0, 1, 2].map((cluster) => ({
      cluster,
      film_count: Math.ceil((count - cluster) / 3),
      avg_popularity: 10 + cluster,
      avg_vote_average: 5 + cluster / 2,
      avg_runtime: 90 + cluster * 5,
      avg_vote_count: 300 + cluster * 100,
    })),
    oof_predictions: [],
    model_artifacts: [],
  });
  await stores.trainingRuns.update(trainRunId, {
    status: 'succeeded',
    finished_at: '2026-01-03T01:00:05.000Z',
    sample_count: count,
    metrics: seededMetrics,
    duration_seconds: 4.2,
  });
  return { trainRunId, films: count };
}
