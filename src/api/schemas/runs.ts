import { z } from 'zod';
import { boundedInteger, timestamp } from './common.js';

export const runsQuery = z.strictObject({
  limit: boundedInteger({
    min: 1,
    max: 100,
    default: 10,
    description: 'how many runs of each kind, newest first',
  }),
});

export const ingestRun = z
  .object({
    id: z.number().int(),
    started_at: timestamp,
    finished_at: timestamp.nullable(),
    status: z.enum(['running', 'succeeded', 'partial', 'failed', 'interrupted']),
    source: z.string().describe('tmdb, demo or import'),
    year_from: z.number().int().nullable(),
    year_to: z.number().int().nullable(),
    pages: z.number().int(),
    api_calls: z.number().int(),
    new_films: z.number().int(),
    updated_films: z.number().int(),
    snapshots: z.number().int(),
    failure_count: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'CollectionRun' });

export const trainRun = z
  .object({
    id: z.number().int(),
    started_at: timestamp,
    finished_at: timestamp.nullable(),
    status: z.enum(['running', 'succeeded', 'failed', 'insufficient_data', 'interrupted']),
    sample_count: z.number().int(),
    duration_seconds: z.number().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable().describe('every metric the run computed'),
    error: z.string().nullable(),
  })
  .meta({ id: 'TrainingRun' });

export const runsResponse = z
  .object({
    ingest: z.array(ingestRun),
    train: z.array(trainRun),
  })
  .meta({ id: 'Runs' });

export type IngestRunView = z.infer<typeof ingestRun>;
export type TrainRunView = z.infer<typeof trainRun>;
