import { z } from 'zod';
import { boundedInteger, hint, offsetParam, runRef } from './common.js';
import { regressionScore } from './metrics.js';

export const featuresQuery = z.strictObject({
  limit: boundedInteger({
    min: 1,
    max: 50,
    default: 50,
    description: 'how many features, most important first',
  }),
});

export const featureImportance = z
  .object({
    feature: z.string(),
    importance: z.number().describe('mean decrease in impurity; all features sum to 1'),
    rank: z.number().int().describe('1 = most important'),
  })
  .meta({ id: 'FeatureImportance' });

export const featuresResponse = z
  .object({
    run: runRef.nullable(),
    items: z.array(featureImportance),
    hint,
  })
  .meta({ id: 'FeatureImportances' });

export const regressionPredictionsQuery = z.strictObject({
  set: z
    .enum(['test', 'train', 'all'], { error: 'expected one of test, train, all' })
    .default('test')
    .describe('which films: the held-out test part (default), the training part, or all'),
  limit: boundedInteger({ min: 1, max: 10_000, default: 2000, description: 'how many films' }),
  offset: offsetParam,
});

export const regressionPrediction = z
  .object({
    tmdb_id: z.number().int(),
    title: z.string(),
    actual_popularity: z.number(),
    predicted_popularity: z.number(),
    in_test_set: z.boolean(),
  })
  .meta({ id: 'RegressionPrediction' });

export const regressionPredictionsResponse = z
  .object({
    run: runRef.nullable(),
    metrics: regressionScore.nullable().describe('random-forest regression scores'),
    set: z.enum(['test', 'train', 'all']),
    total: z.number().int().describe('films in the set, regardless of limit and offset'),
    items: z.array(regressionPrediction),
    hint,
  })
  .meta({ id: 'RegressionPredictions' });

export type RegressionPredictionsQuery = z.infer<typeof regressionPredictionsQuery>;
