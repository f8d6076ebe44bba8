import { z } from 'zod';
import { boundedInteger, hint, offsetParam, runRef } from './common.js';

export const pcaQuery = z.strictObject({
  limit: boundedInteger({ min: 1, max: 10_000, default: 2000, description: 'how many films' }),
  offset: offsetParam,
});

export const pcaPoint = z
  .object({
    tmdb_id: z.number().int(),
    title: z.string(),
    cluster: z.number().int(),
    pc1: z.number(),
    pc2: z.number(),
  })
  .meta({ id: 'PcaPoint' });

export const pcaResponse = z
  .object({
    run: runRef.nullable(),
    clusters: z.number().int().describe('k: how many clusters the run found'),
    explained_variance: z
      .array(z.number())
      .describe('0–1 each: the share of the films’ variance that pc1 and pc2 keep; empty when unknown'),
    total: z.number().int(),
    items: z.array(pcaPoint),
    hint,
  })
  .meta({ id: 'PcaPoints' });

export const clusterProfile = z
  .object({
    cluster: z.number().int(),
    film_count: z.number().int(),
    avg_popularity: z.number(),
    avg_vote_average: z.number(),
    avg_runtime: z.number(),
    avg_vote_count: z.number(),
  })
  .meta({ id: 'ClusterProfile' });

export const profilesResponse = z
  .object({
    run: runRef.nullable(),
    items: z.array(clusterProfile),
    hint,
  })
  .meta({ id: 'ClusterProfiles' });

export type PcaQuery = z.infer<typeof pcaQuery>;
export type ClusterProfile = z.infer<typeof clusterProfile>;
