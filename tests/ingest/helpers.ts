import { createLogger, type Logger } from '../../src/config/logger.js';
import { type CatalogFilm, discoverableFilms } from '../../src/tmdb/catalog.js';
import { createTmdbClient, type TmdbClient, type TmdbClientOptions } from '../../src/tmdb/client.js';
import { generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import type { MockTmdb } from '../../src/tmdb/mock/index.js';
import { TokenBucketRateLimiter } from '../../src/tmdb/rate-limiter.js';

export const KEY = 'ingest-test-key-5678';
export const YEARS = { fromYear: 2010, toYear: 2012 };

/** About 200 discoverable films over three years: big enough for several pages a year, quick to collect. */
export function smallCatalog(seed = 11): CatalogFilm[] {
  return generateDemoCatalog({ seed, ...YEARS, filmsPerYear: 140, now: new Date('2026-06-01T00:00:00Z') });
}

export function expectedFilms(catalog: readonly CatalogFilm[], maxPagesPerYear = 20): CatalogFilm[] {
  return discoverableFilms(catalog, { ...YEARS, minVotes: 10, maxPagesPerYear });
}

export function quietLogger(): Logger {
  return createLogger({ level: 'silent' });
}

export function tmdbFor(mock: MockTmdb, overrides: Partial<TmdbClientOptions> = {}): TmdbClient {
  return createTmdbClient({
    baseUrl: mock.url,
    apiKey: KEY,
    rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 1000 }),
    logger: quietLogger(),
    backoffBaseMs: 5,
    backoffMaxMs: 40,
    timeoutMs: 2000,
    hedge: { minMs: 200, maxMs: 200 },
    ...overrides,
  });
}
