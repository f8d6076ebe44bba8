import { z } from 'zod';
import { integerBetween } from '../../config/integer.js';

/**
 * Pieces every resource schema shares. Schemas do three jobs at once: they validate input, give the
 * handlers their types, and become the OpenAPI document at /docs.
 */

/** An integer query parameter whose error message says the accepted range. */
export function boundedInteger(options: { min: number; max: number; default: number; description: string }) {
  return integerBetween(options.min, options.max, { coerce: true })
    .default(options.default)
    .describe(`${options.description} (${options.min}–${options.max}, default ${options.default})`);
}

export const offsetParam = z.coerce
  .number({ error: 'expected an integer of at least 0' })
  .int({ error: 'expected an integer of at least 0' })
  .min(0, { error: 'expected an integer of at least 0' })
  .max(1_000_000, { error: 'expected an integer between 0 and 1000000' })
  .default(0)
  .describe('how many items to skip (default 0)');

export const tmdbIdParam = z.coerce
  .number({ error: 'expected a positive integer (a TMDB film id)' })
  .int({ error: 'expected a positive integer (a TMDB film id)' })
  .min(1, { error: 'expected a positive integer (a TMDB film id)' })
  .max(2_147_483_647, { error: 'expected a positive integer (a TMDB film id)' });

export const errorResponse = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
  })
  .describe('What went wrong; 5xx answers never carry internal details')
  .meta({
    id: 'Error',
    examples: [
      { statusCode: 404, error: 'Not Found', message: 'No film with TMDB id 42 has been collected.' },
    ],
  });

/** Set when a list is empty because data is missing: says which command fills it. */
export const hint = z
  .string()
  .nullable()
  .describe('Why the answer is empty and what to run to fill it; null when there is data');

export const timestamp = z.string().meta({
  description: 'ISO-8601 UTC timestamp',
  format: 'date-time',
  examples: ['2026-10-31T03:00:00.000Z'],
});

/** A film's TMDB vote average; a film nobody has voted on has none (TMDB itself writes 0). */
export const voteAverage = z
  .number()
  .nullable()
  .describe('average vote, 0–10; null while nobody has voted on the film (unknown, not 0)');

/** The training run whose results an answer shows. */
export const runRef = z
  .object({
    id: z.number().int(),
    started_at: timestamp,
    finished_at: timestamp.nullable(),
    sample_count: z.number().int(),
  })
  .describe('The newest successful training run')
  .meta({ id: 'TrainingRunRef' });

export type RunRef = z.infer<typeof runRef>;

export const hints = {
  noFilms:
    'No films collected yet: run `horrorcast ingest` (or POST /api/jobs/ingest), or start with `npm start`.',
  noTraining:
    'No successful training run yet: collect films, then run `horrorcast train` (or POST /api/jobs/train).',
} as const;
