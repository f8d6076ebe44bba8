import { z } from 'zod';

const dialect = z.enum(['sqlite', 'mysql', 'postgres']).describe('which database the service uses');

export const livenessResponse = z.object({
  status: z.literal('ok'),
  uptime_seconds: z.number(),
});

export const readinessResponse = z.object({
  status: z.literal('ok'),
  database: dialect,
  uptime_seconds: z.number(),
});

export const readinessUnavailable = z.object({
  status: z.literal('unavailable'),
  database: dialect,
  message: z.string(),
});
