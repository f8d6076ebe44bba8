import { z } from 'zod';

/** A 5-fold cross-validated figure: mean and standard deviation over the folds. */
export const crossValidated = z.object({ mean: z.number(), std: z.number() });

export const regressionScore = z.object({
  mae: z.number().nullable().describe('mean absolute error on the held-out 25%'),
  r2: z.number().nullable().describe('coefficient of determination on the held-out 25%'),
  cv_mae: crossValidated.nullable(),
  cv_r2: crossValidated.nullable(),
});

export const classificationScore = z.object({
  accuracy: z.number().nullable(),
  auc: z.number().nullable(),
  cv_accuracy: crossValidated.nullable(),
  cv_auc: crossValidated.nullable(),
});

/** Every model's headline figures, read from the training run's metrics document. */
export const modelScores = z.object({
  linear_popularity: regressionScore.nullable(),
  linear_vote_average: regressionScore.nullable(),
  rf_regression: regressionScore.nullable(),
  rf_classification: classificationScore.nullable(),
  clusters: z.number().int().nullable().describe('k of the k-means model'),
  test_count: z.number().int().nullable().describe('held-out films the single-split figures come from'),
  small_sample: z
    .boolean()
    .describe('true when fewer than 30 held-out films: the single-split figures are mostly noise'),
});

export type CrossValidated = z.infer<typeof crossValidated>;
export type RegressionScore = z.infer<typeof regressionScore>;
export type ClassificationScore = z.infer<typeof classificationScore>;
export type ModelScores = z.infer<typeof modelScores>;
