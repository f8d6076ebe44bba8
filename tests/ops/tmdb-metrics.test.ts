import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { tmdbObserverFor } from '../../src/observability/tmdb.js';
import { createTmdbClient } from '../../src/tmdb/client.js';
import { TmdbNotFoundError, TmdbRequestError } from '../../src/tmdb/errors.js';
import { TokenBucketRateLimiter } from '../../src/tmdb/rate-limiter.js';
import { sample } from './exposition.js';

const genres = JSON.stringify({ genres: [{ id: 27, name: 'Horror' }] });

/** A TMDB that gives the scripted answers in order, whatever is asked. */
function scriptedFetch(answers: Array<{ status: number; body?: string; headers?: Record<string, string> }>) {
  return (async () => {
    const answer = answers.shift();
    if (!answer) throw new Error('no answer scripted');
    return new Response(answer.body ?? JSON.stringify({ status_message: 'scripted' }), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  }) as typeof fetch;
}

describe('TMDB metrics', () => {
  it('counts requests, retries, 429s and requests that failed for good', async () => {
    const metrics = createMetrics({ process: 'worker', collectProcessMetrics: false });
    const client = createTmdbClient({
      baseUrl: 'http://tmdb.test/3',
      apiKey: 'metrics-test-key',
      rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: 1000 }),
      logger: createLogger({ level: 'silent' }),
      fetch: scriptedFetch([
        { status: 429, headers: { 'retry-after': '0' } },
        { status: 200, body: genres },
        { status: 404 },
        { status: 500 },
        { status: 500 },
      ]),
      maxAttempts: 2,
      backoffBaseMs: 1,
      backoffMaxMs: 2,
      hedge: false,
      observer: tmdbObserverFor(metrics),
    });
    await expect(client.genres()).resolves.toHaveLength(1);
    await expect(client.movieDetails(5)).rejects.toBeInstanceOf(TmdbNotFoundError);
    await expect(client.genres()).rejects.toBeInstanceOf(TmdbRequestError);

    const exposition = await metrics.scrape();
    const count = (name: string) => sample(exposition, name, { process: 'worker' });
    expect(count('horrorcast_tmdb_requests_total')).toBe(5);
    expect(count('horrorcast_tmdb_retries_total')).toBe(2);
    expect(count('horrorcast_tmdb_rate_limited_total')).toBe(1);
    // The 404 is an answer (the film is gone); only the request that ran out of attempts failed.
    expect(count('horrorcast_tmdb_failures_total')).toBe(1);
    expect(exposition).not.toContain('metrics-test-key');
  });
});
