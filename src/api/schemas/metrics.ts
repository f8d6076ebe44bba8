import { z } from 'zod';

/** A 5-fold cross-validated figure: mean and standard deviation over the folds. */
export const crossValidated = z.object({ mean: z.number(), std: z.number() }).meta({ id: 'CrossValidated' });

export const regressionScore = z
  .object({
    mae: z.number().nullable().describe('mean absolute error on the held-out 25%'),
    r2: z.number().nullable().describe('coefficient of determination on the held-out 25%'),
    cv_mae: crossValidated.nullable(),
    cv_r2: crossValidated.nullable(),
  })
  .meta({ id: 'RegressionScore' });

export const classificationScore = z
  .object({
    accuracy: z.number().nullable(),
    auc: z.number().nullable(),
    cv_accuracy: crossValidated.nullable(),
    cv_auc: crossValidated.nullable(),
  })
  .meta({ id: 'ClassificationScore' });

export const boostedScore = z.object({
  cv_mae: crossValidated.nullable(),
  cv_r2: crossValidated.nullable(),
  coverage: z
    .number()
    .nullable()
    .describe('share of held-out films inside their 80% interval (each fold calibrated on the others)'),
});

/** Every model's headline figures, read from the training run's metrics document. */
export const modelScores = z
  .object({
    linear_popularity: regressionScore.nullable(),
    linear_vote_average: regressionScore.nullable(),
    rf_regression: regressionScore.nullable(),
    rf_classification: classificationScore.nullable(),
    clusters: z.number().int().nullable().describe('k of the k-means model'),
    popularity_v2: boostedScore.nullable().describe('gradient-boosted popularity, all features; 5-fold CV'),
    rating_v2: boostedScore.nullable().describe('gradient-boosted vote average, all features; 5-fold CV'),
    pre_release_popularity: boostedScore.nullable().describe('popularity from what is known before release'),
    pre_release_rating: boostedScore.nullable().describe('vote average from what is known before release'),
    notes: z.array(z.string()).describe('what the run trained without, and why'),
    test_count: z.number().int().nullable().describe('held-out films the single-split figures come from'),
    small_sample: z
      .boolean()
      .describe('true when fewer than 30 held-out films: the single-split figures are mostly noise'),
  })
  .meta({ id: 'ModelScores' });

export type CrossValidated = z.infer<typeof crossValidated>;
export type RegressionScore = z.infer<typeof regressionScore>;
export type ClassificationScore = z.infer<typeof classificationScore>;
export type BoostedScore = z.infer<typeof boostedScore>;
export type ModelScores = z.infer<typeof modelScores>;
