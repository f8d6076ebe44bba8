import { z } from 'zod';
import { hint, runRef } from './common.js';
import { regressionScore } from './metrics.js';

export const linearPrediction = z.object({
  tmdb_id: z.number().int(),
  title: z.string(),
  predicted_popularity: z.number(),
  actual_popularity: z.number(),
  predicted_vote_average: z.number(),
  actual_vote_average: z.number(),
  mae_popularity: z.number().describe('absolute error of this film’s popularity prediction'),
  mae_vote_average: z.number().describe('absolute error of this film’s vote-average prediction'),
});

export const predictionsResponse = z.object({
  run: runRef.nullable(),
  metrics: z
    .object({ popularity: regressionScore.nullable(), vote_average: regressionScore.nullable() })
    .nullable()
    .describe('test-set scores of the two linear regressions'),
  items: z.array(linearPrediction).describe('top 20 films by predicted popularity'),
  hint,
});

export type LinearPrediction = z.infer<typeof linearPrediction>;
export type PredictionsResponse = z.infer<typeof predictionsResponse>;
