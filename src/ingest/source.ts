import { randomBytes } from 'node:crypto';
import { type Config, usesDemoData } from '../config/index.js';
import type { Logger } from '../config/logger.js';
import { type DataSource, runLiveness, type Stores } from '../persistence/index.js';
import { createTmdbClient, type TmdbClient, type TmdbObserver } from '../tmdb/client.js';
import { startMockTmdb } from '../tmdb/mock/index.js';
import { type RateLimiter, TokenBucketRateLimiter } from '../tmdb/rate-limiter.js';
import { runIngest } from './run.js';
import { guardFilmSource } from './source-guard.js';
import type { IngestOptions, IngestSummary } from './types.js';

const DEMO_RATE_PER_SECOND = 500;

/** Where films come from: TMDB itself, or the demo catalogue served by an in-process mock. */
export interface TmdbSource {
  kind: Extract<DataSource, 'tmdb' | 'demo'>;
  baseUrl: string;
  apiKey: string;
  /** Requests per second this source is asked for. */
  ratePerSecond: number;
  close(): Promise<void>;
}

/**
 * TMDB when TMDB_API_KEY is set; otherwise the embedded shape's demo: a mock TMDB on a free
 * local port, serving a seeded demo catalogue, with a key made up for this process.
 */
export async function openTmdbSource(config: Config, logger: Logger): Promise<TmdbSource> {
  if (!usesDemoData(config)) {
    return {
      kind: 'tmdb',
      baseUrl: config.TMDB_API_BASE,
      apiKey: config.TMDB_API_KEY!,
      ratePerSecond: config.TMDB_RATE_LIMIT,
      close: async () => {},
    };
  }
  const apiKey = `demo-${randomBytes(12).toString('hex')}`;
  const mock = await startMockTmdb({ apiKeys: [apiKey] });
  logger.warn(
    { mockUrl: mock.url, films: mock.catalog.length },
    'TMDB_API_KEY is not set: collecting from the built-in demo catalogue (synthetic films, not TMDB data)',
  );
  // The mock lives in this process: there is no one to be polite to, only the event loop to keep free.
  return {
    kind: 'demo',
    baseUrl: mock.url,
    apiKey,
    ratePerSecond: DEMO_RATE_PER_SECOND,
    close: () => mock.close(),
  };
}

export interface ConfiguredIngest {
  config: Config;
  logger: Logger;
  stores: Stores;
  /** The scaled shape passes its Redis-backed limiter here so every worker shares one budget. */
  rateLimiter?: RateLimiter;
  /** Counts TMDB requests, retries, 429s and failures (metrics). */
  tmdbObserver?: TmdbObserver;
}

export type IngestRequest = Partial<Pick<IngestOptions, 'fromYear' | 'toYear' | 'maxPagesPerYear'>> &
  Pick<IngestOptions, 'jobId' | 'signal' | 'onProgress' | 'allowMixedSources'>;

/** A run with the configured settings (TMDB key, rate, years, pages), for the CLI and the job processors. */
export async function ingestWithConfig(
  deps: ConfiguredIngest,
  request: IngestRequest = {},
): Promise<IngestSummary> {
  const { config, logger } = deps;
  // Refused before the demo catalogue is started or announced.
  await guardFilmSource(deps.stores, usesDemoData(config) ? 'demo' : 'tmdb', {
    allowMixed: request.allowMixedSources,
  });
  const source = await openTmdbSource(config, logger);
  try {
    const tmdb: TmdbClient = createTmdbClient({
      baseUrl: source.baseUrl,
      apiKey: source.apiKey,
      rateLimiter: deps.rateLimiter ?? new TokenBucketRateLimiter({ ratePerSecond: source.ratePerSecond }),
      concurrency: config.TMDB_CONCURRENCY,
      logger,
      observer: deps.tmdbObserver,
    });
    return await runIngest(
      {
        stores: deps.stores,
        tmdb,
        logger,
        liveness: runLiveness(config.RUN_STALE_AFTER_S),
        outageTimeoutMs: config.OUTAGE_TIMEOUT_S * 1000,
      },
      {
        fromYear: request.fromYear ?? config.INGEST_START_YEAR,
        toYear: request.toYear ?? config.INGEST_END_YEAR,
        maxPagesPerYear: request.maxPagesPerYear ?? config.INGEST_MAX_PAGES_PER_YEAR,
        minVotes: config.INGEST_MIN_VOTES,
        source: source.kind,
        jobId: request.jobId,
        allowMixedSources: request.allowMixedSources,
        signal: request.signal,
        onProgress: request.onProgress,
      },
    );
  } finally {
    await source.close();
  }
}
