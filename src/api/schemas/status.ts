import { z } from 'zod';
import { hint, timestamp } from './common.js';
import { modelAlert } from './insights.js';
import { modelScores } from './metrics.js';

export const dataSource = z.enum(['demo', 'tmdb', 'import']);

export const statusResponse = z
  .object({
    version: z
      .string()
      .describe('Horrorcast version serving this answer')
      .meta({ examples: ['0.1.0'] }),
    data_source: dataSource.describe(
      'where the films on screen came from (the newest successful collection)',
    ),
    configured_source: z.enum(['demo', 'tmdb']).describe('where the next collection will read from'),
    films: z.number().int(),
    snapshots: z.number().int(),
    last_collection: z
      .object({
        id: z.number().int(),
        status: z.enum(['running', 'succeeded', 'partial', 'failed', 'interrupted']),
        source: z.string().describe('tmdb or demo for a collection, import for a CSV file'),
        source_file: z.string().nullable().describe('the file an import read; null for a collection'),
        started_at: timestamp,
        finished_at: timestamp.nullable(),
        new_films: z.number().int(),
        updated_films: z.number().int(),
        snapshots: z.number().int(),
        failure_count: z.number().int().describe('films that failed; for an import, the rejected rows'),
        skipped: z.number().int().describe('films an import left out for having too few votes'),
      })
      .nullable(),
    last_training: z
      .object({
        id: z.number().int(),
        status: z.enum(['running', 'succeeded', 'failed', 'insufficient_data', 'interrupted']),
        started_at: timestamp,
        finished_at: timestamp.nullable(),
        sample_count: z.number().int(),
        duration_seconds: z.number().nullable(),
        error: z.string().nullable(),
      })
      .nullable(),
    model: z
      .object({
        run_id: z.number().int(),
        trained_at: timestamp.nullable(),
        sample_count: z.number().int(),
        scores: modelScores,
      })
      .nullable()
      .describe('the newest successful training run, whose results the dashboard shows'),
    model_alerts: z
      .array(modelAlert.extend({ run_id: z.number().int() }))
      .describe("the newest run's cross-validated scores outside the spread of the earlier runs"),
    hint,
  })
  .meta({ id: 'Status' });
