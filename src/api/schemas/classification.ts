import { z } from 'zod';
import { hint, runRef } from './common.js';
import { crossValidated } from './metrics.js';

export const classificationResult = z
  .object({
    threshold: z.number().describe('vote_average median: above it a film is "high rating"'),
    accuracy: z.number(),
    auc: z.number().describe('area under the ROC curve: 0.5 is chance, 1 is perfect'),
    cv_accuracy: crossValidated.nullable(),
    cv_auc: crossValidated.nullable(),
    confusion: z.object({
      true_negatives: z.number().int(),
      false_positives: z.number().int(),
      false_negatives: z.number().int(),
      true_positives: z.number().int(),
    }),
    roc: z.object({
      fpr: z.array(z.number()).describe('false-positive rate at each threshold'),
      tpr: z.array(z.number()).describe('true-positive rate at each threshold'),
    }),
  })
  .meta({ id: 'ClassificationResult' });

export const classificationResponse = z
  .object({
    run: runRef.nullable(),
    result: classificationResult.nullable(),
    hint,
  })
  .meta({ id: 'ClassificationResults' });

export type ClassificationResult = z.infer<typeof classificationResult>;
