import type { TrainingMetrics } from '../../persistence/index.js';
import type { BoostedScore, ClassificationScore, ModelScores, RegressionScore } from '../schemas/metrics.js';

const BOOSTED = ['popularity_v2', 'rating_v2', 'pre_release_popularity', 'pre_release_rating'] as const;

/** A boosted model's 5-fold figures and interval coverage; null in runs from before it. */
function boostedScore(metrics: TrainingMetrics, name: (typeof BOOSTED)[number]): BoostedScore | null {
  const mae = metrics.cv5[`${name}_mae`];
  const r2 = metrics.cv5[`${name}_r2`];
  if (!mae && !r2) return null;
  return { cv_mae: mae ?? null, cv_r2: r2 ?? null, coverage: metrics.intervals?.coverage[name] ?? null };
}

/** The figures the API promises, read from a training run's metrics document. */
export function scoresOf(metrics: TrainingMetrics | null): ModelScores {
  if (!metrics) {
    return {
      linear_popularity: null,
      linear_vote_average: null,
      rf_regression: null,
      rf_classification: null,
      clusters: null,
      popularity_v2: null,
      rating_v2: null,
      pre_release_popularity: null,
      pre_release_rating: null,
      notes: [],
      test_count: null,
      small_sample: false,
    };
  }
  const { cv5 } = metrics;
  const linearPopularity: RegressionScore = {
    mae: metrics.linear.popularity.mae,
    r2: metrics.linear.popularity.r2,
    cv_mae: cv5.linear_popularity_mae ?? null,
    cv_r2: cv5.linear_popularity_r2 ?? null,
  };
  const linearVoteAverage: RegressionScore = {
    mae: metrics.linear.vote_average.mae,
    r2: metrics.linear.vote_average.r2,
    cv_mae: cv5.linear_vote_average_mae ?? null,
    cv_r2: cv5.linear_vote_average_r2 ?? null,
  };
  const rfRegression: RegressionScore = {
    mae: metrics.rf_regression.mae,
    r2: metrics.rf_regression.r2,
    cv_mae: cv5.rf_regression_mae ?? null,
    cv_r2: cv5.rf_regression_r2 ?? null,
  };
  const rfClassification: ClassificationScore = {
    accuracy: metrics.rf_classification.accuracy,
    auc: metrics.rf_classification.auc,
    cv_accuracy: cv5.rf_classification_accuracy ?? null,
    cv_auc: cv5.rf_classification_auc ?? null,
  };
  return {
    linear_popularity: linearPopularity,
    linear_vote_average: linearVoteAverage,
    rf_regression: rfRegression,
    rf_classification: rfClassification,
    clusters: metrics.clustering.k,
    ...(Object.fromEntries(BOOSTED.map((name) => [name, boostedScore(metrics, name)])) as Record<
      (typeof BOOSTED)[number],
      BoostedScore | null
    >),
    notes: metrics.notes ?? [],
    test_count: metrics.test_count ?? null,
    small_sample: metrics.small_sample ?? false,
  };
}
