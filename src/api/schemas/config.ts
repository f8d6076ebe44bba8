import { z } from 'zod';

export const clientConfigResponse = z
  .object({
    poll_interval_ms: z.number().int().describe('how often the dashboard refreshes (POLL_INTERVAL_MS)'),
    configured_source: z.enum(['demo', 'tmdb']),
  })
  .meta({ id: 'DashboardConfig' });
