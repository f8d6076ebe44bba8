import { z } from 'zod';
import { timestamp } from './common.js';

const year = (name: string) =>
  z
    .number({ error: 'expected a year between 1874 and 2100' })
    .int({ error: 'expected a year between 1874 and 2100' })
    .min(1874, { error: 'expected a year between 1874 and 2100' })
    .max(2100, { error: 'expected a year between 1874 and 2100' })
    .optional()
    .describe(name);

export const ingestJobBody = z
  .strictObject({
    from: year('first release year to collect (default INGEST_START_YEAR)'),
    to: year('last release year to collect (default INGEST_END_YEAR)'),
    pages: z
      .number({ error: 'expected an integer between 1 and 500' })
      .int({ error: 'expected an integer between 1 and 500' })
      .min(1, { error: 'expected an integer between 1 and 500' })
      .max(500, { error: 'expected an integer between 1 and 500' })
      .optional()
      .describe('discover pages per year (default INGEST_MAX_PAGES_PER_YEAR)'),
  })
  .refine((body) => body.from === undefined || body.to === undefined || body.from <= body.to, {
    error: 'expected a year not before "from"',
    path: ['to'],
  })
  .optional()
  .describe('all fields optional; the configured defaults fill the gaps');

export const jobAccepted = z
  .object({
    id: z.string().meta({ examples: ['ingest-0b6f0d3e-4a8b-4d47-9a59-0c1f4f0f6f2e'] }),
    deduplicated: z.boolean().describe('true when a job of that kind was already waiting or running'),
    status_url: z.string().meta({ examples: ['/api/jobs/ingest-0b6f0d3e-4a8b-4d47-9a59-0c1f4f0f6f2e'] }),
  })
  .meta({ id: 'JobAccepted' });

export const jobParams = z.strictObject({
  id: z.string().min(1, { error: 'expected a job id' }).max(200, { error: 'expected a job id' }),
});

export const jobStatus = z
  .object({
    id: z.string(),
    kind: z.enum(['ingest', 'train']),
    state: z.enum(['queued', 'running', 'completed', 'failed']),
    progress: z.record(z.string(), z.unknown()).nullable(),
    result: z.unknown(),
    error: z.string().nullable(),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
  })
  .meta({ id: 'JobStatus' });

export const authHeaders = z.object({
  authorization: z.string().optional().describe('Bearer ADMIN_TOKEN'),
});
