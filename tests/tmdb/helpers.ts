import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../src/config/logger.js';
import { type CatalogFilm, TMDB_MOVIE_GENRES } from '../../src/tmdb/catalog.js';
import { createTmdbClient, type TmdbClient, type TmdbClientOptions } from '../../src/tmdb/client.js';
import type { MockTmdb } from '../../src/tmdb/mock/index.js';
import { TokenBucketRateLimiter } from '../../src/tmdb/rate-limiter.js';

/**
 * A logger that keeps every line it writes. No secrets are handed to it: the key must stay out of
 * the logs because the client never writes it, not because the logger masks it.
 */
export function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => lines.push(line) };
  return { logger: createLogger({ level: 'trace' }, destination), text: () => lines.join('') };
}

export function clientFor(
  mock: MockTmdb,
  apiKey: string,
  overrides: Partial<TmdbClientOptions> & { rate?: number } = {},
): TmdbClient {
  const { rate, ...rest } = overrides;
  return createTmdbClient({
    baseUrl: mock.url,
    apiKey,
    rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: rate ?? 200 }),
    logger: captureLogger().logger,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ...rest,
  });
}

const genre = (id: number) => TMDB_MOVIE_GENRES.find((g) => g.id === id)!;

/** A small hand-made film; everything not given is plausible and fixed. */
export function film(id: number, overrides: Partial<CatalogFilm> = {}): CatalogFilm {
  return {
    id,
    imdb_id: `tt${1_000_000 + id}`,
    title: `Film ${id}`,
    original_title: `Film ${id}`,
    overview: 'Something waits in the cellar.',
    tagline: '',
    original_language: 'en',
    release_date: '2012-10-31',
    popularity: id,
    vote_count: 100,
    vote_average: 6,
    runtime: 90,
    genres: [genre(27)],
    poster_path: null,
    backdrop_path: null,
    budget: 0,
    revenue: 0,
    adult: false,
    status: 'Released',
    ...overrides,
  };
}

export { genre };
