import { z } from 'zod';

/**
 * The metrics document a training run stores in train_runs.metrics. Training writes it with this
 * type, the training-runs store parses it with this schema on read, and the API and the CLI read
 * its typed fields: a renamed field fails to compile instead of turning into a silent null.
 */

const meanStd = z.object({ mean: z.number(), std: z.number() });

const regressionScores = z.object({ mae: z.number(), r2: z.number() });

export const crossValidatedMetrics = [
  'rf_regression_r2',
  'rf_regression_mae',
  'rf_classification_auc',
  'rf_classification_accuracy',
  'linear_popularity_r2',
  'linear_popularity_mae',
  'linear_vote_average_r2',
  'linear_vote_average_mae',
] as const;

export type CrossValidatedMetric = (typeof crossValidatedMetrics)[number];

/** The 5-fold figures of the gradient-boosted models (popularity MAE on the popularity scale). */
export const boostedCrossValidatedMetrics = [
  'popularity_v2_mae',
  'popularity_v2_r2',
  'rating_v2_mae',
  'rating_v2_r2',
  'pre_release_popularity_mae',
  'pre_release_popularity_r2',
  'pre_release_rating_mae',
  'pre_release_rating_r2',
] as const;

export type BoostedCrossValidatedMetric = (typeof boostedCrossValidatedMetrics)[number];

/** Every figure of a run; `cv5` holds the 5-fold mean ± std of every metric. */
export const trainingMetricsSchema = z.object({
  n: z.number().int(),
  linear: z.object({
    popularity: regressionScores,
    vote_average: regressionScores,
    /** Which feature set the linear baseline used. */
    features: z.string(),
  }),
  rf_regression: regressionScores.extend({ top_features: z.array(z.string()) }),
  rf_classification: z.object({
    accuracy: z.number(),
    auc: z.number(),
    threshold: z.number(),
    /** [[TN, FP], [FN, TP]]. */
    confusion: z.array(z.array(z.number())),
  }),
  clustering: z.object({
    k: z.number().int(),
    inertia: z.number(),
    sizes: z.array(z.number()),
    pca_explained: z.array(z.number()),
  }),
  /** Training computes every one; readers still show the others when a document lacks one. */
  cv5: z.partialRecord(z.enum([...crossValidatedMetrics, ...boostedCrossValidatedMetrics]), meanStd),
  /**
   * The boosted models' prediction intervals: the level they aim at and, per model, the share of
   * held-out films inside their interval (each fold calibrated on the other folds). Absent in runs
   * from before the boosted models.
   */
  intervals: z.object({ coverage: z.record(z.string(), z.number()), level: z.number() }).optional(),
  /** What a run left out and why, in words (e.g. trained without budget). */
  notes: z.array(z.string()).optional(),
  /** Films in the held-out test set the single-split figures were computed on. */
  test_count: z.number().int().optional(),
  /** Fewer than SMALL_SAMPLE_TEST_FILMS test films: the figures are too noisy to trust. */
  small_sample: z.boolean().optional(),
});

export type TrainingMetrics = z.infer<typeof trainingMetricsSchema>;
export type RegressionScores = z.infer<typeof regressionScores>;

/** Below this many held-out films a metric (an AUC from five films) is mostly noise. */
export const SMALL_SAMPLE_TEST_FILMS = 30;

/** The metrics with the size of the test set they were computed on, flagged when it is small. */
export function withSampleSize<M extends object>(
  metrics: M,
  testCount: number,
): M & { test_count: number; small_sample: boolean } {
  return { ...metrics, test_count: testCount, small_sample: testCount < SMALL_SAMPLE_TEST_FILMS };
}

/**
 * The document of a stored run, or null when the run stored none or one this version cannot read
 * (invalid JSON or another layout): readers then show no figures rather than wrong ones.
 */
export function parseTrainingMetrics(json: string | null): TrainingMetrics | null {
  if (!json) return null;
  try {
    const parsed = trainingMetricsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
