import { z } from 'zod';

const dialect = z.enum(['sqlite', 'mysql', 'postgres']).describe('which database the service uses');

export const livenessResponse = z
  .object({
    status: z.literal('ok'),
    uptime_seconds: z.number(),
  })
  .meta({ id: 'Liveness' });

export const readinessResponse = z
  .object({
    status: z.literal('ok'),
    database: dialect,
    uptime_seconds: z.number(),
  })
  .meta({ id: 'Readiness' });

export const readinessUnavailable = z
  .object({
    status: z.literal('unavailable'),
    database: dialect,
    message: z.string(),
  })
  .meta({ id: 'ReadinessUnavailable' });
