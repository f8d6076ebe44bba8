import { z } from 'zod';
import { hint, runRef } from './common.js';
import { regressionScore } from './metrics.js';

export const linearPrediction = z
  .object({
    tmdb_id: z.number().int(),
    title: z.string(),
    predicted_popularity: z.number(),
    actual_popularity: z.number(),
    predicted_vote_average: z.number(),
    actual_vote_average: z.number(),
    mae_popularity: z
      .number()
      .describe('the linear model’s MAE on held-out films, repeated beside each prediction'),
    mae_vote_average: z.number().describe('the same for the vote-average model'),
  })
  .meta({ id: 'LinearPrediction' });

export const predictionsResponse = z
  .object({
    run: runRef.nullable(),
    metrics: z
      .object({ popularity: regressionScore.nullable(), vote_average: regressionScore.nullable() })
      .nullable()
      .describe('test-set scores of the two linear regressions'),
    items: z.array(linearPrediction).describe('top 20 films by predicted popularity'),
    hint,
  })
  .meta({ id: 'LinearPredictions' });

export type LinearPrediction = z.infer<typeof linearPrediction>;
